"""The model: good files parse with positions; broken files give findings, never exceptions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from releve.model import load_runbook

GOOD = """\
title: Relances de paiement
service: comptabilite
clients: [acme]
owner: ana
backup: [ben, chloe]
priority: urgent
sla: 1 business day
success_criteria:
  - Every invoice older than 7 days has had a first reminder
reviewed: 2026-10-01
review_every: 90
last_drill: 2026-09-15
tags: [facturation]
"""


def codes(runbook) -> list[str]:
    return [f.code for f in runbook.findings]


def test_good_procedure_parses_with_positions(make_runbook):
    rb = make_runbook()
    rb.procedure("compta/relances.md", GOOD, "# Steps\n\n1. Open the ledger.\n")
    runbook = load_runbook(rb.root)
    assert runbook.findings == []
    (proc,) = runbook.procedures
    assert proc.id == "relances"
    assert proc.title == "Relances de paiement"
    assert proc.backup == ["ben", "chloe"]
    assert proc.reviewed == date(2026, 10, 1)
    assert proc.review_every == 90
    assert proc.path == "procedures/compta/relances.md"
    # front-matter starts on file line 2; `backup` is its 5th key
    assert proc.pos_of("backup").line == 6
    assert proc.pos_of("backup", 1).line == 6 and proc.pos_of("backup", 1).column > 10
    assert proc.body_line == 16
    assert proc.body.startswith("# Steps")


def test_team_parses_people_absences_holidays(make_runbook):
    rb = make_runbook(
        team="""\
workdays: [mon, tue, wed, thu]
holidays: [2026-12-25]
people:
  - {id: ana, name: Ana Lima, roles: [ops], github: "@ana-gh"}
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-05, note: vacances}
  - {person: ana, from: 2027-01-10}
