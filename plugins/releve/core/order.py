"""The one order of procedures, people and clients, for every view.

Why one module: the service page, the binders, the agenda, the Today JSON, the
coverage matrix and the navigation used to sort with keys of their own (case
folded here, natural there, accents kept elsewhere), so "Relance jour 14" came
before "Relance jour 7" in one view and after it in the next, and Élodie sorted
after Samir in some. Every view now sorts with the keys below.

- Text: accents and case ignored ("Élodie" sorts as "elodie"), each run of
  digits compared as a number ("jour 7" before "jour 14"), the exact text
  breaking ties so the order is stable. Babel has no collation; Unicode
  decomposition with combining marks dropped sorts French and English names as
  a reader expects.
- Procedures: urgent, important, planned (anything else last), then by title,
  then by id.
- People: by display name, then by id. An id missing from team.yml sorts by
  the id itself.
- Clients: by name, then by id.

The core knows no model: procedures, people and clients are read by attribute
(`priority`, `title`, `name`, `id`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Protocol, TypeVar

PRIORITY_RANK = {"urgent": 0, "important": 1, "planned": 2}

_DIGITS = re.compile(r"(\d+)")


class _Ranked(Protocol):
    @property
    def priority(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def id(self) -> str: ...


class _Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def id(self) -> str: ...


P = TypeVar("P", bound=_Ranked)
N = TypeVar("N", bound=_Named)


def name_key(text: Any) -> tuple[str, str]:
    """Sort key for names and titles: accents and case ignored ("Élodie" sorts as "elodie"),
    the exact text breaking ties so the order is stable."""
    raw = str(text or "")
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", raw) if not unicodedata.combining(c)
    ).casefold()
    return folded, raw


def natural_key(text: Any) -> tuple:
    """`name_key`, with each run of digits compared as a number: "jour 7" before "jour 14"."""
    return _natural_key(str(text or ""))


@lru_cache(maxsize=16384)  # titles are sorted again and again: every list, every agenda day
def _natural_key(text: str) -> tuple:
    folded, raw = name_key(text)
    parts = _DIGITS.split(folded)
    return tuple((0, int(p), "") if i % 2 else (1, 0, p) for i, p in enumerate(parts)), raw


def sort_text(text: Any, digits: int = 12) -> str:
    """`natural_key` as one string, for a tool that sorts text (Pagefind's `data-pagefind-sort`):
    accents and case dropped, each run of digits zero-padded, so plain string order is ours."""
    folded, _ = name_key(text)
    return _DIGITS.sub(lambda m: m.group(1).rjust(digits, "0"), folded)


def priority_rank(priority: str | None) -> int:
    """0 for urgent, 1 important, 2 planned, 3 for anything else (a typo is RB008)."""
    return PRIORITY_RANK.get(priority or "", len(PRIORITY_RANK))


def procedure_key(proc: _Ranked) -> tuple:
    """Urgent first, then by title in natural order, accents ignored; the id breaks ties."""
    return priority_rank(proc.priority), natural_key(proc.title), proc.id


def procedure_order(procs: Iterable[P]) -> list[P]:
    return sorted(procs, key=procedure_key)


def title_key(proc: _Ranked) -> tuple:
    """By title alone (natural, accents ignored), for lists where priority says nothing."""
    return natural_key(proc.title), proc.id


def label_key(name: str, ident: str) -> tuple:
    """A display name then its id: the key of people, clients and anything named."""
    return natural_key(name), ident


def person_key(person: _Named) -> tuple:
    """By display name, accents ignored (Élodie among the Es), then by id."""
    return label_key(person.name, person.id)


def people_order(people: Iterable[N]) -> list[N]:
    return sorted(people, key=person_key)


def ids_in_name_order(ids: Iterable[str], name_of: Callable[[str], str]) -> list[str]:
    """Person (or client) ids in the order of their display names (`name_of(id)`)."""
    return sorted(ids, key=lambda ident: label_key(name_of(ident), ident))


def client_key(client: _Named) -> tuple:
    """By name, accents ignored, then by id."""
    return label_key(client.name, client.id)


def client_order(clients: Iterable[N]) -> list[N]:
    return sorted(clients, key=client_key)
