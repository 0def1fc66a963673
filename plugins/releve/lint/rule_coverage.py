"""RB013, coverage gaps: owner and every backup absent on the same working day.

Kept simple and self-contained: a working day is one of team.yml's `workdays`
that is not a holiday; the horizon runs from today for `horizon` days. One
finding per procedure, at its backups, naming the first and last gap days.
This function may later read the coverage model instead; its signature stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ..findings import Finding
from ..model import Runbook, Team
from ..settings import Settings
from .rules import finding


def working_days(team: Team, start: date, days: int) -> list[date]:
    return [d for d in (start + timedelta(n) for n in range(max(days, 0))) if team.is_workday(d)]


def gap_days(team: Team, people: tuple[str, ...], days: list[date]) -> list[date]:
    """Working days on which every one of `people` is absent."""
    spans = {p: [(a.start, a.end) for a in team.absences_of(p)] for p in people}
    if any(not s for s in spans.values()):
        return []  # someone is never absent
    return [d for d in days if all(any(s <= d <= e for s, e in spans[p]) for p in people)]


def rb013(runbook: Runbook, today: date, settings: Settings) -> Iterable[Finding]:
    team = runbook.team
    days = working_days(team, today, settings.horizon)
    cache: dict[tuple[str, ...], list[date]] = {}
    for proc in runbook.procedures:
        people = tuple(dict.fromkeys(proc.people))
        if not people:
            continue
        if people not in cache:
            cache[people] = gap_days(team, people, days)
        gaps = cache[people]
        if gaps:
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
