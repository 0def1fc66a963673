"""The iCalendar feed: absences (with who covers), gaps, review and drill due dates.

Review and drill dates are `upkeep.deadlines`' (never done: today), the dates on
which the lint, the badges and the binders' open items turn overdue the day after.

UIDs derive from what an event is about (person and start, procedure and
kind), so a calendar app that subscribes to the feed updates events instead
of duplicating them. SEQUENCE grows with the feed's "today" (days since
2020-01-01): any later feed outranks an earlier one. The feed names people and
procedures only: no client details, nothing secret.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from ..core.days import day_runs
from ..core.order import procedure_order
from ..core.settings import Settings
from ..coverage.agenda import Day, day_of
from ..coverage.compute import Coverage, coverage_over
from ..coverage.compute import covering as covering_all
from ..i18n import Translator
from ..model import Runbook
from ..upkeep.deadlines import REVIEW, drill_due, review_due

EPOCH = date(2020, 1, 1)
DOMAIN = "releve"


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


def _calendar(kind: str, name: str, today: date,
              settings: Settings) -> tuple[Calendar, datetime, int]:  # fmt: skip
    """An empty feed, with the stamp and SEQUENCE every event of this build carries."""
    cal = Calendar()
    cal.add("prodid", f"-//Relève//runbook {kind}//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{settings.site_name} — {name}")
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    return cal, stamp, (today - EPOCH).days


def _cover_events(days: list[Day], name_of, _, stamp: datetime, seq: int) -> list[Event]:
    """Per person, the tasks she covers for someone away, on their due days (cover rule)."""
    events = []
    for day in days:
        for task in day.tasks:
            cover = task.cover
            if cover.by and cover.covering_for:
                summary = _(
                    "agenda.ics_cover",
                    title=task.procedure.title,
                    person=name_of(cover.covering_for),
                )
                uid = f"cover-{task.procedure.id}-{day.date.isoformat()}"
                event = _event(uid, summary, day.date, day.date, stamp, seq)
                event.add("attendee", f"releve:{cover.by}", parameters={"CN": name_of(cover.by)})
                events.append(event)
    return events


def agenda_calendar(runbook: Runbook, days: list[Day], today: date, settings: Settings) -> bytes:
    """`releve agenda --format ics`: one all-day event per task due, named for who does it."""
    _ = Translator(settings.language)
    cal, stamp, seq = _calendar("agenda", _("agenda.feed_name"), today, settings)
    name_of = runbook.team.name_of
    for day in days:
        for kind, tasks in (("task", day.tasks), ("oncall", day.on_call)):
            for task in tasks:
                who = name_of(task.cover.by) if task.cover.by else None
                summary = _(
                    "agenda.ics_task",
                    title=task.procedure.title,
                    person=who or _("coverage.nobody"),
                )
                uid = f"{kind}-{task.procedure.id}-{day.date.isoformat()}"
                cal.add_component(
                    _event(
                        uid,
                        summary,
                        day.date,
                        day.date,
                        stamp,
                        seq,
                        _("agenda.status." + task.cover.status),
                    )
                )
    return cal.to_ical()


def calendar(runbook: Runbook, coverage: Coverage, today: date, settings: Settings,
             known: Coverage | None = None) -> bytes:  # fmt: skip
    """The coverage feed; `known`, a coverage over a longer period, spares recomputing
    each absence inside it."""
    _ = Translator(settings.language)
    cal, stamp, seq = _calendar("coverage", _("coverage.feed_name"), today, settings)
    name_of = runbook.team.name_of
    procedures = procedure_order(runbook.procedures)

    absences = [a for a in runbook.team.absences if a.end >= coverage.start - timedelta(days=366)]
    # The absences outside `known`, computed once together (not once each).
    far = covering_all(runbook, [(a.start, a.end) for a in absences], known or coverage)
    for absence in absences:
        who = name_of(absence.person)
        during = coverage_over(runbook, absence.start, absence.end, known or coverage, far)
        lines = []
        for proc in procedures:
            if absence.person != proc.owner:
                continue
            coverers = dict.fromkeys(during.who_covers(proc, d) for d in during.due[proc.id])
            named = [name_of(p) for p in coverers if p]
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
                "\n".join(lines),
            )
        )

    covering = [day_of(coverage, d) for d in sorted(coverage.away)]
    for event in _cover_events(covering, name_of, _, stamp, seq):
        cal.add_component(event)

    for proc_id, days in sorted(coverage.gaps.items()):
        proc = coverage.procedures[proc_id]
        for start, end in day_runs(days, coverage.days):  # a weekend does not split a gap
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

    for proc in procedures:
        for due in (review_due(proc, today, settings), drill_due(proc, today, settings)):
            if due is None:
                continue  # no drill for a procedure that is not urgent
            day = due.day(today)  # the due day (never done: today), as the lint and badges read it
            key = "coverage.ics_review" if due.kind == REVIEW else "coverage.ics_drill"
            cal.add_component(
                _event(f"{due.kind}-{proc.id}", _(key, title=proc.title), day, day, stamp, seq)
            )
    return cal.to_ical()
