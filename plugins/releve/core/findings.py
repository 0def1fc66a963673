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

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_ARG = 120


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def escape_controls(text: str) -> str:
    """`text` with control characters (line breaks, ESC...) shown as escapes, never cut:
    for a terminal, where an ESC sequence from a name could rewrite the screen."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


def printable(text: str) -> str:
    """`text` on one line: control characters shown as escapes, long values cut.

    Findings echo values from the runbook (an invalid id, a file name); a CR/LF in
    one must not add lines to a log, a CI annotation or a terminal.
    """
    text = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)
    return text if len(text) <= MAX_ARG else text[: MAX_ARG - 1] + "…"


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
