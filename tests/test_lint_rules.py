"""Every lint code: a minimal failing case at the right line, and a passing case."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from conftest import GOOD, MINIMAL_MKDOCS, REPO
from releve.core.settings import load_settings
from releve.i18n import catalogue
from releve.lint import lint_runbook
from releve.lint.codes import CODES
from releve.model import load_runbook

TODAY = date(2026, 11, 23)
# File lines of GOOD once written between "---" fences: title is line 2, owner 4, backup 5...


def lint(rb, today: date = TODAY):
    settings = load_settings(rb.root)
    return lint_runbook(load_runbook(rb.root, settings), today, settings)


def found(rb, code: str, today: date = TODAY) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in lint(rb, today) if f.code == code]


def configure(rb, options: str) -> None:
    """Add options under the `releve` plugin of the test mkdocs.yml."""
    text = MINIMAL_MKDOCS.format(lang="en") + textwrap.indent(textwrap.dedent(options), " " * 6)
    rb.write("mkdocs.yml", text)


def proc(rb, front: str = GOOD, body: str = "1. Open the inbox.\n", name: str = "ops/triage.md"):
    rb.procedure(name, front, body)
    return f"procedures/{name}"


def test_good_procedure_has_no_findings(make_runbook):
    rb = make_runbook()
    proc(rb)
    assert lint(rb) == []


def test_rb001_no_backup(make_runbook):
    rb = make_runbook()
    path = proc(rb, GOOD.replace("backup: [ben]\n", ""))
    assert found(rb, "RB001") == [(path, 4)]  # at the owner line
    rb2 = make_runbook()
    proc(rb2, GOOD.replace("backup: [ben]", "backup: []"))
    assert found(rb2, "RB001") == [(path, 5)]


def test_rb001_passes_with_a_backup(make_runbook):
    rb = make_runbook()
    proc(rb, GOOD.replace("backup: [ben]", "backup: ben"))
    assert found(rb, "RB001") == []


def test_rb002_backup_is_owner(make_runbook):
    rb = make_runbook()
    path = proc(rb, GOOD.replace("backup: [ben]", "backup:\n  - ben\n  - ana"))
    assert found(rb, "RB002") == [(path, 7)]
    rb.procedure("ops/triage.md", GOOD.replace("backup: [ben]", "backup: [ben, chloe]"))
    assert found(rb, "RB002") == []


def test_rb003_unknown_person_in_procedure_and_absence(make_runbook):
    team = "people:\n  - {id: ana, name: Ana}\n  - {id: ben, name: Ben}\nabsences:\n"
    rb = make_runbook(team=team + "  - {person: zoe, from: 2026-12-01, to: 2026-12-02}\n")
    path = proc(rb, GOOD.replace("owner: ana", "owner: bob"))
    assert found(rb, "RB003") == [(path, 4), ("team.yml", 5)]
    rb.write("team.yml", team + "  - {person: ben, from: 2026-12-01, to: 2026-12-02}\n")
    proc(rb)
    assert found(rb, "RB003") == []


def test_rb004_unknown_client(make_runbook):
    rb = make_runbook()
    path = proc(rb, GOOD + "clients: [acme]\n")
    assert found(rb, "RB004") == [(path, 9)]
    rb.write("clients/acme.md", "---\nname: Acme\n---\nNotes.\n")
    assert found(rb, "RB004") == []


VAULT = """\
version: 1
audiences: {}
credentials:
  bank:
    label: Bank
    audience: ops
