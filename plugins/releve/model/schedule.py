"""The `schedule` of a procedure: on which calendar days it is due.

One line, English keywords with French aliases, several forms joined by `;`:

    daily                              every working day
    weekly fri | weekly mon, thu       those weekdays
    every 2 weeks mon from 2026-11-02  every other Monday from that date
    monthly 1 | monthly 7, 14 | monthly last
    monthly first mon | monthly last fri
    quarterly 1                        that day of January, April, July, October
    yearly 12-31                       that date each year
    on demand                          no due days (also: no `schedule` at all)

This module only reads the text into rules and says whether a rule names a
calendar day; moving a due day off a weekend or holiday depends on the team
and the plugin option `non_working_due`, so it lives with coverage
(`coverage/due.py`). A text that cannot be read raises `ScheduleError`, which
the procedure parser turns into RB008 at the line of `schedule`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..core.days import weekday

ORDINALS = {
    "first": 1, "1st": 1, "premier": 1, "premiere": 1, "première": 1, "1er": 1, "1re": 1,
    "second": 2, "2nd": 2, "deuxieme": 2, "deuxième": 2, "2e": 2,
    "third": 3, "3rd": 3, "troisieme": 3, "troisième": 3, "3e": 3,
    "fourth": 4, "4th": 4, "quatrieme": 4, "quatrième": 4, "4e": 4,
    "last": -1, "dernier": -1, "derniere": -1, "dernière": -1,
}  # fmt: skip
LAST = ("last", "dernier", "derniere", "dernière")

# Leading keywords, French aliases included, normalised to the English form.
KEYWORDS = (
    (r"on demand|sur demande|à la demande|a la demande", "on demand"),
    (r"daily|quotidien(?:ne)?|chaque jour|tous les jours", "daily"),
    (r"weekly|hebdomadaire|chaque semaine", "weekly"),
    (r"every|toutes les|tous les", "every"),
    (r"monthly|mensuel(?:le)?|chaque mois", "monthly"),
    (r"quarterly|trimestriel(?:le)?|chaque trimestre", "quarterly"),
    (r"yearly|annually|annuel(?:le)?|chaque année|chaque annee", "yearly"),
)
FORMS = (
    "daily; weekly fri; weekly mon, thu; every 2 weeks mon from 2026-11-02; monthly 1; "
    "monthly 7, 14; monthly last; monthly first mon; monthly last fri; quarterly 1; "
    "yearly 12-31; on demand"
)


class ScheduleError(ValueError):
    """A schedule that cannot be read; `part` is the piece that failed (never a secret)."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def _month_day(year: int, month: int, day: int) -> int:
    """Day `day` of a month, `-1` being the last; 31 in a 30-day month is its last day."""
    last = calendar.monthrange(year, month)[1]
    return last if day == -1 else min(day, last)


@dataclass(frozen=True)
class Rule:
    """One form of a schedule. `matches` says whether a calendar day is named by it."""

    kind: str  # daily | weekly | every | monthly | quarterly | yearly
    weekdays: tuple[int, ...] = ()  # Monday = 0
    days: tuple[int, ...] = ()  # days of the month; -1 = last
    nth: int = 0  # monthly/quarterly "first mon": 1..4, -1 = last; 0 = not used
    interval: int = 1  # every N weeks
    anchor: date | None = None  # every N weeks: from that date
    dates: tuple[tuple[int, int], ...] = ()  # yearly (month, day)

    def matches(self, day: date) -> bool:
        if self.kind == "daily":
            return True
        if self.kind == "weekly":
            return day.weekday() in self.weekdays
        if self.kind == "every":
            assert self.anchor is not None
            if day < self.anchor or day.weekday() not in self.weekdays:
                return False
            weeks = (day.toordinal() - day.weekday() - (self.anchor.toordinal()
                     - self.anchor.weekday())) // 7  # fmt: skip
            return weeks % self.interval == 0
        if self.kind == "quarterly" and day.month % 3 != 1:
            return False
        if self.kind in ("monthly", "quarterly"):
            if self.nth:
                if day.weekday() != self.weekdays[0]:
                    return False
                if self.nth == -1:
                    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
                return (day.day - 1) // 7 + 1 == self.nth
            return any(day.day == _month_day(day.year, day.month, d) for d in self.days)
        if self.kind == "yearly":
            return any(
                day.month == m and day.day == _month_day(day.year, m, d) for m, d in self.dates
            )
        return False


