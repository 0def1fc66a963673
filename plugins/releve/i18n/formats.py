"""Dates, numbers, plural forms and sorting in the reader's language, with Babel.

Why Babel: month and weekday names, the order of day and month, decimal commas,
thin spaces between thousands and plural rules (French "1 jour", "0 jour";
English "0 days") are CLDR data, not something to hand-write per language.

Every function takes `lang` as a theme language ("fr", "fr-CA", "en"...) and
maps it to a catalogue we ship (`language_of`), so the site, the binders, the
CLI and the calendar feed format the same date the same way.

Babel has no collation: names and titles sort with `core.order`'s keys (accents
and case ignored, Élodie before Samir; runs of digits as numbers, "jour 7" before
"jour 14"), re-exported here as `name_key` and `natural_key`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, TypeVar

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal

from ..core.order import name_key, natural_key  # noqa: F401 (re-exported: name_key)
from . import language_of

T = TypeVar("T")
EMPTY = "—"

# Named forms of a day. Babel's own widths where they fit; a skeleton (the fields
# wanted, in any order: CLDR puts them in the locale's order) for the others.
DAY_FORMS = ("long", "full", "medium", "short", "weekday", "day", "iso")
_SKELETONS = {"short": "MMMd", "weekday": "MMMEd"}
# A weekday and a day of the month in full words, without the year ("mardi 1er décembre").
_DAY_PATTERNS = {"fr": "EEEE d MMMM", "en": "EEEE, MMMM d"}
_FIRST = re.compile(r"(?<![\d])1(?![\d])")


@cache
def locale(lang: str) -> Locale:
    """The Babel locale of a theme language (only the catalogues we ship)."""
    return Locale.parse(language_of(lang))


def _first_of_month(text: str, value: date, lang: str) -> str:
    """French writes the first day of a month as an ordinal: "1er décembre"."""
    if value.day == 1 and language_of(lang) == "fr":
        return _FIRST.sub("1er", text, count=1)
    return text


def format_day(value: date | None, lang: str, form: str = "long") -> str:
    """A day in words: "1er décembre 2026" / "December 1, 2026" (`form="long"`).

    Forms: long, full ("mardi 1er décembre 2026"), medium ("1er déc. 2026"),
    short ("1er déc."), weekday ("mar. 1er déc."), day ("mardi 1er décembre"),
    iso ("2026-12-01", for machines and file names). None gives "—".
    """
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = value.date()
    if form == "iso":
        return value.isoformat()
    return _format_day(value, lang, form)


@lru_cache(maxsize=16384)  # the same days are written again and again (Babel is slow)
def _format_day(value: date, lang: str, form: str) -> str:
    loc = locale(lang)
    if form in ("long", "full", "medium"):
        text = format_date(value, form, locale=loc)
    elif form in _SKELETONS:
        text = format_skeleton(_SKELETONS[form], value, locale=loc)
    elif form == "day":
        text = format_date(value, _DAY_PATTERNS[language_of(lang)], locale=loc)
    else:
        raise ValueError(f"unknown day form {form!r}; one of {', '.join(DAY_FORMS)}")
    return _first_of_month(text, value, lang)


def format_month(value: date | None, lang: str, form: str = "long") -> str:
    """A month and its year: "décembre 2026" (long), "Décembre 2026" (title, for headings),
    "déc. 2026" (short)."""
    if value is None:
        return EMPTY
    loc = locale(lang)
    if form == "short":
        return format_skeleton("yMMM", value, locale=loc)
    text = format_skeleton("yMMMM", value, locale=loc)
    return text[:1].upper() + text[1:] if form == "title" else text


def format_period(start: date | None, end: date | None, lang: str) -> str:
    """Two days as one span, shared parts said once: "21–24 déc. 2026",
    "21 déc. 2026 – 4 janv. 2027"; one day when they are equal."""
    if start is None or end is None:
        return format_day(start or end, lang, "medium")
    if start == end:
        return format_day(start, lang, "medium")
    return format_interval(start, end, "yMMMd", locale=locale(lang))


@dataclass(frozen=True)
class Span:
    """A message argument for a period: written "21–24 déc. 2026" (`format_period`)."""

    start: date
    end: date


def format_names(names: Iterable[str], lang: str) -> str:
    """Names as one phrase in the reader's language: "Ana and Ben", "Ana, Ben et Chloé"."""
    items = [str(n) for n in names]
    return format_list(items, locale=locale(lang)) if items else EMPTY


def format_number(value: float | int | Decimal | None, lang: str, digits: int | None = None) -> str:
    """A number as the reader writes it: "12,5" and "1 234" in French, "12.5" in English.

    `digits` fixes the decimals shown (rounded); default: as many as the value has.
    """
    if value is None:
        return EMPTY
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=locale(lang))
    return format_decimal(value, locale=locale(lang))


def plural_category(count: float | int, lang: str) -> str:
    """CLDR plural category of `count`: "one", "other" (and "many" for French millions)."""
    return locale(lang).plural_form(abs(count))


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def choose_plural(forms: dict[str, str], count: Any, lang: str) -> str:
    """Pick the text for `count` from a catalogue entry `{one: ..., other: ...}`;
    a category the entry lacks falls back to `other`."""
    if isinstance(count, list | tuple):  # a list of names agrees with how many there are
        count = len(count)
    try:
        category = plural_category(count, lang)
    except (TypeError, ValueError):
        category = "other"
    return forms.get(category) or forms.get("other") or ""


def format_arg(value: Any, lang: str) -> Any:
    """A message argument as the reader reads it: days and periods in words, numbers
    localised, a list of names joined as the language joins them ("Ana and Ben")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return format_day(value, lang)
    if isinstance(value, Span):
        return format_period(value.start, value.end, lang)
    if isinstance(value, list | tuple):
        return format_names(value, lang)
    if isinstance(value, int | float | Decimal):
        return format_number(value, lang)
    return value


# --- sorting ------------------------------------------------------------------
# The keys live in core/order.py, the one order of every view; kept importable from here.


def sorted_by_name(items: Iterable[T], key: Callable[[T], Any] = str) -> list[T]:
    """`items` sorted by the accent-insensitive, natural order of `key(item)`."""
    return sorted(items, key=lambda item: natural_key(key(item)))
