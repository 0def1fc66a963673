"""When a procedure's review and drill are due, and whether that is overdue or soon.

One rule for every view (procedure badges, binders): overdue once the due day
is past, as the lint's RB010 and RB011 say; "soon" within `SOON_DAYS` before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..core.settings import Settings
from ..model import Procedure

SOON_DAYS = 30
OVERDUE, SOON, OK = "overdue", "soon", "ok"


@dataclass(frozen=True)
class Due:
    kind: str  # "review" | "drill"
    last: date | None  # last review or drill; None: never done
    due: date | None  # None: never done, so due now
    state: str  # OVERDUE | SOON | OK


def _state(due: date | None, today: date) -> str:
    if due is None or due < today:
        return OVERDUE
    return SOON if due <= today + timedelta(days=SOON_DAYS) else OK


def review_due(proc: Procedure, today: date, settings: Settings) -> Due:
    every = proc.review_every or settings.review_every
    due = proc.reviewed + timedelta(days=every) if proc.reviewed else None
    return Due("review", proc.reviewed, due, _state(due, today))


def drill_due(proc: Procedure, today: date, settings: Settings) -> Due | None:
    """Drills are due for urgent procedures only (RB011); None for the others."""
    if proc.priority != "urgent":
        return None
    due = proc.last_drill + timedelta(days=settings.drill_every) if proc.last_drill else None
    return Due("drill", proc.last_drill, due, _state(due, today))
