"""A person page's first section: what the person does today, or on the next working day.

Someone opening a colleague's page (or their own) on a phone wants the day first: the
tasks this person does that day (as owner, covering for someone, or present without
access), and when away, who does theirs. Built with the site (the day is the build's
"today", said on the page); the Today page is the live view. The tasks and their doers
come from the agenda (coverage/agenda.py), the one cover rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...coverage.agenda import Task, day_of, relay
from ...coverage.compute import Coverage, compute
from ...model import Absence, Person, Runbook
from ...records.history import History

LOOK_AHEAD = 14  # days searched for the next working day (a long holiday break fits)


@dataclass
class PersonDay:
    date: date
    is_today: bool
    away: Absence | None  # the absence covering that day, if any
    doing: list[Task] = field(default_factory=list)  # tasks this person does that day
    covered: list[Task] = field(default_factory=list)  # their own tasks, done by others


def person_day(runbook: Runbook, person: Person, today: date,
               coverage: Coverage | None = None,
               history: History | None = None) -> PersonDay | None:  # fmt: skip
    """The day to show (today when it is a working day, else the next one) and its tasks;
    None when no working day comes within `LOOK_AHEAD` days."""
    if coverage is None or not coverage.days or coverage.start > today:
        end = date.fromordinal(today.toordinal() + LOOK_AHEAD)
        coverage = compute(runbook, today, end)
    day = next((d for d in coverage.days if d >= today), None)
    if day is None or (day - today).days > LOOK_AHEAD:
        return None
    agenda = relay(day_of(coverage, day), runbook, coverage, history)
    tasks = [*agenda.tasks, *agenda.on_call]
    away = next((a for a in runbook.team.absences_of(person.id) if a.covers(day)), None)
    doing = [t for t in tasks if t.cover.by == person.id]
    mine = [t for t in agenda.tasks if t.procedure.owner == person.id]
    covered = [t for t in mine if t.cover.by != person.id]
    return PersonDay(day, day == today, away, doing, covered)
