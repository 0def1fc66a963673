"""Page content for the runbook site: generated pages and the header cards.

Each function takes the model (and "today") and returns Markdown or HTML
rendered from a template; the MkDocs adapter decides where it goes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from ...core.findings import ERROR, Finding
from ...core.order import client_order, procedure_order
from ...core.settings import Settings
from ...coverage.compute import Coverage
from ...model import Client, Person, Procedure, Runbook
from ...upkeep.deadlines import drill_due, review_due
from ..site_map import (
    CLIENTS_INDEX,
    HOME,
    PEOPLE_INDEX,
    SERVICES_INDEX,
    Links,
    person_uri,
    service_uri,
)
from ..templates import render
from .common import common
from .coverage import PAGES as COVERAGE_PAGES
from .coverage import client_section, coverage_pages, person_section
from .today import MAINTAINERS_PAGE, TODAY_PAGE, maintainers_page, today_page, today_widget


@dataclass
class PersonView:
    person: Person
    owned: list[Procedure]
    backs_up: list[Procedure]
    absences: list
    absent_today: bool


def person_view(runbook: Runbook, person: Person, today: date) -> PersonView:
    absences = sorted(runbook.team.absences_of(person.id), key=lambda a: a.start)
    return PersonView(
        person=person,
        owned=procedure_order(runbook.owned_by(person.id)),
        backs_up=procedure_order(runbook.backed_up_by(person.id)),
        absences=[a for a in absences if a.end >= today],
        absent_today=any(a.covers(today) for a in absences),
    )


def home_page(
    runbook: Runbook,
    today: date,
    lang: str,
    links: Links,
    findings: list[Finding],
    coverage: Coverage | None = None,
) -> str:
    soon = today + timedelta(days=30)
    upcoming = sorted(
        (a for a in runbook.team.absences if a.end >= today and a.start <= soon),
        key=lambda a: a.start,
    )
    return render(
        "pages/home.md.j2",
        lang,
        **common(runbook, links),
        today=today,
        services=runbook.services,
        people=[person_view(runbook, p, today) for p in runbook.team.in_order()],
        clients=client_order(runbook.clients.values()),
        upcoming=upcoming,
        errors=[f for f in findings if f.severity == ERROR],
        warnings=[f for f in findings if f.severity != ERROR],
        coverage=coverage,
        gap_days=len(coverage.gaps_by_day()) if coverage else 0,
        widget=today_widget(links, lang, today, "summary"),
    )


def index_page(runbook: Runbook, uri: str, today: date, lang: str, links: Links) -> str:
    """The landing page of the Services, People or Clients section of the navigation."""
    template = {
        SERVICES_INDEX: "pages/services_index.md.j2",
        PEOPLE_INDEX: "pages/people_index.md.j2",
        CLIENTS_INDEX: "pages/clients_index.md.j2",
    }[uri]
    return render(
        template,
        lang,
        **common(runbook, links),
        services=runbook.services,
        people=[person_view(runbook, p, today) for p in runbook.team.in_order()],
        clients=client_order(runbook.clients.values()),
    )


def service_page(runbook: Runbook, service: str, lang: str, links: Links) -> str:
    return render(
        "pages/service.md.j2",
        lang,
        **common(runbook, links),
        service=service,
        procedures=procedure_order(runbook.services.get(service, [])),
    )


def person_page(
    runbook: Runbook, person: Person, today: date, lang: str, links: Links, extra_sections=()
) -> str:
    return render(
        "pages/person.md.j2",
        lang,
        **common(runbook, links),
        view=person_view(runbook, person, today),
        today=today,
        extra_sections=list(extra_sections),
    )


def procedure_card(
    runbook: Runbook, proc: Procedure, lang: str, links: Links, today: date | None = None
) -> str:
    """The header of a procedure page: who, how urgent, review and drill status, criteria."""
    settings = runbook.config if isinstance(runbook.config, Settings) else Settings()
    today = today or date.today()
    return render(
        "cards/procedure.html.j2",
        lang,
        **common(runbook, links),
        proc=proc,
        clients=[runbook.clients.get(c) for c in proc.clients],
        client_ids=proc.clients,
        review=review_due(proc, today, settings),
        drill=drill_due(proc, today, settings),
    )


def client_card(runbook: Runbook, client: Client, lang: str, links: Links) -> str:
    return render(
        "cards/client.html.j2",
        lang,
        **common(runbook, links),
        client=client,
    )


def client_after(
    runbook: Runbook, client: Client, lang: str, links: Links, coverage: Coverage | None = None
) -> str:
    """What follows a client's own notes: its procedures, their coverage, absence messages."""

    return render(
        "cards/client_after.html.j2",
        lang,
        **common(runbook, links),
        client=client,
        procedures=procedure_order(runbook.procedures_of_client(client.id)),
        coverage_section=client_section(runbook, coverage, client, lang, links) if coverage else "",
    )


def generated_pages(
    runbook: Runbook,
    today: date,
    lang: str,
    url_of,
    findings: list[Finding],
    coverage: Coverage | None = None,
    known: Coverage | None = None,
    only: Collection[str] | None = None,
) -> dict[str, str]:
    """Every page Relève generates, by source URI (`known`: a coverage over a longer
    period than `coverage`, so that absences past the horizon are not computed again;
    `only`: just these URIs, for a rebuild after an edit)."""

    def wanted(uri: str) -> bool:
        return only is None or uri in only

    pages = {}
    if wanted(HOME):
        pages[HOME] = home_page(runbook, today, lang, Links(url_of, HOME), findings, coverage)
    if wanted(TODAY_PAGE):
        pages[TODAY_PAGE] = today_page(runbook, today, lang, Links(url_of, TODAY_PAGE))
    if wanted(MAINTAINERS_PAGE):
        pages[MAINTAINERS_PAGE] = maintainers_page(runbook, lang, Links(url_of, MAINTAINERS_PAGE),
                                                   findings, coverage)  # fmt: skip
    if coverage is not None and any(wanted(uri) for uri in COVERAGE_PAGES):
        pages.update(coverage_pages(runbook, coverage, lang, url_of))
    for uri in (SERVICES_INDEX, PEOPLE_INDEX, CLIENTS_INDEX):
        if wanted(uri):
            pages[uri] = index_page(runbook, uri, today, lang, Links(url_of, uri))
    for service in runbook.services:
        uri = service_uri(service)
        if wanted(uri):
            pages[uri] = service_page(runbook, service, lang, Links(url_of, uri))
    for person in runbook.team.people.values():
        uri = person_uri(person.id)
        if not wanted(uri):
            continue
        links = Links(url_of, uri)
        extra = ([person_section(runbook, coverage, person, lang, links, known)]
                 if coverage else [])  # fmt: skip
        pages[uri] = person_page(runbook, person, today, lang, links, extra)
    return pages