"""


def test_rb005_unknown_credential_front_matter_and_inline(make_runbook):
    rb = make_runbook()
    body = "Log in with [[cred:bank]].\n\nAn example: `[[cred:example]]`.\n"
    path = proc(rb, GOOD + "credentials: [bank]\n", body)
    findings = [f for f in lint(rb) if f.code == "RB005"]
    assert [(f.path, f.line) for f in findings] == [(path, 9), (path, 11)]
    assert "releve vault enroll" in findings[0].message("en")  # no vault yet: enrol creates it
    rb.write("vault.yml", VAULT)
    assert found(rb, "RB005") == []
    rb.write("vault.yml", VAULT.replace("bank:", "other:"))
    assert next(m.message("en") for m in lint(rb) if m.code == "RB005").startswith(
        "credential 'bank' is not in vault.yml"
    )


def test_rb006_missing_required_field(make_runbook):
    rb = make_runbook()
    path = proc(rb, GOOD.replace("priority: important\n", ""))
    assert (path, 1) in found(rb, "RB006")
    proc(rb)
    assert found(rb, "RB006") == []


def test_rb007_duplicate_id(make_runbook):
    rb = make_runbook()
    proc(rb, name="a/triage.md")
    proc(rb, name="b/triage.md")
    assert found(rb, "RB007") == [("procedures/b/triage.md", 1)]
    proc(rb, GOOD + "id: triage-b\n", name="b/triage.md")
    assert found(rb, "RB007") == []


def test_rb008_invalid_yaml_with_its_line(make_runbook):
    rb = make_runbook()
    path = proc(rb, GOOD.replace("priority: important", "priority: [important"))
    assert found(rb, "RB008")[0][0] == path
    assert found(rb, "RB008")[0][1] in (6, 7)
    assert {f.code for f in lint(rb)} == {"RB008"}  # no pile of missing-field findings
    proc(rb)
    assert found(rb, "RB008") == []


def test_rb009_secret_in_body_and_front_matter(make_runbook):
    rb = make_runbook()
    body = "1. Open the bank site.\n2. Mot de passe : Soleil2024!\n"
    path = proc(rb, GOOD.replace("Inbox is empty", "Token ghp_" + "a1B2" * 9), body)
    findings = [f for f in lint(rb) if f.code == "RB009"]
    assert [(f.path, f.line) for f in findings] == [(path, 7), (path, 11)]
    for finding in findings:
        assert "Soleil2024" not in finding.message("fr") + finding.message("en")
    proc(rb, body="1. Open the bank site.\n2. The password is in [[cred:bank]].\n")
    assert found(rb, "RB009") == []


def test_rb010_review_overdue_and_configurable(make_runbook):
    rb = make_runbook()
    path = proc(rb, GOOD.replace("2026-11-01", "2026-01-02"))
    assert found(rb, "RB010") == [(path, 8)]
    proc(rb, GOOD.replace("2026-11-01", "2026-01-02") + "review_every: 400\n")
    assert found(rb, "RB010") == []
    configure(rb, "review_every: 30\n")
    proc(rb, GOOD.replace("2026-11-01", "2026-10-01"))
    assert found(rb, "RB010") == [(path, 8)]


def test_rb010_never_reviewed(make_runbook):
    rb = make_runbook()
    path = proc(rb, GOOD.replace("reviewed: 2026-11-01\n", ""))
    assert found(rb, "RB010") == [(path, 2)]


def test_rb011_drill_overdue_for_urgent_only(make_runbook):
    rb = make_runbook()
    urgent = GOOD.replace("important", "urgent")
    path = proc(rb, urgent + "last_drill: 2026-06-01\n")
    assert found(rb, "RB011") == [(path, 9)]
    proc(rb, urgent + "last_drill: 2026-10-01\n")
    assert found(rb, "RB011") == []
    proc(rb, urgent)
    assert found(rb, "RB011") == [(path, 6)]  # never drilled: at the priority line
    proc(rb, GOOD)
    assert found(rb, "RB011") == []
    configure(rb, "drill_every: 30\n")
    proc(rb, urgent + "last_drill: 2026-10-01\n")
    assert found(rb, "RB011") == [(path, 9)]


def test_rb012_longer_than_one_page(make_runbook):
    rb = make_runbook()
    path = proc(rb, body="word " * 601 + "\n")
    assert found(rb, "RB012") == [(path, 10)]
    proc(rb, body="word " * 599 + "| --- |\n" * 10)  # table rules are not words
    assert found(rb, "RB012") == []
    configure(rb, "max_words: 100\n")
    assert found(rb, "RB012") == [(path, 10)]


def test_rb013_coverage_gap_within_the_horizon(make_runbook):
    team = """\
    holidays: [2026-12-04]
    people:
      - {id: ana, name: Ana}
      - {id: ben, name: Ben}
      - {id: chloe, name: Chloé}
    absences:
      - {person: ana, from: 2026-12-01, to: 2026-12-07}
      - {person: ben, from: 2026-12-03, to: 2026-12-10}
    """
    rb = make_runbook(team=textwrap.dedent(team))
    path = proc(rb)
    findings = [f for f in lint(rb) if f.code == "RB013"]
    assert [(f.path, f.line) for f in findings] == [(path, 5)]
    # Dec 3 and Dec 7 (Dec 4 is a holiday, Dec 5-6 a weekend)
    assert findings[0].args["days"] == 2
    period = findings[0].args["period"]
    assert (period.start.isoformat(), period.end.isoformat()) == ("2026-12-03", "2026-12-07")
    assert " ".join(findings[0].message().split()) == (  # Babel's thin spaces around "–"
        "nobody covers it on 2 working days, Dec 3 – 7, 2026: Ana and Ben are away; "
        "add a backup available then or move an absence"
    )
    proc(rb, GOOD.replace("backup: [ben]", "backup: [ben, chloe]"))
    assert found(rb, "RB013") == []
    proc(rb)
    configure(rb, "horizon: 7\n")
    assert found(rb, "RB013") == []


def test_rb014_unknown_key_with_a_hint(make_runbook):
    rb = make_runbook(team="people:\n  - {id: ana, name: Ana, fax: 1}\n  - {id: ben, name: Ben}\n")
    path = proc(rb, GOOD + "reviwed: 2026-01-01\n")
    findings = [f for f in lint(rb) if f.code == "RB014"]
    assert [(f.path, f.line) for f in findings] == [(path, 9), ("team.yml", 2)]
    assert "did you mean 'reviewed'" in findings[0].message("en")
    proc(rb)
    rb.write("team.yml", "people:\n  - {id: ana, name: Ana}\n  - {id: ben, name: Ben}\n")
    assert found(rb, "RB014") == []


def test_rb015_codeowners_out_of_date(make_runbook):
    team = "people:\n  - {id: ana, name: Ana, github: ana-gh}\n  - {id: ben, name: Ben}\n"
    rb = make_runbook(team=team)
    proc(rb)
    assert found(rb, "RB015") == []  # no CODEOWNERS: nothing to compare
    rb.write(".github/CODEOWNERS", "* @boss\n")
    assert found(rb, "RB015") == [(".github/CODEOWNERS", 2)]  # where the block belongs
    from releve.codeowners import merge

    runbook = load_runbook(rb.root)
    rb.write(".github/CODEOWNERS", merge("* @boss\n", runbook))
    assert found(rb, "RB015") == []
    assert "/procedures/ops/triage.md @ana-gh" in (rb.root / ".github/CODEOWNERS").read_text()


def test_rb016_ignore_needs_a_reason(make_runbook):
    rb = make_runbook()
    long_body = "word " * 700 + "\n"
    path = proc(
        rb, GOOD + 'releve_ignore: {RB012: "long checklist, agreed with Marie"}\n', long_body
    )
    assert lint(rb) == []
    proc(rb, GOOD + 'releve_ignore: {RB012: ""}\n', long_body)
    assert {(f.code, f.path, f.line) for f in lint(rb)} == {("RB012", path, 11), ("RB016", path, 9)}
    proc(rb, GOOD + "releve_ignore: {RB999: because}\n")
    assert found(rb, "RB016") == [(path, 9)]
    proc(rb, GOOD + "releve_ignore: RB012\n")
    assert found(rb, "RB016") == [(path, 9)]


def test_severity_is_configurable_and_off_drops_a_code(make_runbook):
    rb = make_runbook()
    proc(rb, GOOD.replace("2026-11-01", "2026-01-02"), "word " * 700)
    assert {f.code: f.severity for f in lint(rb)} == {"RB010": "warning", "RB012": "warning"}
    configure(rb, "severity: {RB010: error, RB012: off}\n")
    assert {f.code: f.severity for f in lint(rb)} == {"RB010": "error"}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_described_in_both_languages(code):
    for lang in ("en", "fr"):
        for part in ("short", "full", "help"):
            assert catalogue(lang).get(f"rule.{code}.{part}"), (lang, code, part)


def test_every_lint_message_exists_in_both_languages():
    english = {
        k for k in catalogue("en") if k.startswith(("lint.", "rule.", "new.", "codeowners."))
    }
    french = {k for k in catalogue("fr") if k.startswith(("lint.", "rule.", "new.", "codeowners."))}
    assert english == french


def test_sample_runbook_lints_without_errors():
    settings = load_settings(REPO)
    findings = lint_runbook(load_runbook(REPO, settings), TODAY, settings)
    assert [f.text() for f in findings if f.severity == "error"] == []
    by_code: dict[str, int] = {}
    for f in findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
    assert by_code.get("RB010") == 2 and by_code.get("RB011") == 1 and by_code.get("RB013") == 1
    (gap,) = [f for f in findings if f.code == "RB013"]
    assert gap.path == "procedures/facturation/rapprochement-bancaire.md"
