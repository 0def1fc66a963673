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

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..core.order import procedure_order
from ..core.settings import Settings
from ..coverage.agenda import Day, day_of
from ..coverage.compute import Coverage, coverage_over
from ..i18n import Translator
from ..model import Runbook
from ..upkeep.deadlines import REVIEW, drill_due, review_due

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


# iCalendar written directly (RFC 5545), line for line what the `icalendar` package writes
# for these few properties (tests/test_ical.py compares them), about thirty times faster:
# folding a line character by character was most of a build's calendar time.
_FOLD_AT = 75  # octets: a line is cut before it reaches this many


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11), newlines of any kind as \\n."""
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))  # fmt: skip


def _raw(value: str) -> str:
    """An extension property's value as icalendar writes it (as is), but on one line."""
    return re.sub(r"[\r\n]+", " ", value)


def _param(value: str) -> str:
    """A CN parameter value: RFC 6868 escapes, quoted when it holds a space, an apostrophe
    or a separator."""
    quote = " " in value or "'" in value
    escaped = re.sub(r"\r\n|[\^\n\r\"]", lambda m: {"^": "^^", '"': "^'"}.get(m.group(), "^n"),
                     value)  # fmt: skip
    return f'"{escaped}"' if quote or re.search("[,;:’]", escaped) else escaped


def _fold(line: str) -> str:
    if len(line) < _FOLD_AT // 4 or len(line.encode("utf-8")) < _FOLD_AT:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width >= _FOLD_AT:
            if len(current) > 1 and current[-1] in "\\^":  # never cut an escape in two
                carried = current.pop()
                parts.append("".join(current))
                current, size = [carried], len(carried.encode("utf-8"))
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


@dataclass
class Event:
    uid: str
    summary: str
    start: date
    end: date  # inclusive: all-day events end the next day in the feed
    stamp: datetime
    sequence: int
    description: str = ""
    attendee: tuple[str, str] | None = None  # (address, CN)

    def lines(self) -> list[str]:
        out = ["BEGIN:VEVENT", f"SUMMARY:{_text(self.summary)}",
               f"DTSTART;VALUE=DATE:{self.start:%Y%m%d}",
               f"DTEND;VALUE=DATE:{self.end + timedelta(days=1):%Y%m%d}",
               f"DTSTAMP:{self.stamp:%Y%m%dT%H%M%SZ}", f"UID:{_text(self.uid)}",
               f"SEQUENCE:{self.sequence}"]  # fmt: skip
        if self.attendee:
            address, name = self.attendee
            out.append(f"ATTENDEE;CN={_param(name)}:{address}")
        if self.description:
            out.append(f"DESCRIPTION:{_text(self.description)}")
        out += ["TRANSP:TRANSPARENT", "END:VEVENT"]
        return out


@dataclass
class Calendar:
    prodid: str
    name: str
    events: list[Event] = field(default_factory=list)

    def add_component(self, event: Event) -> None:
        self.events.append(event)

    def to_ical(self) -> bytes:
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(self.prodid)}",
                 f"X-WR-CALNAME:{_raw(self.name)}"]  # fmt: skip
        for event in self.events:
            lines += event.lines()
        lines.append("END:VCALENDAR")
        return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def _event(uid: str, summary: str, start: date, end: date, stamp: datetime, seq: int,
           description: str = "") -> Event:  # fmt: skip
    return Event(f"{uid}@{DOMAIN}", summary, start, end, stamp, seq, description)


def _calendar(kind: str, name: str, today: date,
              settings: Settings) -> tuple[Calendar, datetime, int]:  # fmt: skip
    """An empty feed, with the stamp and SEQUENCE every event of this build carries."""
    cal = Calendar(f"-//Relève//runbook {kind}//EN", f"{settings.site_name} — {name}")
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
                event.attendee = (f"releve:{cover.by}", name_of(cover.by))
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

    for absence in runbook.team.absences:
        if absence.end < coverage.start - timedelta(days=366):
            continue
        who = name_of(absence.person)
        during = coverage_over(runbook, absence.start, absence.end, known or coverage)
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
