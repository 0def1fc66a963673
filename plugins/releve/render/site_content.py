"""Everything Relève adds to a site, computed once per build, with no site engine.

The MkDocs plugin (`mkdocs/plugin.py`) only routes MkDocs' events here: it asks
which pages and data files to add, hands over a `url_of` that knows MkDocs'
URLs, and puts the results into MkDocs' file collection. Another engine (a
post-build step, a Zensical port) could drive the same object.

Computed once per build: the model (from the source cache where files did not
change), the lint, one coverage over the union of
the horizon and the Today page's window (both views read slices of it), the
credential cards. Nothing here reads a key or a secret value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.files import leads_outside
from ..core.findings import ERROR, Finding
from ..core.settings import Settings
from ..coverage.compute import Coverage, compute, horizon_end
from ..lint import lint_runbook
from ..model import Runbook, load_runbook
from ..model.source_cache import SourceCache
from ..records.history import History
from ..vault import Vault, site_json
from ..vault import load as load_vault
from .calendar_feed import calendar
from .pages import generated
from .pages import today as today_page
from .pages.coverage import ICS
from .pages.credential_cards import VAULT_JSON, CredentialCards

UrlOf = Callable[[str], "str | None"]


@dataclass
class SiteContent:
    root: Path
    settings: Settings
    today: date
    runbook: Runbook
    findings: list[Finding]
    coverage: Coverage  # today .. the horizon's end: pages, RB013's period, the feed
    window: Coverage  # the Today page's window (today.json)
    whole: Coverage  # both periods: absences inside it are read from it, not recomputed
    cards: CredentialCards
    history: History  # the records up to today, indexed once: headers, pages, today.json

    @classmethod
    def load(
        cls, root: Path, settings: Settings, today: date, cache: SourceCache | None = None
    ) -> SiteContent:
        """`cache`: the runbook's source cache; files unchanged since it was written are
        not parsed again, and it is saved once the lint has run (with what rules found)."""
        runbook = load_runbook(root, settings, cache)
        findings = lint_runbook(runbook, today, settings)
        if cache is not None:
            cache.save()
        horizon = (today, horizon_end(today, settings.horizon))
        window = today_page.window(today)
        whole = compute(runbook, min(horizon[0], window[0]), max(horizon[1], window[1]))
        return cls(
            root=root,
            settings=settings,
            today=today,
            runbook=runbook,
            findings=findings,
            coverage=whole.between(*horizon),
            window=whole.between(*window),
            whole=whole,
            cards=CredentialCards(runbook, settings.language),
            history=History.of(runbook, until=today),
        )

    # what the build must refuse ----------------------------------------------
    def secret_paths(self) -> list[str]:
        """Files holding a plaintext secret (RB009 errors): never published."""
        return sorted({f.path for f in self.findings if f.code == "RB009" and f.severity == ERROR})

    # pages ---------------------------------------------------------------------
    def page_uris(self) -> list[str]:
        """Source URIs of every page Relève generates (the team's own files win)."""
        return self.generated_pages(lambda uri: None).uris()

    def generated_pages(self, url_of: UrlOf) -> generated.GeneratedPages:
        """The generated pages, to be asked for one at a time (`releve serve`)."""
        return generated.GeneratedPages(
            self.runbook, self.today, self.settings.language, url_of, self.findings,
            self.coverage, self.whole, self.history,
        )  # fmt: skip

    def pages(self, url_of: UrlOf) -> dict[str, str]:
        """The Markdown of every generated page, by source URI."""
        return self.generated_pages(url_of).all()

    def derived(self, url_of: UrlOf) -> dict[str, str | bytes]:
        """Every generated page's Markdown and every data file, by URI: what a build adds
        to the runbook's own pages (`pages` and `data_files` together)."""
        return {**self.pages(url_of), **self.data_files(url_of)}

    # data files ------------------------------------------------------------------
    @staticmethod
    def data_uris() -> tuple[str, ...]:
        """The data files' URIs, known before their content (pages link to them)."""
        return (VAULT_JSON, ICS, today_page.TODAY_JSON)

    def data_files(self, url_of: UrlOf) -> dict[str, str | bytes]:
        """Files the pages read: the sealed parts for Reveal (never page text, so never
        indexed), the calendar feed, and the Today page's data."""
        return {uri: self.data_file(uri, url_of) for uri in self.data_uris()}

    def data_file(self, uri: str, url_of: UrlOf) -> str | bytes:
        """One data file's content (KeyError: not one of `data_uris`)."""
        if uri == VAULT_JSON:
            name = self.settings.vault_file
            outside = leads_outside(self.root, name)  # never published (the build refuses it)
            vault = Vault(path=name) if outside else load_vault(self.root / name, name)
            people = {pid: set(p.roles) for pid, p in self.runbook.team.people.items()}
            return site_json(vault, people)
        if uri == ICS:
            return calendar(self.runbook, self.coverage, self.today, self.settings, self.whole)
        if uri == today_page.TODAY_JSON:
            return today_page.today_json(self.runbook, self.today, url_of, self.window)
        raise KeyError(uri)