"""
    )
    team = load_runbook(rb.root).team
    assert team.workdays == (0, 1, 2, 3)
    assert team.holidays == {date(2026, 12, 25)}
    assert team.people["ana"].github == "ana-gh"
    assert [(a.start, a.end) for a in team.absences] == [
        (date(2026, 12, 1), date(2026, 12, 5)),
        (date(2027, 1, 10), date(2027, 1, 10)),
    ]
    assert not team.is_workday(date(2026, 12, 25))
    assert not team.is_workday(date(2026, 12, 4))  # a Friday


BROKEN = {
    "invalid_yaml": ("---\ntitle: [unclosed\nowner: ana\n---\nBody\n", "RB008", 3),
    "tab_indent": ("---\ntitle: T\nbackup:\n\t- ben\n---\n", "RB008", 4),
    "wrong_type_backup": ("---\ntitle: T\nbackup: {a: 1}\n---\n", "RB008", 3),
    "wrong_type_date": ("---\ntitle: T\nreviewed: yesterday\n---\n", "RB008", 3),
    "impossible_date": ("---\ntitle: T\nreviewed: 2026-02-30\n---\n", "RB008", 3),
    "bad_priority": ("---\ntitle: T\npriority: whenever\n---\n", "RB006", 3),
    "missing_fields": ("---\ntitle: T\n---\nBody\n", "RB006", 1),
    "empty_file": ("", "RB006", 1),
    "not_a_mapping": ("---\n- a\n- b\n---\n", "RB008", 2),
    "unclosed_front_matter": ("---\ntitle: T\nowner: ana\n", "RB008", 1),
    "duplicate_key": ("---\ntitle: T\ntitle: U\n---\n", "RB008", 3),
    "html_in_title": ("---\ntitle: <script>alert(1)</script>\n---\n", "RB006", 1),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_procedure_gives_finding_at_line(make_runbook, name):
    text, code, line = BROKEN[name]
    rb = make_runbook()
    rb.write(f"procedures/x/{name.replace('_', '-')}.md", text)
    runbook = load_runbook(rb.root)
    assert any(f.code == code and f.line == line for f in runbook.findings), runbook.findings
    for finding in runbook.findings:
        assert finding.path == f"procedures/x/{name.replace('_', '-')}.md"
        assert finding.message("en") and finding.message("fr")


def test_syntax_error_does_not_pile_up_missing_field_findings(make_runbook):
    rb = make_runbook()
    rb.write("procedures/a.md", "---\ntitle: [unclosed\n---\n")
    assert codes(load_runbook(rb.root)) == ["RB008"]


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbf---\r\ntitle: T\r\nservice: s\r\nowner: ana\r\nbackup: [ben]\r\n"
        b"priority: urgent\r\nsuccess_criteria: [ok]\r\n---\r\nBody\r\n",
        b"---\rtitle: T\rservice: s\rowner: ana\rbackup: [ben]\rpriority: urgent\r"
        b"success_criteria: [ok]\r---\rBody\r",
    ],
    ids=["bom-crlf", "cr-only"],
)
def test_bom_and_line_endings_are_normalised(make_runbook, raw):
    rb = make_runbook()
    path = rb.root / "procedures" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    runbook = load_runbook(rb.root)
    assert runbook.findings == []
    assert runbook.procedures[0].title == "T"
    assert runbook.procedures[0].body.strip() == "Body"


def test_non_utf8_and_binary_files_are_findings(make_runbook):
    rb = make_runbook()
    (rb.root / "procedures").mkdir()
    (rb.root / "procedures" / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    (rb.root / "procedures" / "binary.md").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    runbook = load_runbook(rb.root)
    assert runbook.procedures == []
    found = {(f.path, f.code, f.key) for f in runbook.findings}
    assert ("procedures/latin1.md", "RB008", "source.not_utf8") in found
    assert ("procedures/binary.md", "RB008", "source.binary") in found


def test_symlink_outside_root_is_refused(make_runbook, tmp_path: Path):
    secret = tmp_path / "outside.md"
    secret.write_text("---\ntitle: outside\n---\nnot ours\n", encoding="utf-8")
    rb = make_runbook()
    (rb.root / "procedures").mkdir()
    (rb.root / "procedures" / "link.md").symlink_to(secret)
    runbook = load_runbook(rb.root)
    assert runbook.procedures == []
    assert [f.key for f in runbook.findings] == ["source.outside_root"]


def test_duplicate_ids_are_rb007(make_runbook):
    rb = make_runbook()
    rb.procedure("a/same.md", GOOD)
    rb.procedure("b/same.md", GOOD)
    runbook = load_runbook(rb.root)
    assert len(runbook.procedures) == 1
    assert [(f.code, f.path) for f in runbook.findings] == [("RB007", "procedures/b/same.md")]


def test_client_parses_contract_contacts_and_messages(make_runbook):
    rb = make_runbook()
    rb.write(
        "clients/acme.md",
        """\
        ---
        name: Acme inc.
        status: ending
        contacts:
          - {name: Paul Roy, role: directeur, email: paul@acme.example, phone: "+1 514 555 0100"}
        channels: [email, phone]
        hours: "Mon-Fri 09:00-17:00"
        response_time: 24 business hours
        contract: {start: 2025-01-15, end: 2027-01-31, notice_days: 30}
        absence_messages:
          email: "Thank you for your message"
        ---
        Files live in Drive.
        """,
    )
    runbook = load_runbook(rb.root)
    assert runbook.findings == []
    client = runbook.clients["acme"]
    assert client.status == "ending"
    assert client.contract.end == date(2027, 1, 31)
    assert client.contacts[0].phone == "+1 514 555 0100"
    assert client.absence_messages == {"email": "Thank you for your message"}


def test_broken_team_file_is_a_finding(make_runbook):
    rb = make_runbook(team="people:\n  - id: ana\n    name: [Ana\n")
    runbook = load_runbook(rb.root)
    assert [f.code for f in runbook.findings] == ["RB008"]
    assert runbook.findings[0].path == "team.yml"
    assert runbook.findings[0].line == 3


def test_sample_runbook_loads_cleanly():
    from conftest import REPO

    runbook = load_runbook(REPO)
    assert [f for f in runbook.findings if f.severity == "error"] == []
    assert 15 <= len(runbook.procedures) <= 25
    assert len(runbook.team.people) == 4
    assert len(runbook.clients) == 3


def test_broken_values_are_not_echoed(make_runbook):
    pasted = "Hunter2-Zq8!pass"
    rb = make_runbook()
    rb.procedure(
        "a/x.md",
        f"title: T\nservice: s\nowner: {pasted}\nbackup: [ben]\npriority: urgent\n"
        f"success_criteria: [ok]\nreviewed: 2026-02-31\n",
    )
    findings = load_runbook(rb.root).findings
    assert {f.line for f in findings} == {4, 8}
    for finding in findings:
        for lang in ("en", "fr"):
            assert pasted not in finding.message(lang)
            assert "2026-02-31" not in finding.message(lang)
