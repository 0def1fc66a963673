"""The coverage model, computed from the runbook model.

A procedure is due on the working days its schedule names (every working day
for an on-demand procedure: it may come any day). On each due day the cover
rule (`rule.py`) says who does it. Per-person absent days are computed once
as sets; for each distinct (people, access, schedule) the rule is asked once
for a day with nobody away and then only on the due days on which one of
those people is away, so 2,000 procedures over a year cost little.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from ..core.days import add_days
from ..core.order import label_key, procedure_order
from ..model import Absence, Procedure, Runbook, Team
from ..model.refs import references
from ..model.schedule import Schedule
from .cover_rule import GAP, NO_ACCESS, Cover, decide
from .due_days import due_days

PRIORITY_WEIGHT = {"urgent": 3, "important": 2, "planned": 1}
NOBODY: frozenset[str] = frozenset()


def working_days(team: Team, start: date, end: date) -> list[date]:
    """Working days from `start` to `end`, both included."""
    count = (end - start).days + 1
    return [d for d in (start + timedelta(n) for n in range(max(count, 0))) if team.is_workday(d)]


def horizon_end(start: date, horizon: int) -> date:
    """Last day of a horizon of `horizon` days starting on (and counting) `start`."""
    return add_days(start, max(horizon, 1) - 1)


def needed_audiences(runbook: Runbook, proc: Procedure) -> frozenset[str]:
    """Audiences whose key a procedure needs: those of the credentials it names.

    A credential missing from the vault is RB005; it cannot be checked here.
    """
    creds = runbook.credentials
    return frozenset(creds[c].audience for c, _ in references(proc) if c in creds)


def able_people(runbook: Runbook, proc: Procedure) -> frozenset[str]:
    """Owner and backups who can open every credential the procedure needs.

    Read from the vault's clear metadata (`Runbook.holders`, the vault's rule), no passphrase.
    """
    audiences = needed_audiences(runbook, proc)
    if not audiences:
        return frozenset(proc.people)
    holders = {a: set(runbook.holders(a)) for a in audiences}
    return frozenset(p for p in proc.people if all(p in holders[a] for a in audiences))


@dataclass
class Coverage:
    start: date
    end: date
    days: list[date]  # working days of the period
    absent: dict[str, set[date]]  # person -> absent working days in the period
    due: dict[str, list[date]]  # procedure id -> due days in the period
    gaps: dict[str, list[date]]  # procedure id -> due days nobody covers (only non-empty)
    no_access: dict[str, list[date]]  # procedure id -> due days only people without access
    procedures: dict[str, Procedure]
    able: dict[str, frozenset[str]]  # procedure id -> people who can open what it needs
    extra_absent: tuple[str, ...] = ()
    away: dict[date, frozenset[str]] = field(default_factory=dict)  # day -> people away

    def between(self, start: date, end: date) -> Coverage:
        """The same coverage over [start, end], a part of this period: what a view over a
        shorter period reads, without asking the cover rule again (the due days and
        statuses of a day do not depend on the period around it)."""
        if start < self.start or end > self.end:
            raise ValueError("between: the period must lie inside the computed one")

        def inside(days):  # sorted lists: two bisections, not a pass over the whole period
            return days[bisect_left(days, start) : bisect_right(days, end)]

        def kept(by_proc: dict[str, list[date]]) -> dict[str, list[date]]:
            out = {pid: inside(days) for pid, days in by_proc.items()}
            return {pid: days for pid, days in out.items() if days}

        return Coverage(
            start=start,
            end=end,
            days=inside(self.days),
            absent={p: {d for d in days if start <= d <= end} for p, days in self.absent.items()},
            due={pid: inside(days) for pid, days in self.due.items()},
            gaps=kept(self.gaps),
            no_access=kept(self.no_access),
            procedures=self.procedures,
            able=self.able,
            extra_absent=self.extra_absent,
            away={d: who for d, who in self.away.items() if start <= d <= end},
        )

    def absent_on(self, day: date) -> frozenset[str]:
        return self.away.get(day, NOBODY)

    def cover(self, proc: Procedure, day: date) -> Cover:
        """Who does `proc` on `day`: the one cover rule, with this period's absences."""
        return decide(list(dict.fromkeys(proc.people)), self.absent_on(day),
                      self.able.get(proc.id, NOBODY))  # fmt: skip

    def who_covers(self, proc: Procedure, day: date) -> str | None:
        return self.cover(proc, day).by

    def is_due(self, proc: Procedure, day: date) -> bool:
        sets = self.__dict__.setdefault("_due_sets", {})
        if proc.id not in sets:
            sets[proc.id] = frozenset(self.due.get(proc.id, ()))
        return day in sets[proc.id]

    def due_on(self, day: date) -> list[Procedure]:
        """Procedures due on `day` (on-demand ones: every working day), from a lazy index."""
        index = self.__dict__.get("_due_index")
        if index is None:
            index = {}
            for proc_id, days in self.due.items():
                for due_day in days:
                    index.setdefault(due_day, []).append(self.procedures[proc_id])
            self.__dict__["_due_index"] = index
        return index.get(day, [])

    def covered(self, proc: Procedure, day: date) -> bool:
        return self.cover(proc, day).status != GAP

    def gaps_by_day(self) -> dict[date, list[Procedure]]:
        return _by_day(self.gaps, self.procedures)

    def no_access_by_day(self) -> dict[date, list[Procedure]]:
        return _by_day(self.no_access, self.procedures)

    def gap_procedures(self) -> list[Procedure]:
        """Procedures with at least one gap, urgent first."""
        return _ranked(self.procedures[i] for i in self.gaps)

    def no_access_procedures(self) -> list[Procedure]:
        return _ranked(self.procedures[i] for i in self.no_access)