@dataclass(frozen=True)
class Schedule:
    """A procedure's schedule: its rules, none meaning "on demand"."""

    text: str
    rules: tuple[Rule, ...] = ()

    @property
    def on_demand(self) -> bool:
        return not self.rules

    @property
    def daily(self) -> bool:
        return any(r.kind == "daily" for r in self.rules)

    def matches(self, day: date) -> bool:
        return any(rule.matches(day) for rule in self.rules)


ON_DEMAND = Schedule("on demand")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text.strip()) if w and w not in ("and", "et")]


def _weekdays(words: list[str], part: str) -> tuple[int, ...]:
    out = []
    for word in words:
        day = weekday(word)
        if day is None:
            raise ScheduleError(part)
        out.append(day)
    if not out:
        raise ScheduleError(part)
    return tuple(dict.fromkeys(out))


def _month_spec(kind: str, words: list[str], part: str) -> Rule:
    """`7, 14` / `last` / `first mon` / `last fri` after monthly or quarterly."""
    if len(words) == 2 and words[0] in ORDINALS and weekday(words[1]) is not None:
        return Rule(kind, weekdays=(weekday(words[1]),), nth=ORDINALS[words[0]])
    days = []
    for word in words:
        if word in LAST:
            days.append(-1)
        elif word.isdigit() and 1 <= int(word) <= 31:
            days.append(int(word))
        else:
            raise ScheduleError(part)
    if not days:
        raise ScheduleError(part)
    return Rule(kind, days=tuple(dict.fromkeys(days)))


def _yearly(words: list[str], part: str) -> Rule:
    dates = []
    for word in words:
        match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", word)
        if not match:
            raise ScheduleError(part)
        month, day = int(match[1]), int(match[2])
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
            raise ScheduleError(part)  # 2024: a leap year, so 02-29 is accepted
        dates.append((month, day))
    if not dates:
        raise ScheduleError(part)
    return Rule("yearly", dates=tuple(dict.fromkeys(dates)))


def _every(rest: str, part: str) -> Rule:
    match = re.fullmatch(
        r"(\d+)\s+(?:weeks?|semaines?)\s*(.*?)\s+(?:from|starting|depuis|à partir du|a partir du"
        r"|à partir de|a partir de|du|le)\s+(\d{4}-\d{2}-\d{2})",
        rest.strip(),
    )
    if not match:
        raise ScheduleError(part)
    interval = int(match[1])
    try:
        anchor = date.fromisoformat(match[3])
    except ValueError:
        raise ScheduleError(part) from None
    if not 1 <= interval <= 52:
        raise ScheduleError(part)
    words = _words(match[2])
    weekdays = _weekdays(words, part) if words else (anchor.weekday(),)
    return Rule("every", weekdays=weekdays, interval=interval, anchor=anchor)


def _parse_part(part: str) -> Rule | None:
    """One form; None for "on demand"."""
    text = part.strip().lower()
    found = next(
        ((kw, m) for pattern, kw in KEYWORDS if (m := re.match(rf"(?:{pattern})\b", text))), None
    )
    if found is None:
        raise ScheduleError(part.strip())
    keyword, match = found
    rest = text[match.end() :]
    words = _words(rest)
    if keyword == "on demand":
        if words:
            raise ScheduleError(part.strip())
        return None
    if keyword == "daily":
        if words:
            raise ScheduleError(part.strip())
        return Rule("daily")
    if keyword == "weekly":
        return Rule("weekly", weekdays=_weekdays(words, part.strip()))
    if keyword == "every":
        return _every(rest, part.strip())
    if keyword == "yearly":
        return _yearly(words, part.strip())
    return _month_spec(keyword, words, part.strip())


def parse_schedule(text: str) -> Schedule:
    """Read a schedule line; raises `ScheduleError` naming the first piece it cannot read."""
    if len(text) > 500:
        raise ScheduleError(text[:40] + "…")
    rules = []
    for part in text.split(";"):
        if not part.strip():
            continue
        rule = _parse_part(part)
        if rule is not None:
            rules.append(rule)
    return Schedule(text.strip(), tuple(dict.fromkeys(rules)))
