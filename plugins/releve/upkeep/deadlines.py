"""When a review, a drill or a credential rotation is due, and whether it is overdue.

The one home of the rule, for every view: the lint (RB010, RB011, RB018),
`releve vault audit`, the procedure badges, the binders' open items and the
calendar feed all ask here, so they cannot disagree on the day something falls due.

One boundary: a deadline is overdue once its due day is past (`due < today`).
On the due day itself it is due today, "soon", not yet overdue; this is what
"reviewed more than 180 days ago" means. Never done (no date): overdue now.
"Soon" is within `SOON_DAYS` before the due day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ..core.days import add_days
from ..core.settings import Settings
from ..model import Procedure

SOON_DAYS = 30
OVERDUE, SOON, OK = "overdue", "soon", "ok"
REVIEW, DRILL, ROTATION = "review", "drill", "rotation"


@dataclass(frozen=True)
class Due:
    kind: str  # REVIEW | DRILL | ROTATION
    last: date | None  # last review, drill or rotation; None: never done
    every: int  # days between two
    due: date | None  # None: never done, so due now
    state: str  # OVERDUE | SOON | OK

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    def day(self, today: date) -> date:
        """The day it is due, as a calendar shows it: never done means today."""
        return self.due or today


class Rotating(Protocol):
    """What rotation needs of a credential: its `rotated` date and own interval, if any."""

    @property
    def rotated(self) -> date | None: ...
    @property
    def rotate_every(self) -> int | None: ...


def is_overdue(due: date | None, today: date) -> bool:
    """THE boundary: overdue once the due day is past; never done (None) is overdue."""
    return due is None or due < today


def state_of(due: date | None, today: date) -> str:
    if is_overdue(due, today):
        return OVERDUE
    assert due is not None
    return SOON if due <= add_days(today, SOON_DAYS) else OK


def deadline(kind: str, last: date | None, every: int, today: date) -> Due:
    """A deadline `every` days after `last`, and its state on `today`."""
    due = add_days(last, every) if last is not None else None
    return Due(kind, last, every, due, state_of(due, today))


def review_every(proc: Procedure, settings: Settings) -> int:
    """The procedure's own `review_every`, else the runbook's."""
    return proc.review_every or settings.review_every


def review_due(proc: Procedure, today: date, settings: Settings) -> Due:
    return deadline(REVIEW, proc.reviewed, review_every(proc, settings), today)


def needs_drill(proc: Procedure) -> bool:
    """Drills are for urgent procedures only (RB011)."""
    return proc.priority == "urgent"


def last_drill(proc: Procedure) -> date | None:
    """The day of the procedure's last drill: the later of its `last_drill` front-matter and
    its latest `drill` record by a backup (`releve done --status drill`)."""
    days = [d for d in (proc.last_drill, proc.drilled) if d is not None]
    return max(days) if days else None


def drill_due(proc: Procedure, today: date, settings: Settings) -> Due | None:
    """The drill deadline of an urgent procedure; None for the others."""
    if not needs_drill(proc):
        return None
    return deadline(DRILL, last_drill(proc), settings.drill_every, today)


def rotation_every(credential: Rotating, settings: Settings) -> int:
    """The credential's own `rotate_every` (vault.yml), else the runbook's."""
    return credential.rotate_every or settings.rotate_every


def rotation_due(credential: Rotating, today: date, settings: Settings) -> Due:
    """When a sealed credential's value is due for a change (RB018, `releve vault audit`)."""
    return deadline(ROTATION, credential.rotated, rotation_every(credential, settings), today)


def overdue_items(
    procs: list[Procedure], today: date, settings: Settings
) -> list[tuple[Procedure, Due]]:
    """Every overdue review and drill of `procs`, in the order of `procs` (binders' open items)."""
    out: list[tuple[Procedure, Due]] = []
    for proc in procs:
        for due in (review_due(proc, today, settings), drill_due(proc, today, settings)):
            if due is not None and due.overdue:
                out.append((proc, due))
    return out
