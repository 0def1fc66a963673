"""RB013, coverage gaps on due days, and RB017, people who cannot open what a task needs.

Read from the coverage model (working days: team.yml `workdays` minus
`holidays`; the horizon runs from today for `horizon` days), so the lint, the
gap calendar and `releve coverage` agree. One finding per procedure, at its
backups, naming the first and last gap days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ...core.findings import Finding
from ...core.settings import Settings
from ...coverage.compute import compute, horizon_end, needed_audiences
from ...i18n.formats import Span
from ...model import Runbook
from ...model.refs import references
from .content import finding


def rb013(runbook: Runbook, today: date, settings: Settings) -> Iterable[Finding]:
    coverage = compute(runbook, today, horizon_end(today, settings.horizon))
    for proc in coverage.gap_procedures():
        gaps = coverage.gaps[proc.id]
        # Names, in order of call; the dates in words, one day said as one day.
        people = [runbook.team.name_of(p) for p in dict.fromkeys(proc.people)]
        where = "backup" if "backup" in proc.positions else "owner"
        yield finding(
            "RB013",
            proc.pos_of(where),
            "lint.coverage_gap",
            days=len(gaps),
            first=gaps[0],
            period=Span(gaps[0], gaps[-1]),
            people=people,
        )


def rb017(runbook: Runbook, today: date, settings: Settings) -> Iterable[Finding]:
    """An owner or backup who holds no key of the audience of a credential the task needs.

    On a day she does the task she cannot open it: the cover rule passes her over.
    """
    holders = {c.audience: set(c.holders) for c in runbook.credentials.values()}
    for proc in runbook.procedures:
        if not needed_audiences(runbook, proc):
            continue
        for cred_id in dict.fromkeys(c for c, _ in references(proc)):
            cred = runbook.credentials.get(cred_id)
            if cred is None:
                continue  # RB005
            for index, person in enumerate(dict.fromkeys(proc.people)):
                if person in holders.get(cred.audience, ()):
                    continue
                where = proc.pos_of("owner") if index == 0 else proc.pos_of(
                    "backup", proc.backup.index(person))  # fmt: skip
                yield finding("RB017", where, "lint.cannot_open", person=person,
                              credential=cred_id, audience=cred.audience)  # fmt: skip
