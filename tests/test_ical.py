"""The iCalendar feed: parsed back with icalendar; stable UIDs, growing SEQUENCE."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from releve.core.settings import Settings
from releve.coverage.compute import compute
from releve.model import load_runbook
from releve.render.calendar_feed import calendar

TEAM = """\
people:
  - {id: ana, name: Ana Lima}
  - {id: ben, name: Ben Okafor}
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-04}
  - {person: ben, from: 2026-12-03, to: 2026-12-03}
"""


def feed(root, today: date) -> Calendar:
    runbook = load_runbook(root)
    coverage = compute(runbook, today, date(2027, 2, 1))
    return Calendar.from_ical(calendar(runbook, coverage, today, Settings()))


def events(cal: Calendar) -> dict[str, dict]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_feed_events(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.procedure("s/pay.md", "title: Pay invoices\nservice: s\nowner: ana\nbackup: [ben]\n"
                 "priority: urgent\nsuccess_criteria: [ok]\nreviewed: 2026-10-01\n"
                 "last_drill: 2026-09-01\n")  # fmt: skip
    rb.write("clients/acme.md", "---\nname: Acme\ncontacts: [{name: Paul Secretphone, "
             "phone: '+1 514 555 0199'}]\n---\n")  # fmt: skip
    cal = feed(rb.root, date(2026, 11, 23))
    ev = events(cal)
    absence = ev["absence-ana-2026-12-01@releve"]
    assert absence.decoded("dtstart") == date(2026, 12, 1)
    assert absence.decoded("dtend") == date(2026, 12, 5)  # exclusive end
    assert "Ana Lima" in str(absence["summary"])
    assert "Pay invoices: Ben Okafor" in str(absence["description"])
    gap = ev["gap-pay-2026-12-03@releve"]
    assert gap.decoded("dtstart") == date(2026, 12, 3) and gap.decoded("dtend") == date(2026, 12, 4)
    assert ev["review-pay@releve"].decoded("dtstart") == date(2027, 3, 30)
    assert ev["drill-pay@releve"].decoded("dtstart") == date(2026, 11, 30)
    text = cal.to_ical().decode()
    assert "Secretphone" not in text and "555 0199" not in text and "Acme" not in text


def test_uids_stable_and_sequence_grows(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.procedure("s/pay.md", "title: Pay\nservice: s\nowner: ana\nbackup: [ben]\n"
                 "priority: planned\nsuccess_criteria: [ok]\nreviewed: 2026-10-01\n")  # fmt: skip
    first = events(feed(rb.root, date(2026, 11, 23)))
    again = events(feed(rb.root, date(2026, 11, 23)))
    later = events(feed(rb.root, date(2026, 11, 24)))
    assert set(first) == set(again) == set(later)
    for uid in first:
        assert first[uid]["sequence"] == again[uid]["sequence"]
        assert later[uid]["sequence"] > first[uid]["sequence"]
