"""The hand-back: what happened to someone's tasks while she was away.

`releve handback` and the "While you were away" section of a person page
both call `handback`, so they list the same days, tasks and records. What
needs her attention comes first: due days with no record, skipped or partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..core.order import procedure_order
from ..coverage.compute import Coverage, compute
from ..coverage.cover_rule import Cover
from ..model import Procedure, Record, Runbook
from .history import PARTIAL, SKIPPED, History

NOT_RECORDED = "not_recorded"
# The order a returning person reads: first what was not done as planned.
ATTENTION = (NOT_RECORDED, SKIPPED, PARTIAL)


@dataclass(frozen=True)
class HandbackItem:
    day: date
    procedure: Procedure
    cover: Cover  # who the cover rule named that day
    record: Record | None

    @property
    def state(self) -> str:
        """The record's status, or NOT_RECORDED."""
        return self.record.status if self.record else NOT_RECORDED

    @property
    def needs_attention(self) -> bool:
        return self.state in ATTENTION


@dataclass
class HandbackDay:
    day: date
    items: list[HandbackItem] = field(default_factory=list)


@dataclass
class Handback:
    person: str
    start: date
    end: date
    days: list[HandbackDay]

    @property
    def attention(self) -> list[HandbackItem]:
        """Not recorded, skipped or partial, in that order, then by day."""
        items = [i for d in self.days for i in d.items if i.needs_attention]
        return sorted(items, key=lambda i: (ATTENTION.index(i.state), i.day))

    @property
    def items(self) -> list[HandbackItem]:
        return [i for d in self.days for i in d.items]


def _continues(team, end: date, start: date) -> bool:
    """True when no working day lies between `end` and `start` (a weekend between two
    absences does not bring the person back)."""
    day = end + timedelta(days=1)
    for _ in range(31):
        if day >= start:
            return True
        if team.is_workday(day):
            return False
        day += timedelta(days=1)
    return False


def absence_spans(runbook: Runbook, person: str) -> list[tuple[date, date]]:
    """A person's absences with nested, overlapping and back-to-back ones joined (also
    across days nobody works: away Friday and again Monday is one absence)."""
    spans: list[list[date]] = []
    for a in sorted(runbook.team.absences_of(person), key=lambda a: (a.start, a.end)):
        if spans and (a.start <= spans[-1][1] or _continues(runbook.team, spans[-1][1], a.start)):
            spans[-1][1] = max(spans[-1][1], a.end)
        else:
            spans.append([a.start, a.end])
    return [(s, e) for s, e in spans]


def latest_return(runbook: Runbook, person: str, today: date) -> tuple[date, date] | None:
    """The person's latest absence that has ended before `today` (joined), or None."""
    ended = [span for span in absence_spans(runbook, person) if span[1] < today]
    return ended[-1] if ended else None


def handback(runbook: Runbook, person: str, start: date, end: date,
             history: History | None = None, coverage: Coverage | None = None
             ) -> Handback:  # fmt: skip
    """Each of `person`'s due tasks on each working day of [start, end], who the rule
    named, and the record of that day (if any)."""
    history = history or History.of(runbook)
    if coverage is None or coverage.start > start or coverage.end < end:
        coverage = compute(runbook, start, end)
    mine = procedure_order(p for p in runbook.procedures if p.owner == person)
    days: list[HandbackDay] = []
    for day in coverage.days:
        if not start <= day <= end:
            continue
        entry = HandbackDay(day)
        for proc in mine:
            record = history.record_for(proc.id, day)
            due = not proc.schedule.on_demand and coverage.is_due(proc, day)
            if due or record is not None:
                entry.items.append(HandbackItem(day, proc, coverage.cover(proc, day), record))
        if entry.items:
            days.append(entry)
    return Handback(person, start, end, days)
