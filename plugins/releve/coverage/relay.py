"""Every day a task is due and nobody able covers it, with its next step.

Person and client pages, the absence binder's open items and `releve coverage`
list these, so they agree with the agenda JSON's `escalate_to` and the Today
page: each item's step comes from `escalation.next_step`, the one rule.

Consecutive working days with the same procedure, doer and next step form one
item (a two-week gap on a daily task is one line, not ten); `days` keeps each
day, so a reader of the JSON or the markup can still ask about any one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..core.order import procedure_key
from ..model import Procedure, Runbook
from .compute import Coverage
from .cover_rule import Cover
from .escalation import NextStep, next_step


@dataclass(frozen=True)
class RelayItem:
    """A procedure with nobody able to do it on `days`, and whom to call."""

    procedure: Procedure
    cover: Cover
    step: NextStep
    days: tuple[date, ...]

    @property
    def start(self) -> date:
        return self.days[0]

    @property
    def end(self) -> date:
        return self.days[-1]

    @property
    def status(self) -> str:
        return self.cover.status


def steps_of(runbook: Runbook, coverage: Coverage, proc: Procedure,
             start: date | None = None, end: date | None = None
             ) -> list[tuple[date, Cover, NextStep]]:  # fmt: skip
    """Each gap and no-access day of `proc` in [start, end] (default: the whole coverage),
    in date order, with who the rule named and the next step."""
    first, last = start or coverage.start, end or coverage.end
    days = sorted({*coverage.gaps.get(proc.id, ()), *coverage.no_access.get(proc.id, ())})
    out = []
    for day in days:
        if first <= day <= last:
            cover = coverage.cover(proc, day)
            step = next_step(runbook, coverage, proc, day, cover)
            if step is not None:
                out.append((day, cover, step))
    return out


def relay_items(runbook: Runbook, coverage: Coverage, procedures: Iterable[Procedure] | None = None,
                start: date | None = None, end: date | None = None,
                unless_away: str | None = None) -> list[RelayItem]:  # fmt: skip
    """The gap and no-access days of `procedures` (default: all) in [start, end], as runs
    of consecutive working days with the same answer; by first day, then urgent first.

    `unless_away`: leave out the days that person is away (her page lists those in the
    plan of her absence)."""
    procs = runbook.procedures if procedures is None else list(procedures)
    position = {d: n for n, d in enumerate(coverage.days)}
    items: list[RelayItem] = []
    for proc in procs:
        run: list[date] = []
        answer: tuple[Cover, NextStep] | None = None
        for day, cover, step in steps_of(runbook, coverage, proc, start, end):
            if unless_away and unless_away in coverage.absent_on(day):
                continue
            # the next working day after the run's last, with the same answer
            follows = bool(run) and day in position and position[day] == position[run[-1]] + 1
            if follows and answer == (cover, step):
                run.append(day)
                continue
            if run and answer:
                items.append(RelayItem(proc, answer[0], answer[1], tuple(run)))
            run, answer = [day], (cover, step)
        if run and answer:
            items.append(RelayItem(proc, answer[0], answer[1], tuple(run)))
    return sorted(items, key=lambda i: (i.start, procedure_key(i.procedure)))
