""" "Today", reproducibly: `--today D`, else RELEVE_TODAY, else the real date."""

from __future__ import annotations

import os
from datetime import date


class BadDate(ValueError):
    pass


# The days Relève computes with: a horizon or a review interval added to a day near the
# end of the calendar would overflow. (The model keeps source dates in the same range.)
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def parse_day(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(text) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadDate(text)
    return day


def today(explicit: str | None = None) -> date:
    value = explicit or os.environ.get("RELEVE_TODAY")
    return parse_day(value) if value else date.today()
