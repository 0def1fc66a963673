"""When nobody can do a task: the next step. Decided here, and only here.

The cover rule (`cover_rule.decide`) says who does a task on a day; on a
`gap` or `no_access` day it names nobody who can. Every view (the Today page,
person and client pages, the absence binder's open items, `releve agenda`'s
`escalate_to` and `releve coverage`) asks `next_step`, so a reader always
gets a person to call and never "ask someone":

- `no_access`: the people present that day who hold a key the task needs and
  the doer lacks (by name and phone), else the first present person of the
  team's `escalation` list other than the doer herself;
- `gap`: the first present person of `escalation`, and the client is told
  (its absence message, ready to copy);
- nobody reachable: said so, with who is away and until when.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from ..model import Procedure, Runbook
from .compute import Coverage, needed_audiences
from .cover_rule import GAP, NO_ACCESS, Cover

HOLDERS, ESCALATION, NOBODY = "holders", "escalation", "nobody"


@dataclass(frozen=True)
class Away:
    """Someone away on the day, and the last day of that absence (nested ones joined)."""

    person: str
    until: date


@dataclass(frozen=True)
class NextStep:
    """Who to call when the cover rule names nobody able: `call[0]` first.

    `kind`: HOLDERS (present key holders), ESCALATION (the first present person of
    the team's escalation list) or NOBODY (then `away` says who is away until when).
    `tell_client`: a gap, so the client's absence message should go out.
    """

    kind: str
    call: tuple[str, ...]
    away: tuple[Away, ...] = ()
    tell_client: bool = False

    @property
    def first(self) -> str | None:
        return self.call[0] if self.call else None


def holders_of(runbook: Runbook, audience: str) -> list[str]:
    """People who hold a key of `audience`, in people order: the vault's one rule
    (`Runbook.holders`), as coverage and RB017 read it."""
    return runbook.team.ids_in_order(runbook.holders(audience))


def first_present(runbook: Runbook, coverage: Coverage, day: date,
                  besides: str | None = None) -> str | None:  # fmt: skip
    """The first person of the team's `escalation` list who is not away on `day` (and is
    not `besides`: whoever the rule already named without the key cannot be her own help)."""
    team, away = runbook.team, coverage.absent_on(day)
    return next((p for p in team.escalation
                 if p in team.people and p not in away and p != besides), None)  # fmt: skip


def away_until(runbook: Runbook, person: str, day: date,
               coverage: Coverage | None = None) -> date | None:  # fmt: skip
    """The last day of `person`'s absence that covers `day` (joined with absences that
    continue it), or None when she is not away that day. Someone a what-if makes absent
    (`releve coverage --absent`) is away until the end of `coverage`."""
    if coverage is not None and person in coverage.extra_absent:
        return coverage.end
    spans = runbook.team.away_spans.get(person, [])
    at = bisect_right(spans, (day, date.max)) - 1  # the last period starting on or before
    if at >= 0 and spans[at][0] <= day <= spans[at][1]:
        return spans[at][1]
    return None


def next_step(runbook: Runbook, coverage: Coverage, proc: Procedure, day: date,
              cover: Cover | None = None) -> NextStep | None:  # fmt: skip
    """The next step for `proc` on `day`, or None when the cover rule found someone able."""
    cover = cover or coverage.cover(proc, day)
    if cover.status not in (GAP, NO_ACCESS):
        return None
    away = coverage.absent_on(day)
    team = runbook.team
    relevant = list(proc.people)
    if cover.status == NO_ACCESS:
        # Keys the person present lacks; their present holders can open it or lend a hand.
        missing = [a for a in sorted(needed_audiences(runbook, proc))
                   if cover.by not in holders_of(runbook, a)]  # fmt: skip
        holders: list[str] = []
        for audience in missing:
            holders += [p for p in holders_of(runbook, audience) if p not in holders]
        relevant = holders
        present = [p for p in holders if p in team.people and p not in away and p != cover.by]
        if present:
            return NextStep(HOLDERS, tuple(present))
    escalate = first_present(runbook, coverage, day, besides=cover.by)
    tell = cover.status == GAP
    if escalate is not None:
        return NextStep(ESCALATION, (escalate,), tell_client=tell)
    people = list(dict.fromkeys([*relevant, *team.escalation]))
    gone = tuple(
        Away(p, until)
        for p in people
        if (until := away_until(runbook, p, day, coverage)) is not None
    )
    return NextStep(NOBODY, (), gone, tell_client=tell)


def escalate_to(runbook: Runbook, coverage: Coverage, proc: Procedure, day: date,
                cover: Cover | None = None) -> str | None:  # fmt: skip
    """The first person to call (agenda JSON `escalate_to`), None when nobody is needed or
    nobody is reachable."""
    step = next_step(runbook, coverage, proc, day, cover)
    return step.first if step else None
