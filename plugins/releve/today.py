""" "Today", reproducibly: `--today D`, else RELEVE_TODAY, else the real date."""

from __future__ import annotations

import os
from datetime import date


class BadDate(ValueError):
    pass


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(text) from None


def today(explicit: str | None = None) -> date:
    value = explicit or os.environ.get("RELEVE_TODAY")
    return parse_day(value) if value else date.today()
