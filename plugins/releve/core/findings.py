"""Findings: problems found in a runbook, collected as data and never raised.

A finding carries a stable code, a severity, the file and position to edit,
and a message key with arguments, so the same finding renders in French or
English, as text, JSON, GitHub annotations or SARIF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"

# Control characters, and the invisible and text-direction ones (U+202E reverses what
# follows it): a name or file name must not rewrite a terminal line or pass for another.
# (U+200C and U+200D, the zero-width (non-)joiners, stay: emoji and some scripts need them.)
_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
MAX_ARG = 120


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def printable(text: str) -> str:
    """`text` on one line: control characters shown as escapes, long values cut.

    Findings echo values from the runbook (an invalid id, a file name); a CR/LF in
    one must not add lines to a log, a CI annotation or a terminal.
    """
    text = escape_controls(text)
    return text if len(text) <= MAX_ARG else text[: MAX_ARG - 1] + "…"


def escape_controls(text: str) -> str:
    """`text` with every control, invisible and text-direction character shown as an
    escape (`\\x1b`, `\\u202e`): safe to print on a terminal or in a CI log."""
    return _CONTROL.sub(_escape, text)


def terminal(text: str) -> str:
    """One line as a command prints it (a terminal, a CI log): control, invisible and
    text-direction characters escaped (a name cannot clear the screen or add a line), and
    a line GitHub Actions would run as a workflow command (`::warning::`, `::add-mask::`)
    defused by showing its first colon as `\\x3a`."""
    text = escape_controls(text)
    body = text.lstrip()
    if body.startswith("::"):
        at = len(text) - len(body)
        text = text[:at] + "\\x3a" + text[at + 1 :]
    return text


def _escape(match: re.Match) -> str:
    char = match.group(0)
    shown = repr(char)[1:-1]  # "\\n", "\\x1b", "\\u202e"
    return shown if shown != char else f"\\u{ord(char):04x}"


@dataclass(frozen=True)
class Finding:
    code: str
    path: str
    line: int
    column: int
    key: str  # message key in the i18n catalogue
    args: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    severity: str = ERROR

    def message(self, lang: str = "en") -> str:
        from ..i18n import t

        args = {
            k: printable(v) if isinstance(v, str)
            else [printable(str(x)) for x in v] if isinstance(v, list | tuple) else v
            for k, v in self.args.items()
        }  # fmt: skip
        return t(lang, self.key, **args)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
        }

    def text(self, lang: str = "en") -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message(lang)}"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code))
