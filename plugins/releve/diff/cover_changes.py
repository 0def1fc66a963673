"""Coverage days lost and gained between two revisions, per procedure and per person.

Both coverages come from `coverage.model.compute` over the same period, and
who does a task on a day from `Coverage.cover` (the one cover rule): this
module only compares their answers. A day "loses cover" when its status gets
worse (ok/covered < no_access < gap) and "regains" it when it gets better.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..core.order import title_key
from ..coverage.compute import Coverage
from ..coverage.cover_rule import COVERED, GAP, NO_ACCESS, OK
from ..model import Procedure
from .compare import ProcedureDiff

RANK = {OK: 0, COVERED: 0, NO_ACCESS: 1, GAP: 2}
PROBLEMS = (GAP, NO_ACCESS)


@dataclass
class ProcCover:
    """One procedure's days that lose or regain cover, by status of the cover rule."""

    proc: Procedure  # the head version (the base one for a removed procedure)
    lost: dict[str, list[date]] = field(default_factory=dict)  # status now -> days
    gained: dict[str, list[date]] = field(default_factory=dict)  # status before -> days
    added: bool = False  # a new procedure: its problem days are all new

    @property
    def lost_days(self) -> list[date]:
        return sorted({d for days in self.lost.values() for d in days})

    @property
    def gained_days(self) -> list[date]:
        return sorted({d for days in self.gained.values() for d in days})


@dataclass
class PersonCover:
    """What the change does for one person over the period, in task-days."""

    person: str
    takes_over: dict[str, int] = field(default_factory=dict)  # procedure id -> more days covering
    hands_back: dict[str, int] = field(default_factory=dict)  # procedure id -> fewer days
    lost: int = 0  # task-days of procedures she owns that lose cover
    gained: int = 0

    def __bool__(self) -> bool:
        return bool(self.takes_over or self.hands_back or self.lost or self.gained)


@dataclass
class CoverDiff:
    procedures: list[ProcCover]
    people: list[PersonCover]

    @property
    def losing(self) -> list[ProcCover]:
        return [p for p in self.procedures if p.lost]

    @property
    def gaining(self) -> list[ProcCover]:
        return [p for p in self.procedures if p.gained]

    def urgent_losing(self) -> list[ProcCover]:
        return [p for p in self.losing if p.proc.priority == "urgent"]


def problems(coverage: Coverage, proc_id: str) -> dict[date, str]:
    """Due days on which a procedure is not done as it should be: gap or no_access."""
    out = {d: NO_ACCESS for d in coverage.no_access.get(proc_id, ())}
    out.update({d: GAP for d in coverage.gaps.get(proc_id, ())})
    return out


def _compare(before: dict[date, str], after: dict[date, str], proc: Procedure) -> ProcCover:
    lost: dict[str, list[date]] = {}
    gained: dict[str, list[date]] = {}
    for day, status in sorted(after.items()):
        if RANK[status] > RANK[before.get(day, OK)]:
            lost.setdefault(status, []).append(day)
    for day, status in sorted(before.items()):
        if RANK[after.get(day, OK)] < RANK[status]:
            gained.setdefault(status, []).append(day)
    return ProcCover(proc, lost, gained)


def _unchanged(old: Procedure, new: Procedure, base: Coverage, head: Coverage) -> bool:
    """Same people, access, due days and absences of those people: the rule answers the same."""
    if old.people != new.people or base.able.get(old.id) != head.able.get(new.id):
        return False
    if base.due.get(old.id) != head.due.get(new.id):
        return False
    return all(base.absent.get(p, set()) == head.absent.get(p, set()) for p in new.people)


def _covering(coverage: Coverage, proc: Procedure) -> set[date]:
    """Due days on which someone other than the owner does the task.

    A no-access day is nobody's: the person present cannot open what the task needs, so
    they do not "take over" (the day is a lost day of the procedure instead).

    Only a day on which one of its people is away can differ from the owner doing it,
    so the rule is asked on those days alone (a few, against every working day).
    """
    touched: set[date] = set()
    for person in proc.people:
        touched |= coverage.absent.get(person, set())
    if not touched:
        return set()
    out = set()
    for day in touched.intersection(coverage.due.get(proc.id, ())):
        cover = coverage.cover(proc, day)
        if cover.by and cover.by != proc.owner and cover.status == COVERED:
            out.add(day)
    return out


def _doers(coverage: Coverage, proc: Procedure, days: set[date]) -> dict[date, str]:
    return {d: coverage.cover(proc, d).by or "" for d in days}


def compare(diff: ProcedureDiff, base: Coverage, head: Coverage) -> CoverDiff:
    """Per procedure: days lost and regained; per person: task-days taken over or handed back."""
    out: list[ProcCover] = []
    people: dict[str, PersonCover] = {}

    def person(pid: str) -> PersonCover:
        return people.setdefault(pid, PersonCover(pid))

    def count_doers(old: Procedure | None, new: Procedure | None) -> None:
        before = _doers(base, old, _covering(base, old)) if old else {}
        after = _doers(head, new, _covering(head, new)) if new else {}
        proc_id = (new or old).id  # type: ignore[union-attr]
        for day, who in after.items():
            if who and before.get(day) != who:
                entry = person(who).takes_over
                entry[proc_id] = entry.get(proc_id, 0) + 1
        for day, who in before.items():
            if who and after.get(day) != who:
                entry = person(who).hands_back
                entry[proc_id] = entry.get(proc_id, 0) + 1

    for pair in diff.pairs:
        if _unchanged(pair.old, pair.new, base, head):
            continue
        change = _compare(problems(base, pair.old.id), problems(head, pair.new.id), pair.new)
        if change.lost or change.gained:
            out.append(change)
        count_doers(pair.old, pair.new)
    for proc in diff.added:
        found = problems(head, proc.id)
        if found:
            out.append(_compare({}, found, proc))
            out[-1].added = True
        count_doers(None, proc)
    for proc in diff.removed:
        count_doers(proc, None)
    for change in out:
        owner = change.proc.owner
        if owner:
            person(owner).lost += sum(len(d) for d in change.lost.values())
            person(owner).gained += sum(len(d) for d in change.gained.values())
    out.sort(key=lambda c: (c.proc.priority != "urgent", -len(c.lost_days), title_key(c.proc)))
    return CoverDiff(out, sorted((p for p in people.values() if p), key=lambda p: p.person))
