"""RB013, coverage gaps: owner and every backup absent on the same working day.

Read from the coverage model (working days: team.yml `workdays` minus
`holidays`; the horizon runs from today for `horizon` days), so the lint, the
gap calendar and `releve coverage` agree. One finding per procedure, at its
backups, naming the first and last gap days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..coverage.model import compute, horizon_end
from ..findings import Finding
from ..model import Runbook
from ..settings import Settings
from .rules import finding


def rb013(runbook: Runbook, today: date, settings: Settings) -> Iterable[Finding]:
    coverage = compute(runbook, today, horizon_end(today, settings.horizon))
    for proc in coverage.gap_procedures():
        gaps = coverage.gaps[proc.id]
        people = tuple(dict.fromkeys(proc.people))
        where = "backup" if "backup" in proc.positions else "owner"
        yield finding(
            "RB013",
            proc.pos_of(where),
            "lint.coverage_gap",
            days=len(gaps),
            first=gaps[0].isoformat(),
            last=gaps[-1].isoformat(),
            people=", ".join(people),
        )
