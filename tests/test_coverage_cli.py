"""`releve coverage`: text and JSON, what-if, exit codes."""

from __future__ import annotations

import json

from conftest import releve

TEAM = """\
holidays: [2026-12-25]
people:
  - {id: ana, name: Ana}
  - {id: ben, name: Ben}
  - {id: cy, name: Cy}
absences:
  - {person: ana, from: 2026-12-21, to: 2026-12-31}
  - {person: ben, from: 2026-12-24, to: 2027-01-08}
"""


def setup(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.procedure("s/pay.md", "title: Pay\nservice: s\nowner: ana\nbackup: [ben]\n"
                 "priority: urgent\nsuccess_criteria: [ok]\n")  # fmt: skip
    rb.procedure("s/mail.md", "title: Mail\nservice: s\nowner: cy\nbackup: [ana]\n"
                 "priority: planned\nsuccess_criteria: [ok]\n")  # fmt: skip
    return rb.root


def test_json_shape_and_days(make_runbook):
    root = setup(make_runbook)
    result = releve("coverage", "--root", str(root), "--from", "2026-12-21", "--to",
                    "2027-01-10", "--format", "json")  # fmt: skip
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["from"] == "2026-12-21" and data["to"] == "2027-01-10"
    assert [g["procedure"] for g in data["gaps"]] == ["pay"]
    # 24 Thu, 25 holiday, 28-31 Mon-Thu
    assert data["gaps"][0]["days"] == ["2026-12-24", "2026-12-28", "2026-12-29", "2026-12-30",
                                        "2026-12-31"]  # fmt: skip
    assert data["by_date"]["2026-12-24"] == ["pay"]


def test_what_if_absent_adds_gaps_and_text_output(make_runbook):
    root = setup(make_runbook)
    result = releve("coverage", "--root", str(root), "--from", "2027-01-11", "--to",
                    "2027-01-15", "--absent", "cy", "--by", "procedure")  # fmt: skip
    assert result.returncode == 0, result.stdout  # ana covers mail, nobody else is away
    result = releve("coverage", "--root", str(root), "--from", "2027-01-11", "--to",
                    "2027-01-15", "--absent", "cy,ana", "--format", "json")  # fmt: skip
    data = json.loads(result.stdout)
    assert data["absent"] == ["cy", "ana"]
    assert {g["procedure"]: len(g["days"]) for g in data["gaps"]} == {"mail": 5}


def test_text_grouped_by_date(make_runbook):
    root = setup(make_runbook)
    result = releve("coverage", "--root", str(root), "--from", "2026-12-28", "--to", "2026-12-29")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "  Monday, December 28, 2026" in lines  # days in words
    assert sum("Pay [urgent]" in line for line in lines) == 2


def test_bad_input_is_one_line_exit_2(make_runbook):
    root = setup(make_runbook)
    bad = (
        ["--absent", "zoe"],
        ["--from", "2026-13-01"],
        ["--from", "2027-01-02", "--to", "2027-01-01"],
    )
    for args in bad:
        result = releve("coverage", "--root", str(root), *args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
