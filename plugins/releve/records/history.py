"""The records of a runbook, indexed once: by procedure, by day, by person.

Every view that shows what was done (the procedure header, the Today page,
the agenda JSON, the hand-back, the coverage matrix's "last did it" and the
drill rule RB011/RB022) reads it from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..model import Record, Runbook
from ..model.types import RECORD_STATUSES
from .writing import name_suffix

DONE, PARTIAL, SKIPPED, DRILL = RECORD_STATUSES
# What counts as having done a task (for "last done" and for a backup's practice).
DID_IT = (DONE, PARTIAL, DRILL)


def written_order(record: Record) -> tuple:
    """Records of a day in the order they were written: `-2` after the plain name, `-10`
    after `-9` (file names alone sort `-2` first); other names by path, after those."""
    n = name_suffix(record.path, record.procedure, record.date, record.by)
    folder = record.path.rsplit("/", 1)[0]
    return (record.date, n == 0, folder, record.procedure, record.by, n, record.path)


def keeps_records(runbook: Runbook) -> bool:
    """Option `records` (true | false | auto): auto means once any record exists.

    Only then is a past due day with no record "not recorded", and RB022 applies.
    """
    option = getattr(runbook.config, "records", "auto")
    if option == "auto":
        return bool(runbook.records)
    return bool(option)


@dataclass
class History:
    """The runbook's valid records, newest last, indexed for the views."""

    records: list[Record]
    _by_proc: dict[str, list[Record]] = field(default_factory=dict, repr=False)
    _by_day: dict[tuple[str, date], list[Record]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, runbook: Runbook, until: date | None = None) -> History:
        """Records naming a known procedure and status (RB021 reports the others), and
        none dated after `until` (a future record is RB021 too)."""
        known = {p.id for p in runbook.procedures}
        kept = [
            r for r in runbook.records
            if r.procedure in known and r.status in RECORD_STATUSES
            and (until is None or r.date <= until)
        ]  # fmt: skip
        return cls(kept)

    def __post_init__(self) -> None:
        for record in sorted(self.records, key=written_order):
            self._by_proc.setdefault(record.procedure, []).append(record)
            self._by_day.setdefault((record.procedure, record.date), []).append(record)

    def of_procedure(self, proc_id: str) -> list[Record]:
        """Oldest first."""
        return self._by_proc.get(proc_id, [])

    def recent(self, proc_id: str, count: int = 10) -> list[Record]:
        """The `count` latest records of a procedure, newest first."""
        return list(reversed(self.of_procedure(proc_id)[-count:]))

    def on(self, proc_id: str, day: date) -> list[Record]:
        return self._by_day.get((proc_id, day), [])

    def record_for(self, proc_id: str, day: date) -> Record | None:
        """The record that says how the task went that day: the last one written."""
        found = self.on(proc_id, day)
        return found[-1] if found else None

    def last_done(self, proc_id: str) -> Record | None:
        """The latest record in which someone did the task (done, partial or drill)."""
        return next((r for r in reversed(self.of_procedure(proc_id)) if r.status in DID_IT), None)

    def last_by(self, proc_id: str, person: str, statuses: Iterable[str] = DID_IT) -> Record | None:
        """The latest record of `person` doing (or rehearsing) the task."""
        wanted = set(statuses)
        return next(
            (r for r in reversed(self.of_procedure(proc_id)) if r.by == person
             and r.status in wanted),
            None,
        )  # fmt: skip

    def last_drill_by(self, proc_id: str, people: Iterable[str]) -> Record | None:
        """The latest `drill` record by one of `people` (the backups)."""
        names = set(people)
        return next(
            (r for r in reversed(self.of_procedure(proc_id))
             if r.status == DRILL and r.by in names),
            None,
        )  # fmt: skip
