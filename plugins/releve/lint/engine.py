"""Run every rule over a runbook, then apply `releve_ignore` and configured severities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..codeowners import rb015
from ..findings import Finding, sort_findings
from ..model import Runbook
from ..settings import Settings
from . import rules
from .codes import DEFAULT_SEVERITY, LEVELS
from .ignore import apply_ignores, ignored_codes
from .rule_coverage import rb013
from .secrets import rb009

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
]


def severity_of(code: str, settings: Settings) -> str:
    level = str(settings.severity.get(code, "")).lower() if settings.severity else ""
    return level if level in LEVELS else DEFAULT_SEVERITY.get(code, "error")


def lint_runbook(runbook: Runbook, today: date, settings: Settings | None = None) -> list[Finding]:
    """Model findings plus rule findings, with severities from settings; 'off' drops a code."""
    settings = settings or runbook.config or Settings()
    assert isinstance(settings, Settings)
    findings = list(runbook.findings)
    for rule in RULES:
        findings.extend(rule(runbook, today, settings))
    silenced, problems = ignored_codes(runbook)
    findings = apply_ignores(findings, silenced) + problems
    out = []
    for finding in findings:
        level = severity_of(finding.code, settings)
        if level != "off":
            out.append(replace(finding, severity=level))
    return sort_findings(out)