def _ranked(procs: Iterable[Procedure]) -> list[Procedure]:
    return procedure_order(procs)


def _by_day(days_of: dict[str, list[date]], procedures: dict[str, Procedure]):
    out: dict[date, list[Procedure]] = {}
    for proc_id, days in days_of.items():
        for day in days:
            out.setdefault(day, []).append(procedures[proc_id])
    return {day: _ranked(procs) for day, procs in sorted(out.items())}


SHORT_ABSENCE = 366  # days: absences up to this long are found by bisection


@dataclass(frozen=True)
class AbsenceIndex:
    """The team's absences sorted by start, to find those overlapping a period without
    reading them all: a build asks for each absence's own period (the calendar feed,
    person pages), and 10,000 absences must not cost 10,000 x 10,000 comparisons."""

    count: int
    starts: list[date]
    short: list[Absence]  # by start, each at most SHORT_ABSENCE days long
    long: list[Absence]  # the rare longer ones, read whole

    @classmethod
    def of(cls, team: Team) -> AbsenceIndex:
        """The index of `team`, built once and kept with it while its absences are unchanged."""
        cached = team.__dict__.get("_absence_index")
        if cached is not None and cached.count == len(team.absences):
            return cached
        short = sorted((a for a in team.absences if (a.end - a.start).days < SHORT_ABSENCE),
                       key=lambda a: a.start)  # fmt: skip
        long = [a for a in team.absences if (a.end - a.start).days >= SHORT_ABSENCE]
        index = cls(len(team.absences), [a.start for a in short], short, long)
        team.__dict__["_absence_index"] = index
        return index

    def overlapping(self, first: date, last: date) -> list[Absence]:
        low = bisect_left(self.starts, first - timedelta(days=SHORT_ABSENCE))
        high = bisect_right(self.starts, last)
        found = [a for a in self.short[low:high] if a.end >= first]
        return found + [a for a in self.long if a.start <= last and a.end >= first]


def _absent_days(team: Team, days: list[date], extra: Iterable[str]) -> dict[str, set[date]]:
    if not days:
        return {person: set() for person in extra}
    workdays = set(days)
    absent: dict[str, set[date]] = {}
    for a in AbsenceIndex.of(team).overlapping(days[0], days[-1]):
        first, last = max(a.start, days[0]), min(a.end, days[-1])
        span = {first + timedelta(n) for n in range((last - first).days + 1)}
        absent.setdefault(a.person, set()).update(span & workdays)
    for person in extra:
        absent[person] = set(workdays)
    return absent


def _away(absent: dict[str, set[date]]) -> dict[date, frozenset[str]]:
    by_day: dict[date, set[str]] = {}
    for person, days in absent.items():
        for day in days:
            by_day.setdefault(day, set()).add(person)
    return {day: frozenset(people) for day, people in by_day.items()}


