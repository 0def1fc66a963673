"""Due days: the working days on which a procedure's schedule makes it due.

A schedule names calendar days; the team decides which days are worked
(team.yml `workdays` minus `holidays`). A named day that is not worked moves
to the previous working day (`non_working_due: before`, the default), to the
next one (`after`), or is dropped (`skip`). Two named days that land on the
same working day make one due day.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..model import Team
from ..model.schedule import Schedule

POLICIES = ("before", "after", "skip")
# A named day moves across at most this many non-working days (a long holiday
# closure); the same margin is read before and after the period so a day
# named just outside it but moved inside it is kept.
MAX_SHIFT = 31


def _moved(day: date, team: Team, policy: str) -> date | None:
    if team.is_workday(day):
        return day
    if policy == "skip":
        return None
    step = timedelta(days=-1 if policy == "before" else 1)
    for _ in range(MAX_SHIFT):
        day += step
        if team.is_workday(day):
            return day
    return None


def due_days(schedule: Schedule, team: Team, start: date, end: date,
             policy: str = "before") -> list[date]:  # fmt: skip
    """Working days in [start, end] on which `schedule` is due; [] for an on-demand one."""
    if schedule.on_demand or end < start:
        return []
    margin = timedelta(days=MAX_SHIFT)
    out: set[date] = set()
    day, last = max(start - margin, date.min + margin), min(end + margin, date.max - margin)
    while day <= last:
        if schedule.matches(day):
            moved = _moved(day, team, policy)
            if moved is not None and start <= moved <= end:
                out.add(moved)
        day += timedelta(days=1)
    return sorted(out)
