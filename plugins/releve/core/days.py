"""Days, in one place: "today", the range of days Relève computes with, adding days,
grouping days into runs, the limits of day options, and weekday names.

"Today" is reproducible: `--today D`, else RELEVE_TODAY, else the real date. Every
view that shows a date run ("21-24 Dec") or reads a weekday name ("lundi") goes
through here, so the team file, schedules, the calendar feed and `releve diff`
agree on what a name or a run of days means.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date, timedelta


class BadDate(ValueError):
    pass


# The days Relève computes with: a horizon or a review interval added to a day near the
# end of the calendar would overflow. The model keeps source dates in the same range.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)

# Limits of the options counted in days: past them a value is a typo, kept to the limit.
MAX_PERIOD = 3_660  # days in one period (horizon, agenda, coverage): ten years is plenty
MAX_INTERVAL = 100_000  # days between reviews, drills or rotations
DAY_LIMITS = {"horizon": MAX_PERIOD, "review_every": MAX_INTERVAL,
              "drill_every": MAX_INTERVAL, "rotate_every": MAX_INTERVAL}  # fmt: skip


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


def add_days(day: date, days: int) -> date:
    """`day` plus `days` (may be negative), kept within FIRST_DAY..LAST_DAY: a review every
    10**9 days is due on the last day, never an overflow."""
    try:
        result = day + timedelta(days=days)
    except OverflowError:  # past date.max (or timedelta's own limit)
        return LAST_DAY if days > 0 else FIRST_DAY
    return min(max(result, FIRST_DAY), LAST_DAY)


Run = tuple[date, date]  # first and last day, both included


def day_runs(days: Iterable[date], calendar: Sequence[date] | None = None) -> list[Run]:
    """Days grouped into runs of consecutive days, as (first, last), in order.

    With a `calendar` (the working days), consecutive means next in the calendar: a gap on
    Friday and Monday is one run, a weekend is not a break; a day outside the calendar
    is a run of its own. Without one, consecutive calendar days.
    """
    index = {d: i for i, d in enumerate(calendar)} if calendar is not None else None
    runs: list[Run] = []
    for day in sorted(set(days)):
        if runs:
            last = runs[-1][1]
            if index is None:
                follows = day.toordinal() == last.toordinal() + 1
            else:
                follows = day in index and last in index and index[day] == index[last] + 1
            if follows:
                runs[-1] = (runs[-1][0], day)
                continue
        runs.append((day, day))
    return runs


def merge_periods(periods: Iterable[Run]) -> list[Run]:
    """Inclusive periods (first, last) merged where they overlap or touch, in order; an
    empty one (last before first) is dropped. Two absences back to back are one absence."""
    out: list[Run] = []
    for first, last in sorted(p for p in periods if p[1] >= p[0]):
        if out and first.toordinal() <= out[-1][1].toordinal() + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


# Weekday names, Monday = 0 as `date.weekday()`: English and French, full and short.
# The team file (`workdays`) and schedules (`weekly lundi`) read the same table.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES: dict[str, int] = {
    name: index
    for index, names in enumerate((
        ("mon", "monday", "lun", "lundi"),
        ("tue", "tuesday", "mar", "mardi"),
        ("wed", "wednesday", "mer", "mercredi"),
        ("thu", "thursday", "jeu", "jeudi"),
        ("fri", "friday", "ven", "vendredi"),
        ("sat", "saturday", "sam", "samedi"),
        ("sun", "sunday", "dim", "dimanche"),
    ))
    for name in names
}  # fmt: skip


def weekday(name: str) -> int | None:
    """The weekday a name means (`Lundi`, `mon.`, `Friday`), or None."""
    return WEEKDAY_NAMES.get(name.strip().lower().rstrip("."))