def compute(runbook: Runbook, start: date, end: date, extra_absent: Iterable[str] = (),
            policy: str | None = None) -> Coverage:  # fmt: skip
    """Coverage over [start, end]; `extra_absent` people are away the whole period (what-if).

    `policy` moves due days off non-working days (`non_working_due`); default from settings.
    """
    if policy is None:
        policy = getattr(runbook.config, "non_working_due", "before")
    extra = tuple(dict.fromkeys(extra_absent))
    team = runbook.team
    days = working_days(team, start, end)
    absent = _absent_days(team, days, extra)
    away = _away(absent)
    schedules: dict[Schedule, list[date]] = {}
    cache: dict[tuple, tuple[list[date], list[date]]] = {}
    due: dict[str, list[date]] = {}
    gaps: dict[str, list[date]] = {}
    no_access: dict[str, list[date]] = {}
    able: dict[str, frozenset[str]] = {}
    for proc in runbook.procedures:
        group = tuple(dict.fromkeys(proc.people))
        able[proc.id] = can = able_people(runbook, proc)
        if proc.schedule not in schedules:
            schedules[proc.schedule] = (
                days if proc.schedule.on_demand
                else due_days(proc.schedule, team, start, end, policy)
            )  # fmt: skip
        due[proc.id] = proc_due = schedules[proc.schedule]
        if not group:
            continue  # no owner at all: RB006 says so, a gap on every day would only repeat it
        key = (group, can, proc.schedule)
        if key not in cache:
            cache[key] = _statuses(group, can, proc_due, absent, away)
        proc_gaps, proc_no_access = cache[key]
        if proc_gaps:
            gaps[proc.id] = proc_gaps
        if proc_no_access:
            no_access[proc.id] = proc_no_access
    return Coverage(
        start=start,
        end=end,
        days=days,
        absent=absent,
        due=due,
        gaps=gaps,
        no_access=no_access,
        procedures={p.id: p for p in runbook.procedures},
        able=able,
        extra_absent=extra,
        away=away,
    )


MAX_SPAN = 3660  # days one coverage may span to answer many periods at once


def coverage_over(runbook: Runbook, start: date, end: date,
                  *known: Coverage | None) -> Coverage:  # fmt: skip
    """Coverage over [start, end]: a slice of the first of `known` that spans the period
    (no work), else computed. Views over an absence or a week ask this, so a build
    computes once."""
    for cover in known:
        spans = cover is not None and cover.start <= start and end <= cover.end
        if spans and not cover.extra_absent:
            return cover.between(start, end)
    return compute(runbook, start, end)


def covering(runbook: Runbook, periods: Iterable[tuple[date, date]],
             known: Coverage | None) -> Coverage | None:  # fmt: skip
    """One coverage over every period `known` does not span (each absence of a feed), when
    together they fit in MAX_SPAN days; None when there is nothing to add or too much."""
    outside = [(a, b) for a, b in periods
               if known is None or not (known.start <= a <= b <= known.end)]  # fmt: skip
    if not outside:
        return None
    first, last = min(a for a, _ in outside), max(b for _, b in outside)
    if (last - first).days + 1 > MAX_SPAN:
        return None
    return compute(runbook, first, last)


def _statuses(group: tuple[str, ...], able: frozenset[str], due: list[date],
              absent: dict[str, set[date]], away: dict[date, frozenset[str]]
              ) -> tuple[list[date], list[date]]:  # fmt: skip
    """Gap and no-access days of one (people, access, schedule), asking the cover rule.

    On a day none of `group` is away the answer is the same as on any such day,
    so the rule is asked once for those, and once per day someone of `group` is away.
    """
    usual = decide(group, NOBODY, able).status
    touched: set[date] = set()
    for person in group:
        touched |= absent.get(person, set())
    gaps, no_access = [], []
    for day in due:
        status = decide(group, away[day], able).status if day in touched else usual
        if status == GAP:
            gaps.append(day)
        elif status == NO_ACCESS:
            no_access.append(day)
    return gaps, no_access


@dataclass
class Risk:
    """People whose absence together leaves procedures with nobody at all."""

    people: tuple[str, ...]  # ids sorted by id: the same risk in two revisions (diff);
    # views name them in people order (Team.ids_in_order)
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
                risks.append(Risk(combo, procedure_order(procs)))
    # people missing from team.yml still count (the lint reports them as RB003)
    known = set(people)
    for group, procs in by_group.items():
        if not group <= known:
            risks.append(Risk(tuple(sorted(group)), procedure_order(procs)))
    team = runbook.team

    def by_names(risk: Risk) -> list[tuple]:
        return [label_key(team.name_of(p), p) for p in team.ids_in_order(risk.people)]

    return sorted(risks, key=lambda r: (-r.urgent, len(r.people), -len(r.procedures), by_names(r)))


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
