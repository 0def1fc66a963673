"""Page content for the runbook site: generated pages and the header cards.

Each function takes the model (and "today") and returns Markdown or HTML
rendered from a template; the MkDocs adapter decides where it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from ...core.findings import ERROR, Finding
from ...core.order import client_order, procedure_order
from ...core.settings import Settings
from ...coverage.compute import Coverage
from ...model import Client, Person, Procedure, Runbook
from ...records.history import History, keeps_records
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
from .handback import handback_section
from .person_day import person_day
from .today import MAINTAINERS_PAGE, TODAY_PAGE, maintainers_page, today_page, today_widget

# Where a person page wants its binder's download link: after the person's day, so the page
# leads with what the person does (the MkDocs adapter puts the link there).
BINDER_MARK = "<!-- releve:binder-link -->"


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
        today=today,
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
    runbook: Runbook,
    person: Person,
    today: date,
    lang: str,
    links: Links,
    extra_sections=(),
    history: History | None = None,
    coverage: Coverage | None = None,
) -> str:
    return render(
        "pages/person.md.j2",
        lang,
        **common(runbook, links),
        view=person_view(runbook, person, today),
        today=today,
        pday=person_day(runbook, person, today, coverage, history),
        today_page=links(TODAY_PAGE),
        binder_mark=Markup(BINDER_MARK),
        handback=handback_section(runbook, person, today, lang, links, history),
        extra_sections=list(extra_sections),
    )


RECENT_RECORDS = 10  # the procedure header lists this many records, newest first


def procedure_card(
    runbook: Runbook,
    proc: Procedure,
    lang: str,
    links: Links,
    today: date | None = None,
    history: History | None = None,
) -> str:
    """The header of a procedure page: who, how urgent, review and drill status, criteria,
    when it was last done and its latest records."""
    settings = runbook.config if isinstance(runbook.config, Settings) else Settings()
    today = today or date.today()
    history = history or History.of(runbook, until=today)
    return render(
        "cards/procedure.html.j2",
        lang,
        **common(runbook, links),
        proc=proc,
        clients=[runbook.clients.get(c) for c in proc.clients],
        client_ids=proc.clients,
        review=review_due(proc, today, settings),
        drill=drill_due(proc, today, settings),
        today=today,
        keeps_records=keeps_records(runbook),
        last_done=history.last_done(proc.id),
        recent=history.recent(proc.id, RECENT_RECORDS),
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


class GeneratedPages:
    """The generated pages one at a time, by source URI: a full build asks for all of
    them, `releve serve` only for those an edit changed (`render/incremental.py`). What
    several pages share (the records' history, the three coverage pages) is computed once."""

    def __init__(
        self,
        runbook: Runbook,
        today: date,
        lang: str,
        url_of,
        findings: list[Finding],
        coverage: Coverage | None = None,
        known: Coverage | None = None,
        history: History | None = None,
    ) -> None:
        self.runbook, self.today, self.lang, self.url_of = runbook, today, lang, url_of
        self.findings, self.coverage, self.known = findings, coverage, known
        self.history = history or History.of(runbook, until=today)
        self._coverage_pages: dict[str, str] | None = None

    def uris(self) -> list[str]:
        """Every generated page's source URI, in a stable order."""
        uris = [HOME, TODAY_PAGE, MAINTAINERS_PAGE]
        uris += list(COVERAGE_PAGES) if self.coverage is not None else []
        uris += [SERVICES_INDEX, PEOPLE_INDEX, CLIENTS_INDEX]
        uris += [service_uri(s) for s in self.runbook.services]
        uris += [person_uri(p) for p in self.runbook.team.people]
        return uris

    def all(self) -> dict[str, str]:
        """Every generated page's Markdown, by source URI (a full build)."""
        return {uri: self.page(uri) for uri in self.uris()}

    def page(self, uri: str) -> str:
        """The Markdown of the generated page at `uri` (KeyError: not a generated page)."""
        runbook, today, lang, coverage = self.runbook, self.today, self.lang, self.coverage
        links = Links(self.url_of, uri)
        if uri == HOME:
            return home_page(runbook, today, lang, links, self.findings, coverage)
        if uri == TODAY_PAGE:
            return today_page(runbook, today, lang, links)
        if uri == MAINTAINERS_PAGE:
            return maintainers_page(runbook, lang, links, self.findings, coverage)
        if uri in COVERAGE_PAGES and coverage is not None:
            if self._coverage_pages is None:
                self._coverage_pages = coverage_pages(runbook, coverage, lang, self.url_of,
                                                      self.history)  # fmt: skip
            return self._coverage_pages[uri]
        if uri in (SERVICES_INDEX, PEOPLE_INDEX, CLIENTS_INDEX):
            return index_page(runbook, uri, today, lang, links)
        for service in runbook.services:
            if service_uri(service) == uri:
                return service_page(runbook, service, lang, links)
        for person in runbook.team.people.values():
            if person_uri(person.id) == uri:
                extra = ([person_section(runbook, coverage, person, lang, links, self.known)]
                         if coverage else [])  # fmt: skip
                return person_page(runbook, person, today, lang, links, extra, self.history,
                                   coverage)  # fmt: skip
        raise KeyError(uri)
