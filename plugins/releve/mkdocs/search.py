"""Relève's search in MkDocs: Pagefind answers Material's header search box.

Material's own search (lunr) cannot stem French while you type: its typeahead
wildcard skips the stemmer, so `facturer` finds nothing. Relève keeps
Material's box where it is (the header partial shows it while a
`material/search` plugin is registered and enabled) but:

- turns a listed Material search plugin off through its own `enabled` option
  (it then builds no lunr index) and puts a `SearchBox` in its place in the
  plugin collection, so the header still shows the box; no MkDocs internals
  are touched;
- puts its own `partials/search.html` first after the team's `custom_dir`: the
  same markup without `data-md-component="search"`, so Material's script leaves
  it alone and `assets/releve/search.js` drives it with Pagefind;
- marks the pages a reader searches for (`on_post_page`) and indexes the built
  site (`on_post_build`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..i18n import Translator
from ..model import Client, Procedure, Runbook
from ..render.search import CLIENT, KINDS, PAGE, PERSON, PROCEDURE, SERVICE, SearchPage
from ..render.site_map import person_uri, service_uri

# Only while Relève's search is on: with `search: false` Material's own partial stays.
THEME_DIR = Path(__file__).resolve().parent.parent / "templates" / "theme-search"
MATERIAL_SEARCH = "material/search"
FILTERS = ("person", "client", "service", "priority")
PRIORITIES = ("urgent", "important", "planned")
STRINGS = ("unavailable", *(f"kind_{k}" for k in KINDS), *(f"any_{f}" for f in FILTERS),
           *(f"filter_{f}" for f in FILTERS))  # fmt: skip


class SearchBox:
    """Stands in Material's `material/search` entry: its header only reads `config.enabled`."""

    def __init__(self) -> None:
        self.config = SimpleNamespace(enabled=True)


_told = False  # `mkdocs serve` reloads the config on every change: say it once


def take_over(config: MkDocsConfig, lang: str, log: logging.Logger) -> bool:
    """Silence Material's lunr search and answer its box with Pagefind; False when off.

    Off when the theme is not Material (no header box to take over) or when
    mkdocs.yml turns search off (`search: {enabled: false}`).
    """
    global _told
    if config.theme.name != "material":
        return False
    plugins = config.plugins
    listed = plugins.get(MATERIAL_SEARCH)
    if listed is not None:
        if not listed.config.enabled:
            return False
        # Material's own option: every one of its events returns at once, no lunr index.
        listed.config.enabled = False
    # Material's header shows its search box while a `material/search` entry is enabled.
    # `SearchBox` takes that place through the collection's public API; having no
    # `on_*` method, it registers no event.
    plugins[MATERIAL_SEARCH] = SearchBox()  # type: ignore[assignment]
    if str(THEME_DIR) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
    _ = Translator(lang)
    config.extra["releve_search"] = {
        "lang": _.lang,
        "filters": list(FILTERS),
        "priorities": [_(f"priority.{p}") for p in PRIORITIES],
        "strings": {key: _(f"search.{key}") for key in STRINGS},
    }
    if listed and not _told:
        _told = True
        log.info(_("build.search_takeover"))
    return True


def search_page(page: Page, sources: dict, runbook: Runbook | None) -> SearchPage | None:
    """What `page` is to search, or None when it stays out of the index.

    In: procedures, clients, people, services and the team's own Markdown pages.
    Out: every other page Relève generates (dashboard, indexes, coverage, agenda).
    """
    uri = page.file.src_uri
    obj = sources.get(uri)
    if isinstance(obj, Procedure):
        return SearchPage(PROCEDURE, obj.title)
    if isinstance(obj, Client):
        return SearchPage(CLIENT, obj.name)
    if runbook is not None:
        for person in runbook.team.people.values():
            if uri == person_uri(person.id):
                return SearchPage(PERSON, person.name)
        for service in runbook.services:
            if uri == service_uri(service):
                title = runbook.config.service_title(service) if runbook.config else service
                return SearchPage(SERVICE, title)
    if page.file.generated_by is None and page.file.abs_src_path is not None:
        return SearchPage(PAGE, page.title or "")
    return None
