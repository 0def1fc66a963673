"""The coverage model on hand-computed calendars."""

from __future__ import annotations

from datetime import date

from releve.coverage.compute import (
    compute,
    horizon_end,
    load_of,
    single_points_of_failure,
    working_days,
)
from releve.model import load_runbook

TEAM = """\
workdays: [mon, tue, wed, thu, fri]
holidays: [2026-12-25]
people:
  - {id: ana, name: Ana}
  - {id: ben, name: Ben}
  - {id: cy, name: Cy}
  - {id: dee, name: Dee}
absences:
{absences}
"""


def runbook_with(make_runbook, absences: str, procs: dict[str, str]):
    rb = make_runbook(team=TEAM.replace("{absences}", absences or "  []"))
    for name, people in procs.items():
        owner, *backups = people.split()
        priority = "urgent" if name.startswith("u") else "planned"
        rb.procedure(
            f"s/{name}.md",
            f"title: {name}\nservice: s\nowner: {owner}\nbackup: [{', '.join(backups)}]\n"
            f"priority: {priority}\nsuccess_criteria: [ok]\n",
        )
    return load_runbook(rb.root)


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_working_days_skip_weekends_and_holidays(make_runbook):
    runbook = runbook_with(make_runbook, "", {"p": "ana ben"})
    days = working_days(runbook.team, d("2026-12-21"), d("2026-12-28"))
    # Mon 21 .. Thu 24, Fri 25 is a holiday, Sat/Sun off, Mon 28
    assert days == [d("2026-12-21"), d("2026-12-22"), d("2026-12-23"), d("2026-12-24"),
                    d("2026-12-28")]  # fmt: skip
    assert horizon_end(d("2026-11-23"), 90) == d("2027-02-20")


def test_gap_when_owner_and_backup_away_edges_included(make_runbook):
    absences = """\
  - {person: ana, from: 2026-12-01, to: 2026-12-04}
  - {person: ben, from: 2026-12-03, to: 2026-12-08}
"""
    runbook = runbook_with(make_runbook, absences, {"p": "ana ben", "q": "ana cy"})
    # the period starts in the middle of both absences' overlap and ends on its last day
    cov = compute(runbook, d("2026-12-03"), d("2026-12-04"))
    assert cov.gaps == {"p": [d("2026-12-03"), d("2026-12-04")]}
    wide = compute(runbook, d("2026-11-30"), d("2026-12-31"))
    assert wide.gaps == {"p": [d("2026-12-03"), d("2026-12-04")]}
    proc = runbook.procedure("p")
    assert wide.who_covers(proc, d("2026-12-02")) == "ben"
    assert wide.who_covers(proc, d("2026-12-07")) == "ana"
    assert wide.who_covers(proc, d("2026-12-03")) is None


def test_weekend_inside_overlap_is_not_a_gap(make_runbook):
    absences = """\
  - {person: ana, from: 2026-12-04, to: 2026-12-07}
  - {person: ben, from: 2026-12-05, to: 2026-12-06}
"""
    runbook = runbook_with(make_runbook, absences, {"p": "ana ben"})
    assert compute(runbook, d("2026-12-01"), d("2026-12-31")).gaps == {}


def test_overlapping_and_many_absences_of_one_person(make_runbook):
    absences = """\
  - {person: ana, from: 2026-12-01, to: 2026-12-02}
  - {person: ana, from: 2026-12-02, to: 2026-12-03}
  - {person: ana, from: 2026-12-10}
  - {person: ben, from: 2026-12-01, to: 2026-12-11}
"""
    runbook = runbook_with(make_runbook, absences, {"p": "ana ben"})
    cov = compute(runbook, d("2026-12-01"), d("2026-12-31"))
    assert cov.gaps["p"] == [d("2026-12-01"), d("2026-12-02"), d("2026-12-03"), d("2026-12-10")]


def test_backup_also_absent_second_backup_covers(make_runbook):
    absences = """\
  - {person: ana, from: 2026-12-01, to: 2026-12-02}
  - {person: ben, from: 2026-12-01, to: 2026-12-01}
"""
    runbook = runbook_with(make_runbook, absences, {"p": "ana ben cy"})
    cov = compute(runbook, d("2026-12-01"), d("2026-12-02"))
    proc = runbook.procedure("p")
    assert cov.gaps == {}
    assert [cov.who_covers(proc, x) for x in cov.days] == ["cy", "ben"]


def test_what_if_one_and_two_extra_absent(make_runbook):
    absences = "  - {person: ana, from: 2026-12-01, to: 2026-12-02}\n"
    runbook = runbook_with(make_runbook, absences, {"p": "ana ben", "q": "cy dee", "r": "ben cy"})
    one = compute(runbook, d("2026-12-01"), d("2026-12-04"), ["ben"])
    assert one.gaps == {"p": [d("2026-12-01"), d("2026-12-02")]}
    two = compute(runbook, d("2026-12-01"), d("2026-12-04"), ["ben", "cy"])
    assert set(two.gaps) == {"p", "r"}
    assert two.gaps["r"] == two.days  # both away the whole period
    assert two.gaps["p"] == [d("2026-12-01"), d("2026-12-02")]


def test_single_points_of_failure_and_load(make_runbook):
    runbook = runbook_with(
        make_runbook, "", {"u-solo": "ana", "pair": "ana ben", "safe": "ana ben cy", "p2": "cy dee"}
    )
    risks = {r.people: [p.id for p in r.procedures] for r in single_points_of_failure(runbook)}
    assert risks == {("ana",): ["u-solo"], ("ana", "ben"): ["pair"], ("cy", "dee"): ["p2"]}
    first = single_points_of_failure(runbook)[0]
    assert first.people == ("ana",)  # urgent first
    loads = load_of(runbook)
    assert (loads["ana"].owned, loads["ana"].backup) == (3, 0)
    assert loads["ana"].weight == 3 + 1 + 1  # urgent + planned + planned
    assert (loads["ben"].owned, loads["ben"].backup, loads["ben"].weight) == (0, 2, 1.0)
