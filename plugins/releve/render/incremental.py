"""What an edit changes: the pages and data files `releve serve` must write again.

A full build of 2,000 procedures takes most of 20 seconds; an office manager who
fixes a typo in one procedure wants to see it at once. Between two builds of one
`serve` session, `plan` compares the model before and after the edit (both
`SiteContent`, each parsed once) and names what shows the procedures that changed:

- the procedure pages themselves (added, edited, removed);
- the generated pages that list or plan them: the home, Today (page and JSON),
  maintainers, coverage pages, the three indexes and the calendar feed;
- the pages of their services, of their clients, and of every person they may name:
  owner and backups, the team's escalation list, the holders of the keys they need
  (who to call when nobody able is there: `coverage/escalation.py`), before and after;
- the other procedures that name one of their credentials: a credential card lists
  where else it is used (`credentials` lets the adapter find the other pages that
  show one of those cards inline).

Anything else (the team, clients, records, credentials, the vault, the settings,
the day) is read by nearly every page: `plan` then asks for everything, as a full
build would. The site engine's adapter adds what only it knows (its configuration,
theme and navigation) and asks for everything when those change too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..coverage.compute import needed_audiences
from ..model import Procedure, Runbook
from ..model.refs import references
from .pages.coverage import ICS
from .pages.coverage import PAGES as COVERAGE_PAGES
from .pages.today import MAINTAINERS_PAGE, TODAY_JSON, TODAY_PAGE
from .site_content import SiteContent
from .site_map import CLIENTS_INDEX, HOME, PEOPLE_INDEX, SERVICES_INDEX, person_uri, service_uri

# Pages and data files that list, count or plan every procedure.
SUMMARIES = frozenset({HOME, TODAY_PAGE, MAINTAINERS_PAGE, *COVERAGE_PAGES, SERVICES_INDEX,
                       PEOPLE_INDEX, CLIENTS_INDEX, TODAY_JSON, ICS})  # fmt: skip


@dataclass(frozen=True)
class Rebuild:
    """The source URIs to write again: procedures, clients, generated pages, data files."""

    everything: bool
    uris: frozenset[str] = frozenset()
    credentials: frozenset[str] = frozenset()  # ids whose cards changed ("also used in")

    def __contains__(self, uri: object) -> bool:
        return self.everything or uri in self.uris


EVERYTHING = Rebuild(everything=True)


def plan(before: SiteContent | None, after: SiteContent) -> Rebuild:
    """What to write again after `before` (None: the first build) became `after`."""
    if before is None or _shared_inputs(before) != _shared_inputs(after):
        return EVERYTHING
    old = {p.path: p for p in before.runbook.procedures}
    new = {p.path: p for p in after.runbook.procedures}
    changed = [path for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]
    if not changed:
        return Rebuild(everything=False)
    uris: set[str] = set(SUMMARIES)
    credentials: set[str] = set()
    for path in changed:
        uris.add(path)
        for runbook, versions in ((before.runbook, old), (after.runbook, new)):
            proc = versions.get(path)
            if proc is not None:
                uris |= _showing(runbook, proc)
                credentials.update(cid for cid, _ in references(proc))
    for site in (before, after):
        for cid in credentials:
            uris.update(proc.path for proc in site.cards.used_in.get(cid, ()))
    return Rebuild(everything=False, uris=frozenset(uris), credentials=frozenset(credentials))


def _shared_inputs(site: SiteContent) -> tuple:
    """What nearly every page reads besides the procedures: a change to one is a full build."""
    runbook = site.runbook
    return (site.today, site.settings, runbook.team, runbook.clients, runbook.credentials,
            runbook.records, runbook.vault)  # fmt: skip


def _showing(runbook: Runbook, proc: Procedure) -> set[str]:
    """The pages, besides the summaries, that show `proc` as this runbook has it."""
    uris = {service_uri(proc.service)}
    uris |= {client.path for c in proc.clients if (client := runbook.clients.get(c))}
    people = {*proc.people, *runbook.team.escalation}
    for audience in needed_audiences(runbook, proc):
        people.update(runbook.holders(audience))
    uris |= {person_uri(p) for p in people if p in runbook.team.people}
    return uris
