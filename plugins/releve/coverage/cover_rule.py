"""The cover rule: who does a procedure on a day. Decided here, and only here.

Every view (person and client pages, the binder, the agenda, the Today page,
the calendar feed, RB013, the CLI) asks `decide` through `Coverage.cover`,
so no two views can name different people for the same task on the same day.

- `ok`: the owner is present and can open every credential the task needs;
- `covered`: else the first present backup, in order of call, who can;
- `no_access`: people are present, but none can open a needed credential
  (`by` is the first of them: she can still call a holder);
- `gap`: owner and every backup are away.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

OK, COVERED, NO_ACCESS, GAP = "ok", "covered", "no_access", "gap"
STATUSES = (OK, COVERED, NO_ACCESS, GAP)


@dataclass(frozen=True)
class Cover:
    """Who does a task on a day (`by`), for whom when not the owner, and how."""

    by: str | None
    covering_for: str | None
    status: str


def decide(people: Sequence[str], absent: Container[str], able: Container[str]) -> Cover:
    """The cover rule, over a procedure's owner then backups in order of call.

    `absent`: who is away that day; `able`: who can open every credential the
    procedure needs (everyone, for a procedure without credentials).
    """
    owner = people[0] if people else None
    present = [p for p in people if p not in absent]
    if not present:
        return Cover(None, None, GAP)
    doer = next((p for p in present if p in able), None)
    if doer is None:
        first = present[0]
        return Cover(first, owner if first != owner else None, NO_ACCESS)
    if doer == owner:
        return Cover(doer, None, OK)
    return Cover(doer, owner, COVERED)
