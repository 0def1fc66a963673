"""The agenda: what is due each day and who does it, from the coverage model.

`releve agenda`, the person pages ("while X is away"), the absence binder and
the calendar feed read their days from here, and each task's doer from the
cover rule (`Coverage.cover`), so they all name the same person.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..core.order import procedure_key
from ..model import Procedure, Record, Runbook
from ..records.history import History
from .compute import Coverage, compute
from .cover_rule import OK, Cover
from .escalation import NextStep, next_step


def record_json(record: Record | None) -> dict | None:
    if record is None:
        return None
    return {"date": record.date.isoformat(), "by": record.by, "status": record.status,
            "note": record.note}  # fmt: skip


@dataclass(frozen=True)
class Task:
    procedure: Procedure
    cover: Cover
    step: NextStep | None = None  # when nobody able covers: whom to call (escalation.py)
    record: Record | None = None  # what was recorded for this task that day

    @property
    def escalate_to(self) -> str | None:
        """The first person to call, None when nobody is needed or nobody is reachable."""
        return self.step.first if self.step else None

    def as_json(self) -> dict:
        return {
            "procedure": self.procedure.id,
            "owner": self.procedure.owner or None,
            "by": self.cover.by,
            "covering_for": self.cover.covering_for,
            "status": self.cover.status,
            "escalate_to": self.escalate_to,
            "record": record_json(self.record),
        }


@dataclass
class Day:
    """One day: who is away, the scheduled tasks due, and who is on call for the rest."""

    date: date
    absent: list[str]
    tasks: list[Task] = field(default_factory=list)
    on_call: list[Task] = field(default_factory=list)  # on-demand tasks whose owner is away

    def as_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "absent": self.absent,
            "tasks": [t.as_json() for t in self.tasks],
            "on_call": [t.as_json() for t in self.on_call],
        }

    def keep(self, wanted) -> Day:
        """The same day with only the tasks `wanted(task)` accepts."""
        return Day(self.date, self.absent, [t for t in self.tasks if wanted(t)],
                   [t for t in self.on_call if wanted(t)])  # fmt: skip


def _order(task: Task) -> tuple:
    """Tasks in `core.order`'s order of their procedures."""
    return procedure_key(task.procedure)


def day_of(coverage: Coverage, day: date, procedures: list[Procedure] | None = None) -> Day:
    """What is due on `day` (among `procedures`, default all), and who does it (the cover rule)."""
    away = coverage.absent_on(day)
    wanted = None if procedures is None else {p.id for p in procedures}
    tasks, on_call = [], []
    for proc in coverage.due_on(day):
        if wanted is not None and proc.id not in wanted:
            continue
        if proc.schedule.on_demand:
            if proc.owner in away:
                on_call.append(Task(proc, coverage.cover(proc, day)))
        else:
            tasks.append(Task(proc, coverage.cover(proc, day)))
    return Day(day, sorted(away), sorted(tasks, key=_order), sorted(on_call, key=_order))


def agenda(runbook: Runbook, start: date, end: date, coverage: Coverage | None = None,
           every_day: bool = False, history: History | None = None) -> list[Day]:  # fmt: skip
    """Working days from `start` to `end` (every calendar day with `every_day`), each task
    with its next step when nobody able covers it and the record of that day."""
    if coverage is None or coverage.start > start or coverage.end < end:
        coverage = compute(runbook, start, end)
    days = coverage.days
    if every_day:
        days = [date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)]
    history = history or History.of(runbook)
    return [relay(day_of(coverage, d), runbook, coverage, history)
            for d in days if start <= d <= end]  # fmt: skip


def relay(day: Day, runbook: Runbook, coverage: Coverage, history: History | None = None) -> Day:
    """The day with, on each task, its next step when nobody able covers it (`escalate_to`:
    whom to call first) and its record (none without `history`)."""

    def fill(task: Task) -> Task:
        return replace(
            task,
            step=next_step(runbook, coverage, task.procedure, day.date, task.cover),
            record=history.record_for(task.procedure.id, day.date) if history else None,
        )

    return Day(day.date, day.absent, [fill(t) for t in day.tasks], [fill(t) for t in day.on_call])


def for_person(days: list[Day], person: str) -> list[Day]:
    """`--person P`: the tasks P does."""
    return [d.keep(lambda t: t.cover.by == person) for d in days]


def while_away(days: list[Day], person: str) -> list[Day]:
    """The tasks someone's absence touches: hers, and those she would have covered.

    Hers: she owns them. Those she backs up matter only when the owner is away
    too (the status is not `ok`). Days with nothing to say are dropped.
    """

    def touched(task: Task) -> bool:
        proc = task.procedure
        return proc.owner == person or (person in proc.backup and task.cover.status != OK)

    kept = [d.keep(touched) for d in days if person in d.absent]
    return [d for d in kept if d.tasks or d.on_call]


@dataclass
class Run:
    """Consecutive days on which the same person is on call for an on-demand task."""

    procedure: Procedure
    cover: Cover
    start: date
    end: date
    step: NextStep | None = None  # the same next step on each day of the run
    days: list[date] = field(default_factory=list)


def on_call_runs(days: list[Day]) -> list[Run]:
    """On-demand tasks over a period, as runs of the same doer (for "who to call")."""
    runs: dict[str, list[Run]] = {}
    previous: dict[str, date] = {}
    for day in days:
        for task in day.on_call:
            pid = task.procedure.id
            mine = runs.setdefault(pid, [])
            same = mine and (mine[-1].cover, mine[-1].step) == (task.cover, task.step)
            if same and previous.get(pid) == mine[-1].end:
                mine[-1].end = day.date
                mine[-1].days.append(day.date)
            else:
                mine.append(Run(task.procedure, task.cover, day.date, day.date, task.step,
                                [day.date]))  # fmt: skip
            previous[pid] = day.date
        for pid in list(previous):  # a run breaks on a day the task is not listed
            if all(t.procedure.id != pid for t in day.on_call):
                previous.pop(pid)
    out = [run for items in runs.values() for run in items]
    return sorted(out, key=lambda r: (_order(Task(r.procedure, r.cover)), r.start))


def absence_plan(runbook: Runbook, person: str, start: date, end: date,
                 coverage: Coverage | None = None) -> tuple[list[Day], list[Run]]:  # fmt: skip
    """While `person` is away in [start, end]: the dated tasks it touches, and who is on call.

    On-demand tasks would repeat every day: they come once, as runs of who to call.

    The person page and the absence binder both print this, so they agree.
    """
    days = while_away(agenda(runbook, start, end, coverage), person)
    scheduled = [Day(d.date, d.absent, d.tasks) for d in days if d.tasks]
    return scheduled, on_call_runs(days)
