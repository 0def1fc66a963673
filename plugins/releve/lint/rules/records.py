"""Lint rules over the records of tasks done: RB021 (a record that cannot be right) and
RB022 (the first backup of an urgent procedure who never did or rehearsed it)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date

from ...core.findings import Finding
from ...core.settings import Settings
from ...model import Runbook
from ...model.records import RECORD_KEYS
from ...model.types import RECORD_STATUSES
from ...records.history import History, keeps_records
from ...upkeep.deadlines import add_days
from .content import _team_is_broken, _unknown, finding


def _did_you_mean(value: str, known: list[str]) -> str:
    hint = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return hint[0] if hint else ""


def rb021_bad_record(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    """A record naming an unknown procedure or person, a future date, or an unknown status."""
    procedures = sorted(p.id for p in runbook.procedures)
    people = sorted(runbook.team.people)
    check_people = not _team_is_broken(runbook)
    for record in runbook.records:
        if record.procedure not in procedures:
            hint = _did_you_mean(record.procedure, procedures)
            yield finding("RB021", record.pos_of("procedure"),
                          "lint.record_procedure_hint" if hint else "lint.record_procedure",
                          procedure=record.procedure, hint=hint)  # fmt: skip
        if check_people and record.by not in people:
            hint = _did_you_mean(record.by, people)
            yield finding("RB021", record.pos_of("by"),
                          "lint.record_person_hint" if hint else "lint.record_person",
                          person=record.by, hint=hint, team=settings.team_file)  # fmt: skip
        if record.date > today:
            yield finding("RB021", record.pos_of("date"), "lint.record_future",
                          day=record.date, today=today)  # fmt: skip
        if record.status not in RECORD_STATUSES:
            yield finding("RB021", record.pos_of("status"), "lint.record_status",
                          status=record.status, choices=", ".join(RECORD_STATUSES))  # fmt: skip
        for key, pos in record.unknown_keys:
            yield _unknown(pos, key, RECORD_KEYS)


def rb022_backup_never_did_it(runbook: Runbook, today: date, settings: Settings
                              ) -> Iterator[Finding]:  # fmt: skip
    """Warning: the first backup of an urgent procedure has no record (done, partial or
    drill) of it within `drill_every` days. Only once the runbook keeps records."""
    if not keeps_records(runbook):
        return
    history = History.of(runbook, until=today)
    for proc in runbook.procedures:
        if proc.priority != "urgent" or not proc.backup:
            continue
        first = proc.backup[0]
        name = runbook.team.name_of(first)
        last = history.last_by(proc.id, first)
        if last is None:
            yield finding("RB022", proc.pos_of("backup", 0), "lint.backup_never",
                          person=name, every=settings.drill_every)  # fmt: skip
        elif add_days(last.date, settings.drill_every) < today:
            yield finding("RB022", proc.pos_of("backup", 0), "lint.backup_stale",
                          person=name, last=last.date,
                          every=settings.drill_every)  # fmt: skip
