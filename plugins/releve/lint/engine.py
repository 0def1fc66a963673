"""Run every rule over a runbook, then apply `releve_ignore` and configured severities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..codeowners import rb015
from ..core.findings import Finding, sort_findings
from ..core.settings import LIMITS, Settings
from ..model import Procedure, Runbook
from ..model.links import written_links
from ..model.refs import inline_references
from .codes import DEFAULT_SEVERITY, LEVELS
from .ignore import NEVER_SILENCED, apply_ignores, ignored_codes
from .rules import content as rules
from .rules.coverage import rb013, rb017
from .rules.links import rb025_missing_file
from .rules.lists import glued_at, rb020_broken_list
from .rules.names import rb027
from .rules.records import rb021_bad_record, rb022_backup_never_did_it
from .rules.secrets import page_hits, rb009, scan_text
from .rules.starting import rb023_example, rb024_placeholder
from .rules.vault import rb018, rb026

# Every rule, in code order; RB006-RB008 are found by the model while parsing.
RULES: list[rules.Rule] = [
    rules.rb001_no_backup,
    rules.rb002_backup_is_owner,
    rules.rb003_unknown_person,
    rules.rb004_unknown_client,
    rules.rb005_unknown_credential,
    rb009,
    rules.rb010_review_overdue,
    rules.rb011_drill_overdue,
    rules.rb012_too_long,
    rb013,
    rules.rb014_unknown_key,
    rb015,
    rb017,
    rb018,
    rb020_broken_list,
    rb021_bad_record,
    rb022_backup_never_did_it,
    rb023_example,
    rb024_placeholder,
    rb025_missing_file,
    rb026,
    rb027,
]


def sane(settings: object) -> Settings:
    """Settings with usable thresholds: mkdocs.yml read by the CLI is not validated by MkDocs."""
    if not isinstance(settings, Settings):
        return Settings()
    defaults = Settings()
    fixed = {}
    for name, limit in LIMITS.items():  # the limits of `Settings.from_options`
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            fixed[name] = getattr(defaults, name)
        elif value > limit:
            fixed[name] = limit
    return replace(settings, **fixed) if fixed else settings


def severity_of(code: str, settings: Settings) -> str:
    if code in NEVER_SILENCED:
        return DEFAULT_SEVERITY[code]
    levels = settings.severity if isinstance(settings.severity, dict) else {}
    level = str(levels.get(code, "")).lower()
    return level if level in LEVELS else DEFAULT_SEVERITY.get(code, "error")


def redacted(finding: Finding) -> Finding:
    """The finding without any argument that looks like a secret (`owner: ghp_...` is echoed
    by the model's "not a valid id" message): findings reach logs, CI and the site."""
    secret = {
        k for k, v in finding.args.items() if isinstance(v, str) and len(v) >= 8 and scan_text(v)
    }
    if not secret:
        return finding
    args = {k: ("[…]" if k in secret else v) for k, v in finding.args.items()}
    return replace(finding, args=args)


def prime(settings: Settings, page: object) -> None:
    """Compute what the rules find in one page alone (secrets, glued list lines, inline
    credential references), kept with it in the source cache: `releve lint` has it done
    as each page is parsed, in the process that parses it."""
    page_hits(page)
    written_links(page)  # type: ignore[arg-type]
    glued_at(page, sane(settings))
    if isinstance(page, Procedure):
        inline_references(page)


def lint_runbook(runbook: Runbook, today: date, settings: Settings | None = None) -> list[Finding]:
    """Model findings plus rule findings, with severities from settings; 'off' drops a code."""
    settings = sane(settings or runbook.config or Settings())
    findings = list(runbook.findings)
    for rule in RULES:
        findings.extend(rule(runbook, today, settings))
    silenced, problems = ignored_codes(runbook)
    findings = apply_ignores(findings, silenced) + problems
    out = []
    for finding in findings:
        level = severity_of(finding.code, settings)
        if level != "off":
            out.append(replace(redacted(finding), severity=level))
    return sort_findings(out)
