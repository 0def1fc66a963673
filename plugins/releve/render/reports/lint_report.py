"""Lint output formats: text, JSON, GitHub annotations, SARIF 2.1.0, Markdown summary.

Every format takes findings whose paths are relative to the runbook root, and
the language of the messages. None prints anything secret: messages never
hold the values they are about.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from ... import __version__
from ...core.findings import ERROR, Finding
from ...i18n import t
from ...lint.codes import CODES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/example/releve#lint"


def _counts(findings: list[Finding]) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.severity == ERROR)
    return errors, len(findings) - errors


def text(findings: list[Finding], lang: str, prefix: str = "") -> str:
    """`path:line:column: severity CODE message`, then a one-line summary.

    Like JSON, paths are relative to the runbook root; `prefix` is for formats read by
    GitHub, which wants paths relative to the repository.
    """
    lines = [
        f"{f.path}:{f.line}:{f.column}: {t(lang, 'lint.sev.' + f.severity)} "
        f"{f.code} {f.message(lang)}"
        for f in findings
    ]
    errors, warnings = _counts(findings)
    summary = summary_line(errors, warnings, lang)
    lines.append(summary if findings else t(lang, "lint.clean"))
    return "\n".join(lines) + "\n"


def summary_line(errors: int, warnings: int, lang: str) -> str:
    """ "1 error, 3 warnings": each count with its noun in the right plural form."""
    return t(lang, "lint.summary", errors=t(lang, "count.errors", n=errors),
             warnings=t(lang, "count.warnings", n=warnings))  # fmt: skip


def as_json(findings: list[Finding], lang: str, prefix: str = "") -> str:
    return json.dumps([f.as_dict(lang) for f in findings], ensure_ascii=False, indent=2) + "\n"


def escape_data(value: str) -> str:
    """GitHub workflow command data: %, CR and LF are escaped."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """GitHub workflow command property: data escapes plus ':' and ','."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding], lang: str, prefix: str = "") -> str:
    """One `::error file=...,line=...,col=...,title=CODE::message` line per finding.

    `prefix` is the runbook root relative to the repository (the working folder
    in CI), so annotations land on the right file when the runbook is in a subfolder.
    """
    lines = []
    for f in findings:
        command = "error" if f.severity == ERROR else "warning"
        props = ",".join(
            f"{name}={escape_property(str(value))}"
            for name, value in (
                ("file", prefix + f.path),
                ("line", f.line),
                ("col", f.column),
                ("title", f.code),
            )
        )
        lines.append(f"::{command} {props}::{escape_data(f.message(lang))}")
    return "\n".join(lines) + ("\n" if lines else "")


def _rule(code: str, lang: str) -> dict:
    name, level = CODES[code]
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": t(lang, f"rule.{code}.short")},
        "fullDescription": {"text": t(lang, f"rule.{code}.full")},
        "defaultConfiguration": {"level": level},
        "help": {"text": t(lang, f"rule.{code}.help")},
        "helpUri": INFO_URI,
    }


def artifact_uri(path: str) -> str:
    """A relative path as a SARIF `uri`: a URI reference, so spaces, `%`, `#`, `?` and
    accents are percent-encoded (`café.md` -> `caf%C3%A9.md`); slashes stay."""
    return quote(path, safe="/")


def sarif(findings: list[Finding], lang: str, prefix: str = "") -> str:
    """A SARIF 2.1.0 log with one run; every rule is described in tool.driver.rules."""
    codes = list(CODES)
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code) if f.code in CODES else -1,
            "level": "error" if f.severity == ERROR else "warning",
            "message": {"text": f.message(lang)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": artifact_uri(prefix + f.path),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                    }
                }
            ],
        }
        for f in findings
    ]
    for result in results:
        if result["ruleIndex"] < 0:
            del result["ruleIndex"]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "releve",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": [_rule(code, lang) for code in codes],
                    }
                },
                "language": lang,
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _cell(value: str) -> str:
    """Markdown table cell text: no HTML, no column breaks, no line breaks."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def markdown(findings: list[Finding], lang: str, prefix: str = "", limit: int = 200) -> str:
    """A summary table for GitHub's job summary ($GITHUB_STEP_SUMMARY)."""
    errors, warnings = _counts(findings)
    lines = [f"### {t(lang, 'lint.md_title')}", ""]
    if not findings:
        return "\n".join([*lines, t(lang, "lint.clean"), ""])
    lines += [summary_line(errors, warnings, lang), ""]
    header = [t(lang, f"lint.md_{k}") for k in ("severity", "code", "where", "message")]
    lines += ["| " + " | ".join(header) + " |", "|---|---|---|---|"]
    ordered = [f for f in findings if f.severity == ERROR] + [
        f for f in findings if f.severity != ERROR
    ]  # errors first: they are what blocks the pull request
    for f in ordered[:limit]:
        icon = "❌" if f.severity == ERROR else "⚠️"
        sev = t(lang, "lint.sev." + f.severity)
        where = f"`{_cell(prefix + f.path).replace('`', '')}:{f.line}`"
        lines.append(f"| {icon} {sev} | {f.code} | {where} | {_cell(f.message(lang))} |")
    if len(findings) > limit:
        lines += ["", t(lang, "lint.md_more", n=len(findings) - limit)]
    return "\n".join(lines) + "\n"


def build_log(findings: list[Finding], lang: str, limit: int | None) -> list[tuple[str, str]]:
    """The lines a site build logs, as (severity, line): errors first, then warnings.

    With a `limit` (a plain `mkdocs build` or `serve`, which rebuilds on every edit), at
    most `limit` findings, then, when some were left out, one line saying so and one
    line per code with its counts, so a large runbook stays readable. An error code's
    line keeps the error severity: a strict build still fails when every error is left
    out. `limit=None` (a verbose build) gives every finding.
    """
    ordered = [f for f in findings if f.severity == ERROR] + [
        f for f in findings if f.severity != ERROR
    ]
    shown = ordered if limit is None else ordered[:limit]
    lines = [(f.severity, f.text(lang)) for f in shown]
    if len(shown) == len(ordered):
        return lines
    lines.append(("warning", t(lang, "build.findings_more", shown=len(shown), total=len(ordered))))
    counts: dict[tuple[str, str], int] = {}
    for f in ordered:
        counts[(f.code, f.severity)] = counts.get((f.code, f.severity), 0) + 1
    for (code, severity), count in sorted(counts.items()):
        key = "build.findings_errors" if severity == ERROR else "build.findings_warnings"
        title = t(lang, f"rule.{code}.short")
        lines.append((severity, t(lang, key, code=code, title=title, count=count)))
    return lines


FORMATS: dict[str, Callable[..., str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
    "markdown": markdown,
}
