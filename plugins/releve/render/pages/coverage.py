"""Coverage pages: the matrix, the gap calendar, single points of failure, and sections.

The adapter computes one `Coverage` per build (today to today + horizon) and
passes it here; nothing in this module reads files or knows about MkDocs.
"""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup

from ...core.order import procedure_order
from ...coverage.agenda import absence_plan, day_of, relay
from ...coverage.compute import (
    Coverage,
    coverage_over,
    covering,
    load_of,
    single_points_of_failure,
)
from ...coverage.relay import relay_items
from ...model import Client, Person, Runbook
from ...records.history import History, keeps_records
from ..site_map import Links
from ..templates import render
from .common import common

MATRIX = "coverage/index.md"
GAPS = "coverage/gaps.md"
RISKS = "coverage/risks.md"
ICS = "calendar.ics"
PAGES = (MATRIX, GAPS, RISKS)
WEEK_DAYS = 7  # a client page shows what is due in the coming seven days
MAX_PLAN_DAYS = 366  # a plan longer than a year is not read day by day


def _months(coverage: Coverage) -> list[tuple[date, list[tuple[date, list, list]]]]:
    """Gap and no-access days grouped by month (first day of the month as the key)."""
    gaps, blocked = coverage.gaps_by_day(), coverage.no_access_by_day()
    months: dict[date, list[tuple[date, list, list]]] = {}
    for day in sorted(set(gaps) | set(blocked)):
        months.setdefault(day.replace(day=1), []).append(
            (day, gaps.get(day, []), blocked.get(day, []))
        )
    return list(months.items())


def coverage_pages(runbook: Runbook, coverage: Coverage, lang: str, url_of,
                   history: History | None = None) -> dict[str, str]:  # fmt: skip
    """The matrix (with when each backup last did each task), the gap calendar, the risks."""
    history = history or History.of(runbook, until=coverage.start)
    people = runbook.team.in_order()
    loads = load_of(runbook)

    def context(uri: str) -> dict:  # not a local `common`: it would shadow the import
        return {**common(runbook, Links(url_of, uri)), "coverage": coverage}

    return {
        MATRIX: render(
            "coverage/matrix.md.j2",
            lang,
            **context(MATRIX),
            people=people,
            services=runbook.services,
            loads=loads,
            last_by=history.last_by,
            records_on=keeps_records(runbook),
        ),
        GAPS: render("coverage/gaps.md.j2", lang, **context(GAPS), months=_months(coverage)),
        RISKS: render(
            "coverage/risks.md.j2",
            lang,
            **context(RISKS),
            risks=single_points_of_failure(runbook),
            people=people,
            loads=loads,
        ),
    }


def person_section(runbook: Runbook, coverage: Coverage, person: Person, lang: str,
                   links: Links, known: Coverage | None = None) -> Markup:  # fmt: skip
    """ "While X is away": per coming absence, the dated tasks and who does each (and whom
    to call when nobody able can); then the other days nobody can do one of X's tasks.

    `known`: a coverage over a longer period than `coverage`, read instead of computing
    an absence that reaches past the horizon."""
    plans = []
    periods = []
    for absence in sorted(runbook.team.absences_of(person.id), key=lambda a: a.start):
        if absence.end < coverage.start:
            continue
        start = max(absence.start, coverage.start)
        periods.append((absence, start, min(absence.end, start + timedelta(days=MAX_PLAN_DAYS))))
    far = covering(runbook, [(s, e) for _, s, e in periods], known or coverage)  # once, not each
    for absence, start, end in periods:
        days, on_call = absence_plan(
            runbook, person.id, start, end,
            coverage_over(runbook, start, end, known or coverage, far),
        )  # fmt: skip
        plans.append((absence, days, on_call))
    mine = [p for p in runbook.procedures if person.id in p.people]
    relayed = relay_items(runbook, coverage, mine, unless_away=person.id)
    return Markup(
        render("coverage/person.md.j2", lang, **common(runbook, links), person=person,
               plans=plans, relayed=relayed, coverage=coverage)
    )  # fmt: skip


def client_section(runbook: Runbook, coverage: Coverage, client: Client, lang: str,
                   links: Links) -> Markup:  # fmt: skip
    procs = procedure_order(runbook.procedures_of_client(client.id))
    week = [coverage.start + timedelta(days=n) for n in range(WEEK_DAYS)]
    days = [relay(day_of(coverage, d, procs), runbook, coverage)
            for d in week if d in coverage.away or d in coverage.days]  # fmt: skip
    days = [d for d in days if d.tasks or d.on_call]
    return Markup(
        render(
            "coverage/client.html.j2",
            lang,
            **common(runbook, links),
            client=client,
            procedures=procs,
            coverage=coverage,
            week=days,
            relayed=relay_items(runbook, coverage, procs),
        )
    )
