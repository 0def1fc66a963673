"""The "While you were away" section of a person page: the hand-back of her latest absence.

It reads the same `records.handback.handback` as `releve handback`, with the
same records (none dated after the build day), so the page and the command
list the same items: first what needs a look, then day by day.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from ...model import Person, Runbook
from ...records.handback import handback, latest_return
from ...records.history import History, keeps_records
from ..site_map import Links
from ..templates import render
from .common import common

MAX_DAYS = 3660  # as `releve handback`: a longer absence is not read day by day


def handback_section(runbook: Runbook, person: Person, today: date, lang: str, links: Links,
                     history: History | None = None) -> Markup:  # fmt: skip
    """The hand-back of `person`'s latest absence that has ended before `today`; nothing
    when there is none, or while the runbook keeps no records (every day would read
    "not recorded")."""
    if not keeps_records(runbook):
        return Markup("")
    span = latest_return(runbook, person.id, today)
    if span is None or (span[1] - span[0]).days > MAX_DAYS:
        return Markup("")
    history = history or History.of(runbook, until=today)
    result = handback(runbook, person.id, span[0], span[1], history)
    return Markup(render("pages/handback.md.j2", lang, **common(runbook, links),
                         h=result, person=person, built=today))  # fmt: skip
