"""The coverage model, computed from the runbook model.

A procedure is covered on a working day (team.yml `workdays` minus `holidays`)
when its owner or at least one backup is not absent that day; absences include
both their ends. Per-person absent days are computed once as sets, and gaps
are cached per distinct (owner, backups) group, so 2,000 procedures over a
year cost a few set intersections each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from ..model import Procedure, Runbook, Team

PRIORITY_RANK = {"urgent": 0, "important": 1, "planned": 2}
PRIORITY_WEIGHT = {"urgent": 3, "important": 2, "planned": 1}


def working_days(team: Team, start: date, end: date) -> list[date]:
    """Working days from `start` to `end`, both included."""
    count = (end - start).days + 1
    return [d for d in (start + timedelta(n) for n in range(max(count, 0))) if team.is_workday(d)]


def horizon_end(start: date, horizon: int) -> date:
    """Last day of a horizon of `horizon` days starting on (and counting) `start`."""
    return start + timedelta(days=max(horizon, 1) - 1)


@dataclass
class Coverage:
    start: date
    end: date
    days: list[date]  # working days of the period
    absent: dict[str, set[date]]  # person -> absent working days in the period
    gaps: dict[str, list[date]]  # procedure id -> working days nobody covers (only non-empty)
    procedures: dict[str, Procedure]
    extra_absent: tuple[str, ...] = ()

    def covered(self, proc: Procedure, day: date) -> bool:
        return any(day not in self.absent.get(p, ()) for p in proc.people)

    def who_covers(self, proc: Procedure, day: date) -> str | None:
        """The first of owner, backup 1, backup 2... who is not absent that day."""
        return next((p for p in proc.people if day not in self.absent.get(p, ())), None)

    def gaps_by_day(self) -> dict[date, list[Procedure]]:
        out: dict[date, list[Procedure]] = {}
        for proc_id, days in self.gaps.items():
            for day in days:
                out.setdefault(day, []).append(self.procedures[proc_id])
        for procs in out.values():
            procs.sort(key=lambda p: (PRIORITY_RANK.get(p.priority, 3), p.title.casefold()))
        return dict(sorted(out.items()))

    def gap_procedures(self) -> list[Procedure]:
        """Procedures with at least one gap, urgent first."""
        procs = [self.procedures[i] for i in self.gaps]
        return sorted(procs, key=lambda p: (PRIORITY_RANK.get(p.priority, 3), p.title.casefold()))


def _absent_days(team: Team, days: list[date], extra: Iterable[str]) -> dict[str, set[date]]:
    workdays = set(days)
    absent: dict[str, set[date]] = {}
    for a in team.absences:
        span = {a.start + timedelta(n) for n in range((a.end - a.start).days + 1)}
        absent.setdefault(a.person, set()).update(span & workdays)
    for person in extra:
        absent[person] = set(workdays)
    return absent


def compute(runbook: Runbook, start: date, end: date, extra_absent: Iterable[str] = ()) -> Coverage:
    """Coverage over [start, end]; `extra_absent` people are away the whole period (what-if)."""
    extra = tuple(dict.fromkeys(extra_absent))
    days = working_days(runbook.team, start, end)
    absent = _absent_days(runbook.team, days, extra)
    everyday = set(days)
    cache: dict[tuple[str, ...], list[date]] = {}
    gaps: dict[str, list[date]] = {}
    for proc in runbook.procedures:
        group = tuple(dict.fromkeys(proc.people))
        if not group:
            continue
        if group not in cache:
            uncovered = everyday
            for person in group:
                uncovered = uncovered & absent.get(person, set())
                if not uncovered:
                    break
            cache[group] = sorted(uncovered)
        if cache[group]:
            gaps[proc.id] = cache[group]
    return Coverage(
        start=start,
        end=end,
        days=days,
        absent=absent,
        gaps=gaps,
        procedures={p.id: p for p in runbook.procedures},
        extra_absent=extra,
    )


@dataclass
class Risk:
    """People whose absence together leaves procedures with nobody at all."""

    people: tuple[str, ...]
    procedures: list[Procedure] = field(default_factory=list)

    @property
    def urgent(self) -> int:
        return sum(1 for p in self.procedures if p.priority == "urgent")


def single_points_of_failure(runbook: Runbook, max_people: int = 2) -> list[Risk]:
    """Each person, and each pair, whose absence alone leaves procedures uncovered.

    A pair is listed only for procedures neither of its members leaves uncovered
    alone. Most urgent first.
    """
    by_group: dict[frozenset[str], list[Procedure]] = {}
    for proc in runbook.procedures:
        group = frozenset(proc.people)
        if group and len(group) <= max_people:
            by_group.setdefault(group, []).append(proc)
    people = sorted(runbook.team.people)
    risks = []
    for size in range(1, max_people + 1):
        for combo in combinations(people, size):
            procs = by_group.get(frozenset(combo), [])
            if procs:
                procs = sorted(procs, key=lambda p: (PRIORITY_RANK.get(p.priority, 3), p.title))
                risks.append(Risk(combo, procs))
    # people missing from team.yml still count (the lint reports them as RB003)
    known = set(people)
    for group, procs in by_group.items():
        if not group <= known:
            risks.append(Risk(tuple(sorted(group)), procs))
    return sorted(risks, key=lambda r: (-r.urgent, len(r.people), -len(r.procedures), r.people))


@dataclass
class Load:
    person: str
    owned: int = 0
    backup: int = 0
    weight: float = 0.0  # owner: priority weight; backup: half of it


def load_of(runbook: Runbook) -> dict[str, Load]:
    """Load per person: procedures owned and backed up, weighted urgent 3, important 2, planned 1.

    An owner carries the full weight of a procedure, a backup half of it.
    """
    loads = {pid: Load(pid) for pid in runbook.team.people}
    for proc in runbook.procedures:
        weight = PRIORITY_WEIGHT.get(proc.priority, 1)
        if proc.owner:
            entry = loads.setdefault(proc.owner, Load(proc.owner))
            entry.owned += 1
            entry.weight += weight
        for person in dict.fromkeys(proc.backup):
            entry = loads.setdefault(person, Load(person))
            entry.backup += 1
            entry.weight += weight / 2
    return loads


def cover_while_away(
    runbook: Runbook, person: str
) -> tuple[list[tuple[Procedure, str]], list[Procedure]]:
    """While `person` is away: who takes each of her procedures, and what nobody does."""
    taken, nobody = [], []
    for proc in runbook.procedures:
        if person not in proc.people:
            continue
        others = [p for p in proc.people if p != person]
        if proc.owner != person and others and others[0] == proc.owner:
            continue  # she is only a backup: the owner still does it
        if others:
            taken.append((proc, others[0]))
        else:
            nobody.append(proc)
    key = lambda item: (PRIORITY_RANK.get(item.priority, 3), item.title.casefold())  # noqa: E731
    return sorted(taken, key=lambda t: key(t[0])), sorted(nobody, key=key)
