"""The build prints lint findings as `path:line: CODE message` and fails --strict on errors."""

from __future__ import annotations

from conftest import mkdocs_build

GOOD = """\
title: Triage the inbox
service: ops
owner: ben
backup: [chloe]
priority: important
success_criteria: [Inbox is empty at noon]
reviewed: 2026-11-01
"""


def test_errors_are_printed_and_fail_a_strict_build(make_runbook):
    rb = make_runbook()
    rb.procedure("ops/triage.md", GOOD.replace("backup: [chloe]\n", ""))
    rb.procedure("ops/old.md", GOOD.replace("2026-11-01", "2025-01-01"))
    strict = mkdocs_build(rb.root, "--strict")
    assert strict.returncode == 1
    lines = strict.stderr.splitlines()
    error = (
        "procedures/ops/triage.md:4: RB001 procedure has no backup; add `backup: [person-id]` "
        "with someone who can do it when the owner is away"
    )
    assert any(line.startswith("WARNING") and line.endswith(error) for line in lines), lines
    warning = "procedures/ops/old.md:8: RB010 review overdue since June 30, 2025"
    assert any(line.startswith("INFO") and warning in line for line in lines), lines
    assert "Aborted with 1 warnings in strict mode!" in strict.stdout + strict.stderr

    lenient = mkdocs_build(rb.root)
    assert lenient.returncode == 0, lenient.stderr
    assert (rb.root / "site" / "index.html").exists()


def test_warnings_alone_do_not_fail_a_strict_build(make_runbook):
    rb = make_runbook(lang="fr")
    rb.procedure("ops/old.md", GOOD.replace("2026-11-01", "2025-01-01"))
    result = mkdocs_build(rb.root, "--strict")
    assert result.returncode == 0, result.stderr
    assert "procedures/ops/old.md:8: RB010 révision en retard" in result.stderr


def test_severity_from_mkdocs_yml_makes_a_warning_fail_the_build(make_runbook):
    rb = make_runbook()
    text = (rb.root / "mkdocs.yml").read_text(encoding="utf-8")
    rb.write("mkdocs.yml", text + "      severity: {RB010: error}\n")
    rb.procedure("ops/old.md", GOOD.replace("2026-11-01", "2025-01-01"))
    result = mkdocs_build(rb.root, "--strict")
    assert result.returncode == 1
    assert "procedures/ops/old.md:8: RB010" in result.stderr
