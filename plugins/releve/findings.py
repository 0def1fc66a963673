"""Findings: problems found in a runbook, collected as data and never raised.

A finding carries a stable code, a severity, the file and position to edit,
and a message key with arguments, so the same finding renders in French or
English, as text, JSON, GitHub annotations or SARIF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


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
        from .i18n import t

        return t(lang, self.key, **self.args)

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
