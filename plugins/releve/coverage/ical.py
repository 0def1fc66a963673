"""The iCalendar feed: absences (with who covers), gaps, review and drill due dates.

UIDs derive from what an event is about (person and start, procedure and
kind), so a calendar app that subscribes to the feed updates events instead
of duplicating them. SEQUENCE grows with the feed's "today" (days since
2020-01-01): any later feed outranks an earlier one. The feed names people and
procedures only: no client details, nothing secret.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from ..i18n import Translator
from ..model import Runbook
from ..settings import Settings
from .model import Coverage, compute

EPOCH = date(2020, 1, 1)
DOMAIN = "releve"


def _runs(days: list[date], team_days: list[date]) -> list[tuple[date, date]]:
    """Group days into runs of consecutive working days."""
    index = {d: i for i, d in enumerate(team_days)}
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and index.get(day, -2) == index.get(runs[-1][1], -5) + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _event(uid: str, summary: str, start: date, end: date, stamp: datetime, seq: int,
           description: str = "") -> Event:  # fmt: skip
    event = Event()
    event.add("uid", f"{uid}@{DOMAIN}")
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end + timedelta(days=1))  # all-day events end the next day
    event.add("dtstamp", stamp)
    event.add("sequence", seq)
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def calendar(runbook: Runbook, coverage: Coverage, today: date, settings: Settings) -> bytes:
    _ = Translator(settings.language)
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    seq = (today - EPOCH).days
    names = {pid: p.name for pid, p in runbook.team.people.items()}
    cal = Calendar()
    cal.add("prodid", "-//Relève//runbook coverage//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{settings.site_name} — {_('coverage.feed_name')}")

    for absence in runbook.team.absences:
        if absence.end < coverage.start - timedelta(days=366):
            continue
        who = names.get(absence.person, absence.person)
        during = compute(runbook, absence.start, absence.end)
        lines = []
        for proc in runbook.procedures:
            if absence.person != proc.owner:
                continue
            coverers = dict.fromkeys(during.who_covers(proc, d) for d in during.days)
            named = [names.get(p, p) for p in coverers if p]
            gaps = len(during.gaps.get(proc.id, []))
            text = ", ".join(named) or _("coverage.nobody")
            if gaps and named:
                text += f" ({_('coverage.ics_gap_days', n=gaps)})"
            lines.append(f"{proc.title}: {text}")
        cal.add_component(
            _event(
                f"absence-{absence.person}-{absence.start.isoformat()}",
                _("coverage.ics_absence", person=who),
                absence.start,
                absence.end,
                stamp,
                seq,
                "\n".join(sorted(lines)),
            )
        )

    for proc_id, days in sorted(coverage.gaps.items()):
        proc = coverage.procedures[proc_id]
        for start, end in _runs(days, coverage.days):
            cal.add_component(
                _event(
                    f"gap-{proc_id}-{start.isoformat()}",
                    _("coverage.ics_gap", title=proc.title),
                    start,
                    end,
                    stamp,
                    seq,
                )
            )

    for proc in runbook.procedures:
        if proc.reviewed:
            due = proc.reviewed + timedelta(days=proc.review_every or settings.review_every)
            cal.add_component(
                _event(
                    f"review-{proc.id}",
                    _("coverage.ics_review", title=proc.title),
                    due,
                    due,
                    stamp,
                    seq,
                )
            )
        if proc.priority == "urgent":
            due = (
                proc.last_drill + timedelta(days=settings.drill_every) if proc.last_drill else today
            )
            cal.add_component(
                _event(
                    f"drill-{proc.id}",
                    _("coverage.ics_drill", title=proc.title),
                    due,
                    due,
                    stamp,
                    seq,
                )
            )
    return cal.to_ical()
