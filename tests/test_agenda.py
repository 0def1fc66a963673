"""The cover rule with nested absences and access, and `releve agenda` as a user runs it."""

from __future__ import annotations

import json
from datetime import date

from conftest import releve
from releve.coverage.compute import compute
from releve.coverage.cover_rule import decide
from releve.model import load_runbook

TEAM = """\
holidays: [2026-12-25]
people:
  - {id: ana, name: Ana Lima, roles: [finance]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: cy, name: Cy Tran, roles: [finance]}
absences:
  - {person: ana, from: 2026-12-07, to: 2026-12-18}
  - {person: cy, from: 2026-12-09, to: 2026-12-10}
  - {person: ben, from: 2026-12-10, to: 2026-12-10}
"""
VAULT = """\
version: 1
audiences:
  finance:
    slots:
      ana: SLOT
      cy: SLOT
credentials:
  bank:
    label: Bank
    audience: finance
    fields: {}
""".replace(
    "SLOT",
    '{iterations: 600000, salt: "AAAAAAAAAAAAAAAAAAAAAA==", nonce: "AAAAAAAAAAAAAAAA", '
    'key: "AA=="}',
)


def runbook_root(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.write("vault.yml", VAULT)
    rb.procedure("fin/pay.md", "title: Pay suppliers\nservice: fin\nowner: ana\n"
                 "backup: [ben, cy]\npriority: urgent\nsuccess_criteria: [ok]\n"
                 "credentials: [bank]\nschedule: daily\n")  # fmt: skip
    rb.procedure("ops/inbox.md", "title: Inbox\nservice: ops\nowner: ana\nbackup: [ben]\n"
                 "priority: planned\nsuccess_criteria: [ok]\n")  # fmt: skip
    return rb.root


def test_decide_is_the_rule():
    people = ["ana", "ben", "cy"]
    assert decide(people, set(), {"ana", "cy"}) == decide(people, set(), {"ana", "cy"})
    assert decide(people, set(), {"ana", "cy"}).status == "ok"
    c = decide(people, {"ana"}, {"ana", "cy"})  # ben present but cannot open: cy does it
    assert (c.by, c.covering_for, c.status) == ("cy", "ana", "covered")
    c = decide(people, {"ana", "cy"}, {"ana", "cy"})  # only ben, without access
    assert (c.by, c.covering_for, c.status) == ("ben", "ana", "no_access")
    c = decide(people, {"ana", "ben", "cy"}, {"ana", "cy"})
    assert (c.by, c.covering_for, c.status) == (None, None, "gap")
    c = decide(["ana"], set(), set())  # the owner herself cannot open it
    assert (c.by, c.covering_for, c.status) == ("ana", None, "no_access")


def test_nested_absences_and_access(make_runbook):
    runbook = load_runbook(runbook_root(make_runbook))
    cov = compute(runbook, date(2026, 12, 7), date(2026, 12, 11))
    pay = runbook.procedure("pay")
    who = {d.isoformat(): (cov.cover(pay, d).by, cov.cover(pay, d).status) for d in cov.days}
    assert who == {
        "2026-12-07": ("cy", "covered"),  # Ben first in order of call, but cannot open the bank
        "2026-12-08": ("cy", "covered"),
        "2026-12-09": ("ben", "no_access"),  # Cy away too: only Ben is there
        "2026-12-10": (None, "gap"),  # all three away
        "2026-12-11": ("cy", "covered"),
    }
    assert cov.gaps == {"pay": [date(2026, 12, 10)], "inbox": [date(2026, 12, 10)]}
    assert cov.no_access == {"pay": [date(2026, 12, 9)]}
    # the on-demand inbox counts every working day: Ana and Ben are both away on the 10th


def test_agenda_json_text_person_and_ics(make_runbook):
    root = runbook_root(make_runbook)
    out = releve("agenda", "--from", "2026-12-09", "--to", "2026-12-10", "--format", "json",
                 cwd=root)  # fmt: skip
    assert out.returncode == 0, out.stderr
    days = json.loads(out.stdout)["days"]
    assert [d["date"] for d in days] == ["2026-12-09", "2026-12-10"]
    assert days[0]["absent"] == ["ana", "cy"]
    # no holder of the key present and no escalation list: nobody to call (escalate_to null)
    assert days[0]["tasks"] == [{"procedure": "pay", "owner": "ana", "by": "ben",
                                 "covering_for": "ana", "status": "no_access",
                                 "escalate_to": None, "record": None}]  # fmt: skip
    assert days[0]["on_call"] == [{"procedure": "inbox", "owner": "ana", "by": "ben",
                                   "covering_for": "ana", "status": "covered",
                                   "escalate_to": None, "record": None}]  # fmt: skip
    assert days[1]["tasks"][0]["status"] == "gap" and days[1]["tasks"][0]["by"] is None
    mine = releve("agenda", "--date", "2026-12-08", "--person", "cy", "--format", "json", cwd=root)
    tasks = json.loads(mine.stdout)["days"][0]["tasks"]
    assert [t["procedure"] for t in tasks] == ["pay"]
    none = releve("agenda", "--date", "2026-12-08", "--person", "ben", "--format", "json", cwd=root)
    assert json.loads(none.stdout)["days"][0]["tasks"] == []
    text = releve("agenda", "--date", "2026-12-09", cwd=root)
    assert "  [urgent] Pay suppliers — Ben Okafor [no access]" in text.stdout
    ics = releve("agenda", "--date", "2026-12-10", "--format", "ics", cwd=root)
    assert "UID:task-pay-2026-12-10@releve" in ics.stdout and "SUMMARY:Pay suppliers — nobody" in (
        ics.stdout
    )
    weekend = releve("agenda", "--date", "2026-12-12", "--format", "json", cwd=root)
    assert json.loads(weekend.stdout)["days"] == [
        {"date": "2026-12-12", "absent": [], "tasks": [], "on_call": []}
    ]


def test_agenda_bad_input_is_one_line(make_runbook):
    root = runbook_root(make_runbook)
    for args, word in (
        (["--date", "2026-13-01"], "--date"),
        (["--person", "zoe"], "zoe"),
        (["--date", "2026-12-01", "--from", "2026-12-01"], "--date"),
        (["--from", "2026-12-10", "--to", "2026-12-01"], "--from"),
        (["--from", "2026-01-01", "--to", "2099-01-01"], "3,660"),
    ):
        out = releve("agenda", *args, cwd=root)
        assert out.returncode == 2, (args, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1 and word in out.stderr
        assert "Traceback" not in out.stderr


def test_agenda_text_shows_priority_clients_access_and_whom_to_call(make_runbook):
    root = runbook_root(make_runbook)
    (root / "clients").mkdir()
    (root / "clients" / "acme.md").write_text("---\nname: Acme Inc.\n---\n", "utf-8")
    pay = root / "procedures" / "fin" / "pay.md"
    pay.write_text(
        pay.read_text("utf-8").replace("service: fin\n", "service: fin\nclients: [acme]\n")
    )
    team = root / "team.yml"
    team.write_text(team.read_text("utf-8") + "escalation: [cy]\n", "utf-8")
    out = releve("agenda", "--date", "2026-12-09", cwd=root).stdout.splitlines()
    assert out[0] == "Wednesday, December 9, 2026"  # the day in words
    assert "  [urgent] Pay suppliers · Acme Inc. — Ben Okafor [no access]" in out
    step = out[out.index("  [urgent] Pay suppliers · Acme Inc. — Ben Okafor [no access]") + 1]
    assert step.startswith("    → ")
    assert "covering for" not in out[out.index("  [urgent] Pay suppliers · Acme Inc. — Ben Okafor "
                                                "[no access]")]  # fmt: skip


def test_agenda_says_holiday_or_weekend(make_runbook):
    root = runbook_root(make_runbook)
    holiday = releve("agenda", "--date", "2026-12-25", cwd=root).stdout
    assert holiday.splitlines()[1] == "  nothing due: a holiday (team.yml holidays)"
    weekend = releve("agenda", "--date", "2026-12-12", cwd=root).stdout
    assert weekend.splitlines()[1] == "  nothing due: the weekend"
    team = root / "team.yml"
    team.write_text("workdays: [mon, tue, wed, thu]\n" + team.read_text("utf-8"), "utf-8")
    friday = releve("agenda", "--date", "2026-12-11", cwd=root).stdout
    assert "not a working day" in friday


def test_agenda_dates_in_words(make_runbook):
    root = runbook_root(make_runbook)
    today = "2026-12-09"  # a Wednesday

    def first_line(word: str) -> str:
        out = releve("agenda", "--date", word, "--format", "json", cwd=root, today=today)
        assert out.returncode == 0, (word, out.stderr)
        return json.loads(out.stdout)["days"][0]["date"]

    assert first_line("today") == first_line("aujourd'hui") == "2026-12-09"
    assert first_line("tomorrow") == first_line("Demain") == "2026-12-10"
    assert first_line("yesterday") == first_line("hier") == "2026-12-08"
    assert first_line("wednesday") == first_line("mercredi") == "2026-12-09"  # today is one
    assert first_line("friday") == first_line("ven") == "2026-12-11"
    assert first_line("monday") == first_line("lundi") == "2026-12-14"
    bad = releve("agenda", "--date", "someday", cwd=root)
    assert bad.returncode == 2 and "tomorrow" in bad.stderr


def test_agenda_unknown_person_lists_the_known_ids(make_runbook):
    root = runbook_root(make_runbook)
    out = releve("agenda", "--person", "bob", cwd=root)
    assert out.returncode == 2
    assert out.stderr.strip().endswith("known: ana, ben, cy")
