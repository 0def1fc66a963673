"""The iCalendar feed: parsed back with icalendar; stable UIDs, growing SEQUENCE."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


# --- the feed is written directly: byte for byte what the icalendar package writes ----------


def with_icalendar(feed) -> bytes:
    """The same feed built with the `icalendar` package, as Relève did before."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", feed.prodid)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", feed.name)
    for e in feed.events:
        event = icalendar.Event()
        for name, value in (("uid", e.uid), ("summary", e.summary), ("dtstart", e.start),
                            ("dtend", e.end + timedelta(days=1)), ("dtstamp", e.stamp),
                            ("sequence", e.sequence), ("transp", "TRANSPARENT")):  # fmt: skip
            event.add(name, value)
        if e.description:
            event.add("description", e.description)
        if e.attendee:
            event.add("attendee", e.attendee[0], parameters={"CN": e.attendee[1]})
        cal.add_component(event)
    return cal.to_ical()


TRICKY = ["plain", "a, b; c \\ d", "line one\nline two\r\nthree\rfour", "x" * 200,
          "é" * 80 + "\\" + "y" * 80, "Ana ^ \"Q\" O'Neil: boss, RH; n°1", "’quote’",
          "tab\there", "carets ^^^ and \\N escapes", "€" * 40 + ",;" * 20]  # fmt: skip


def test_the_writer_matches_icalendar_on_tricky_text():
    from releve.render import calendar_feed as feedmod

    stamp = datetime(2026, 11, 23, tzinfo=UTC)
    cal = feedmod.Calendar("-//Relève//runbook test//EN", "Équipe — couverture, « test »")
    for index, text in enumerate(TRICKY):
        event = feedmod.Event(f"e{index}@releve", text, date(2026, 12, 1), date(2026, 12, 2),
                              stamp, 2518, description=text * 3)  # fmt: skip
        event.attendee = (f"releve:p{index}", text.replace("\n", " "))
        cal.add_component(event)
        cal.add_component(feedmod.Event(f"f{index}@releve", text[::-1], date(2027, 1, 1),
                                        date(2027, 1, 1), stamp, 1))  # fmt: skip
    assert cal.to_ical() == with_icalendar(cal)
    assert len(Calendar.from_ical(cal.to_ical()).walk("VEVENT")) == 2 * len(TRICKY)


def test_the_sample_feed_matches_icalendar(monkeypatch):
    from pathlib import Path

    from releve.core.settings import load_settings
    from releve.render import calendar_feed as feedmod
    from releve.render.site_content import SiteContent

    root = Path(__file__).resolve().parent.parent
    settings = load_settings(root)
    site = SiteContent.load(root, settings, date(2026, 11, 23))
    made = []
    monkeypatch.setattr(
        feedmod.Calendar,
        "to_ical",
        lambda self, real=feedmod.Calendar.to_ical: made.append(self) or real(self),
    )
    data = feedmod.calendar(site.runbook, site.coverage, site.today, settings, site.whole)
    assert data == with_icalendar(made[0]) and data.count(b"BEGIN:VEVENT") > 20
