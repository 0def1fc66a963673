"""What an edit shows on: the pages to build again when the sources change under `serve`.

`mkdocs serve --dirty` (and `releve serve`) build only the pages the site engine is told
are modified. Relève's pages depend on more than their own file: a procedure shows on
its owner's and backups' pages, its service's and clients' pages, the coverage pages,
the Today data, the maintainers' page; a name in team.yml shows everywhere. `rebuild`
compares the content of the previous build with the new one (the model, the settings,
the day) and answers which of Relève's pages and data files must be written again.
Nothing here knows the site engine; `mkdocs/incremental.py` turns the answer into
MkDocs' `File.is_modified()`.

The rules, from the narrowest:

- a procedure edited, added or removed: its page; the pages of its owner and backups
  and of its service and clients, before and after the edit; the pages of procedures
  that share one of its credentials (their cards list where else it is used); the
  dashboard, the three index pages, the coverage pages, Today and maintainers; the Today
  data and the calendar feed. A file added or removed also rebuilds the pages whose
  text names it (a link that now leads somewhere, or nowhere);
- a client edited, added or removed: its page, its procedures' pages (their cards name
  it), and every generated page and data file;
- team.yml, the vault's metadata, the settings (mkdocs.yml) or the day: everything.

The adapter adds its own rule: when the navigation changes (a service, person or client
added, a title listed in it), every page is built again, as each one embeds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..model import Client, Procedure, Runbook
from ..model.refs import references
from .pages.coverage import ICS
from .pages.coverage import PAGES as COVERAGE_PAGES
from .pages.credential_cards import VAULT_JSON
from .pages.today import MAINTAINERS_PAGE, TODAY_JSON, TODAY_PAGE
from .site_content import SiteContent
from .site_map import CLIENTS_INDEX, HOME, PEOPLE_INDEX, SERVICES_INDEX, person_uri, service_uri

# Pages and data that summarise every procedure: written again after any edit.
SUMMARIES = (HOME, SERVICES_INDEX, PEOPLE_INDEX, CLIENTS_INDEX, TODAY_PAGE, MAINTAINERS_PAGE,
             *COVERAGE_PAGES)  # fmt: skip
SUMMARY_DATA = (TODAY_JSON, ICS)


@dataclass
class Rebuild:
    """Relève's pages (source URIs) and data files to write again; `everything`: all of them,
    and every other page too (each embeds something that changed)."""

    everything: bool = False
    pages: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)
    # Names of source files added or removed: a page whose text holds one links to it.
    names: set[str] = field(default_factory=set)
    why: str = ""

    @classmethod
    def all(cls, why: str) -> Rebuild:
        return cls(everything=True, why=why)

    def page(self, uri: str) -> bool:
        return self.everything or uri in self.pages

    def datum(self, uri: str) -> bool:
        return self.everything or uri in self.data

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.pages or self.data or self.names)


def rebuild(before: SiteContent | None, after: SiteContent) -> Rebuild:
    """What must be written again for `after`, the site's content built from the sources now,
    when `before` was what the pages on disk were built from (None: nothing was)."""
    if before is None:
        return Rebuild.all("first build")
    if before.today != after.today:
        return Rebuild.all("another day")
    if before.settings != after.settings:
        return Rebuild.all("settings")
    old, new = before.runbook, after.runbook
    if old.team != new.team:
        return Rebuild.all("team")
    if old.credentials != new.credentials or old.vault != new.vault:
        return Rebuild.all("vault")
    plan = Rebuild()
    procedures = _changed(_by_path(old.procedures), _by_path(new.procedures))
    clients = _changed(_by_path(old.clients.values()), _by_path(new.clients.values()))
    if not procedures and not clients:
        if before.findings != after.findings:  # e.g. CODEOWNERS or docs/ (RB009, RB015)
            plan.pages.update((HOME, MAINTAINERS_PAGE))
        return plan
    plan.pages.update(SUMMARIES)
    plan.data.update(SUMMARY_DATA)
    for path, was, now in procedures:
        _procedure(plan, path, was, now, new)
    for path, was, now in clients:
        _client(plan, path, was, now, old, new)
    return plan


def _by_path(pages: Iterable[Procedure | Client]) -> dict[str, Procedure | Client]:
    return {page.path: page for page in pages}


def _changed(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """(path, before, after) of every page added, removed or changed."""
    out = []
    for path in sorted(before.keys() | after.keys()):
        was, now = before.get(path), after.get(path)
        if was is None or now is None or (was is not now and was != now):
            out.append((path, was, now))
    return out


def _procedure(plan: Rebuild, path: str, was, now, new: Runbook) -> None:
    if now is not None:
        plan.pages.add(path)
    if was is None or now is None:
        plan.names.add(PurePosixPath(path).name)
    credentials: set[str] = set()
    for proc in (was, now):
        if proc is None:
            continue
        plan.pages.update(person_uri(p) for p in proc.people if p in new.team.people)
        plan.pages.add(service_uri(proc.service or "-"))
        plan.pages.update(new.clients[c].path for c in proc.clients if c in new.clients)
        credentials.update(cid for cid, _ in references(proc))
    if credentials:  # their cards say where else each credential is used
        plan.pages.update(p.path for p in new.procedures
                          if credentials & {cid for cid, _ in references(p)})  # fmt: skip


def _client(plan: Rebuild, path: str, was, now, old: Runbook, new: Runbook) -> None:
    if now is not None:
        plan.pages.add(path)
    if was is None or now is None:
        plan.names.add(PurePosixPath(path).name)
    ids = {c.id for c in (was, now) if c is not None}
    plan.pages.update(p.path for p in (*old.procedures, *new.procedures) if ids & set(p.clients))
    plan.pages.update(_generated_uris(new))
    plan.data.update((*SUMMARY_DATA, VAULT_JSON))


def _generated_uris(runbook: Runbook) -> list[str]:
    return [*SUMMARIES, *(service_uri(s) for s in runbook.services),
            *(person_uri(p) for p in runbook.team.people)]  # fmt: skip
