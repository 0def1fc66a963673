"""Build logs at scale: up to 20 findings, then counts per code; -v prints every finding."""

from __future__ import annotations

import re

import pytest

from conftest import GOOD, mkdocs_build
from releve.core.findings import ERROR, WARNING, Finding
from releve.render.reports.lint_report import build_log

FINDING = re.compile(r"procedures/\S+\.md:\d+: RB\d{3} ")


@pytest.fixture
def noisy(make_runbook):
    """30 procedures never reviewed (RB010 warnings), 3 of them without backup (RB001 errors),
    named to come last in path order, so that errors must be put first to be shown."""

    def write(lang: str = "en"):
        rb = make_runbook(lang=lang)
        never_reviewed = GOOD.replace("reviewed: 2026-11-01\n", "")
        for n in range(27):
            rb.procedure(f"ops/a-{n:02d}.md", never_reviewed)
        for n in range(3):
            no_backup = never_reviewed.replace("owner: ana\nbackup: [ben]\n", "owner: ben\n")
            rb.procedure(f"ops/z-{n}.md", no_backup)
        return rb

    return write


def finding_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if FINDING.search(line)]


def test_a_plain_build_prints_20_findings_then_counts_per_code(noisy):
    rb = noisy()
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    shown = finding_lines(result.stderr)
    assert len(shown) == 20, shown
    errors = [line for line in shown if " RB001 " in line]
    assert len(errors) == 3 and all(line.startswith("WARNING") for line in errors)
    assert shown[:3] == errors  # errors first: they are what fails --strict
    assert "releve: 20 of 33 findings shown; run `releve lint` for all" in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("WARNING") and line.endswith(
        "releve: RB001 Procedure has no backup: 3 errors") for line in lines), lines  # fmt: skip
    assert any(line.startswith("INFO") and line.endswith(
        "releve: RB010 Review overdue: 30 warnings") for line in lines), lines  # fmt: skip
    assert (rb.root / "site" / "index.html").exists()


def test_strict_still_fails_on_errors(noisy):
    result = mkdocs_build(noisy().root, "--strict")
    assert result.returncode == 1
    assert "in strict mode" in result.stdout + result.stderr


def test_verbose_prints_every_finding_and_no_summary(noisy):
    result = mkdocs_build(noisy().root, "-v")
    assert result.returncode == 0, result.stderr
    assert len(finding_lines(result.stdout + result.stderr)) == 33
    assert "findings shown" not in result.stdout + result.stderr


def test_summary_in_french(noisy):
    result = mkdocs_build(noisy("fr").root)
    assert len(finding_lines(result.stderr)) == 20
    assert "releve : 20 constats affichés sur 33 ; lancez `releve lint`" in result.stderr
    assert "releve : RB001 Procédure sans relève : 3 erreurs" in result.stderr


def test_a_small_runbook_prints_every_finding_without_summary():
    findings = [Finding("RB010", f"procedures/p{n}.md", 3, 1, "lint.never_reviewed",
                        {"today": "2026-11-23"}, WARNING) for n in range(20)]  # fmt: skip
    lines = build_log(findings, "en", 20)
    assert len(lines) == 20 and all(severity == WARNING for severity, _ in lines)


def test_an_error_code_keeps_its_severity_when_none_of_its_findings_is_shown():
    """Strict mode counts logged warnings: an error summary line is logged as one."""
    errors = [Finding("RB001", f"procedures/e{n}.md", 4, 1, "lint.no_backup", {}, ERROR)
              for n in range(5)]  # fmt: skip
    warnings = [Finding("RB012", "procedures/w.md", 9, 1, "lint.too_long",
                        {"words": 900, "max": 600}, WARNING)]  # fmt: skip
    lines = build_log(errors + warnings, "en", 0)
    assert lines[0] == (WARNING, "releve: 0 of 6 findings shown; run `releve lint` for all "
                        "(or build with -v). By code:")  # fmt: skip
    assert lines[1:] == [
        (ERROR, "releve: RB001 Procedure has no backup: 5 errors"),
        (WARNING, "releve: RB012 Longer than one page: 1 warning"),
    ]
    assert len(build_log(errors + warnings, "en", None)) == 6
