"""The `releve` MkDocs plugin: a thin adapter between the runbook model and MkDocs.

Events used, and why:

- `on_config`: reset state (it survives `mkdocs serve` rebuilds), read options,
  add Relève's CSS and JS.
- `on_files`: load the model once; add procedures and clients from their
  top-level folders (edit links pointing at the real files), Relève's assets
  and the generated pages; log lint findings; build the navigation.
- `on_page_read_source` / `on_page_markdown`: hand MkDocs the body we already
  parsed, and the title from our front-matter.
- `on_page_content`: put the header card (owner, backups, client...) into the
  page body, where search indexes it (as words: see templates/cards/procedure.html.j2).
- `on_post_page`: mark the pages search should index (see `mkdocs/search.py`).
- `on_post_build`: index the built site with Pagefind (plugin option `search`), and
  write the PDF binders into the site (plugin option `binder`).
- `on_serve`: watch the runbook's files (`core/files.py`) outside `docs_dir`.

Under `serve` the plugin keeps a `ServeSession` (`mkdocs/serving.py`) between builds:
with `--dirty` (what `releve serve` runs) only the pages an edit changed are written
again, and the search index and calendar feed are refreshed in the background.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from datetime import date
from pathlib import Path

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..core.days import BadDate, today
from ..core.files import RunbookFiles, outside_options
from ..core.findings import ERROR, Finding
from ..core.forked import Forked
from ..core.md_extensions import AdmonitionTitles
from ..core.md_options import extension_map
from ..core.settings import Settings
from ..coverage.compute import Coverage
from ..i18n import Translator, language_of
from ..model import Client, Procedure, Runbook
from ..model.source_cache import SourceCache
from ..model.sources import hidden_part, unsafe_links
from ..records.history import History
from ..render import binder as binders
from ..render import raw_html, templates
from ..render.binder import publish as binder_site
from ..render.incremental import EVERYTHING, Rebuild
from ..render.pages import generated as views
from ..render.pages.coverage import ICS
from ..render.pages.credential_cards import CredentialCards, mark_inline
from ..render.reports.lint_report import build_log
from ..render.search import (
    SearchIndexError,
    build_index,
    mark_page,
    scratch_folder,
    search_copy,
    write_copy,
)
from ..render.site_content import SiteContent
from ..render.site_map import (
    HOME,
    Links,
    person_uri,
)
from . import search as site_search
from .attachments import add_attachments
from .config import RelevePluginConfig
from .derived import DerivedFile, SourceFile
from .engine import running, supported
from .nav import build_nav
from .serving import (
    ServeSession,
    empty_site,
    outdate,
    refresh_file,
    refresh_search,
    setup_of,
)
from .watching import NATIVE, watch_natively

# A plain logger under `mkdocs.`: counted by --strict, printed as `path:line: CODE message`.
log = logging.getLogger("mkdocs.plugins.releve")
ASSETS = Path(__file__).resolve().parent.parent / "assets"
THEME_DIR = str(Path(__file__).resolve().parent.parent / "templates" / "theme")
ASSET_URIS = ("assets/releve/releve.css", "assets/releve/releve.js",
              "assets/releve/vault.css", "assets/releve/reveal.js",
              "assets/releve/today.css", "assets/releve/today.js")  # fmt: skip
SEARCH_ASSET_URIS = ("assets/releve/search.css", "assets/releve/search.js")


class RelevePlugin(BasePlugin[RelevePluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.dirty = False
        self.session: ServeSession | None = None  # what `serve` keeps between builds
        self.search_input: Path | None = None  # what Pagefind reads: a copy of each marked page
        self._reset()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty
        self.session = ServeSession() if self.serving else None

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.resume_collector()
            self.session.refresher.cancel()
            self.session.refresher.wait(timeout=30)
        self._drop_search_input()

    def on_build_error(self, /, *, error: Exception) -> None:
        if self.session is None:
            self._drop_search_input()
        else:
            self.session.forget()  # some pages may be written, others not: all next time
            self.session.resume_collector()

    def _prepare_search_input(self) -> None:
        """A temporary folder for what Pagefind reads (`search_copy` of each marked page),
        removed after the build (after the `serve` session): never published."""
        if self.session is not None and self.search_input is not None and self.search:
            return  # the copies of the pages this build does not write again still hold
        self._drop_search_input()
        if self.search:
            self.search_input = scratch_folder()

    def _drop_search_input(self) -> None:
        if self.search_input is not None:
            shutil.rmtree(self.search_input, ignore_errors=True)
            self.search_input = None

    def _reset(self) -> None:
        self.runbook: Runbook | None = None
        self.settings = Settings()
        self.today = date.today()
        self.findings: list[Finding] = []
        self.coverage: Coverage | None = None
        self.history: History | None = None
        self.sources: dict[str, Procedure | Client] = {}  # src_uri -> model object
        self.files: Files | None = None
        self.cards: CredentialCards | None = None
        self.inline: dict[str, list[str]] = {}  # src_uri -> ids of inline [[cred:ID]]
        self.search = False  # Relève's search answers the header box (Pagefind)
        self.search_pages = 0  # pages marked for the index by on_post_page
        self.generated: set[str] = set()  # source URIs of the pages Relève generates
        self.stashed: dict[str, dict[str, str]] = {}  # src_uri -> raw HTML blocks (raw_html)
        self.rebuild: Rebuild = EVERYTHING  # what this build writes again (`serve --dirty`)

    # configuration ---------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._reset()
        if self.session is not None:
            self.session.refresher.cancel()  # a refresh still running would be stale
            self.session.pause_collector()  # until on_post_build: the edit waits for this build
        refuse_unsupported_engine(config)
        root = Path(config.config_file_path or ".").resolve().parent
        self.root = root
        options = {k: v for k, v in self.config.items() if k not in ("nav", "binder")}
        self.settings = Settings.from_options(
            options,
            language=language_of(config.theme.get("language") or config.theme.locale.language),
            repo_url=config.repo_url,
            edit_uri=config.edit_uri,
            site_name=config.site_name,
            site_url=config.site_url or None,
            directory_urls=config.use_directory_urls,
            binder=self.config.binder is True,
            markdown_extensions=extension_map(config.markdown_extensions, config.mdx_configs),
            docs_dir=_relative(config.docs_dir, root),
            custom_dir=_relative(custom, root) if (custom := config.theme.custom_dir) else None,
        )
        # Admonitions without a title: "Astuce", not "Tip", on a French site.
        config.markdown_extensions.append(AdmonitionTitles(lang=self.settings.language))
        toc = config.mdx_configs.get("toc")
        if "toc" in config.markdown_extensions and isinstance(toc, dict) and toc.get("permalink"):
            toc.setdefault("permalink_title", Translator(self.settings.language)("theme.permalink"))
        # Material's footer, 404 page and edit button in the page language; the team's
        # own overrides (custom_dir, first in the list) still win.
        # Relève's own templates: a team overrides them under `<custom_dir>/releve/`.
        custom = config.theme.custom_dir
        templates.use_overrides([str(Path(custom) / "releve")] if custom else [])
        if THEME_DIR not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, THEME_DIR)
        try:
            self.today = today()
        except BadDate as err:
            _ = Translator(self.settings.language)
            raise PluginError(_("build.bad_today", value=str(err))) from None
        self._refuse_unsafe_links(config)
        if self.config.search:
            self.search = site_search.take_over(config, self.settings.language, log)
        for uri in self._asset_uris():
            if uri.endswith(".css") and uri not in config.extra_css:
                config.extra_css.append(uri)
            if uri.endswith(".js") and uri not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(uri)
        return config

    def _asset_uris(self) -> tuple[str, ...]:
        return ASSET_URIS + (SEARCH_ASSET_URIS if self.search else ())

    def on_env(self, env, /, *, config: MkDocsConfig, files: Files):
        """`releve_theme(key)`: Relève's wording of a Material string, "" when it has none."""
        catalogue_of = Translator(self.settings.language)

        def releve_theme(key: str) -> str:
            text = catalogue_of(f"theme.{key}")
            return "" if text == f"theme.{key}" else text

        env.globals["releve_theme"] = releve_theme
        if self.session is not None:
            env.bytecode_cache = self.session.bytecode
        return env

    # files -----------------------------------------------------------------
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Load the model once (`SiteContent`), then add its sources, assets, generated
        pages and data files to MkDocs' collection."""
        session = self.session
        cache = session.source_cache(self.root) if session else SourceCache.open(self.root)
        self.site = site = SiteContent.load(self.root, self.settings, self.today, cache)
        self.runbook, self.findings = site.runbook, site.findings
        self.coverage, self.cards = site.coverage, site.cards
        count = len(site.runbook.procedures)
        self.settings.binder = binders_wanted(self.config.binder, count, self.serving)
        if self.config.binder == "auto" and not self.settings.binder:
            log.info(Translator(self.settings.language)("build.binders_skipped", n=count))
        self._log_findings()
        self._refuse_secrets()
        for file in [f for f in files if hidden_part(f.src_uri)]:
            files.remove(file)  # `.git`, `.env`: never published, whatever exclude_docs says
        self._prepare_search_input()

        for proc in site.runbook.procedures:
            self._add_source(files, config, proc.path, proc)
        for client in site.runbook.clients.values():
            self._add_source(files, config, client.path, client)
        add_attachments(files, config, site.runbook)  # screenshots and PDFs next to the pages
        for uri in self._asset_uris():
            files.append(File(uri, src_dir=str(ASSETS.parent), dest_dir=config.site_dir,
                              use_directory_urls=False))  # fmt: skip
            files.get_file_from_path(uri).abs_src_path = str(ASSETS / Path(uri).name)
        self.history = site.history  # once: every procedure header reads it
        # Generated pages and data files are registered first (empty), so that every link
        # between them resolves; then their content is computed.
        generated = [u for u in site.page_uris() if files.get_file_from_path(u) is None]
        derived = [DerivedFile.generated(config, uri, content="")
                   for uri in [*generated, *site.data_uris()]]  # fmt: skip
        for file in derived:
            files.append(file)
        self.generated = set(generated)
        url_of = self._url_of(files)
        if session is None:
            # Computed on the other core while MkDocs renders the runbook's own pages; each
            # file takes its part when MkDocs first reads it.
            content = Forked(lambda: site.derived(url_of))
            for file in derived:
                file.take = lambda uri=file.src_uri: content.result().get(uri)
        else:
            self._serve_derived(derived, site, url_of)

        if config.nav is None and self.config.nav:
            config.nav = build_nav(site.runbook, files, self.sources, self.settings,
                                   self.config.nav_procedures)  # fmt: skip
        if session is not None and self.dirty:
            custom = [config.theme.custom_dir] if config.theme.custom_dir else []
            self.rebuild = session.plan(site, setup_of(config.config_file_path, custom, config.nav))
            if self.rebuild.everything:
                empty_site(Path(config.site_dir))
            for uri in session.showing_cards(self.rebuild.credentials):
                if (file := files.get_file_from_path(uri)) is not None:
                    outdate(file.abs_dest_path)
        self.files = files
        return files

    def _serve_derived(self, derived: list[DerivedFile], site: SiteContent, url_of) -> None:
        """Under `serve`: each generated page computed alone, when this build writes it
        (`self.rebuild`); the calendar feed in the background, after the build."""
        pages = site.generated_pages(url_of)
        for file in derived:
            uri = file.src_uri
            file.wanted = lambda uri=uri: uri in self.rebuild
            if uri == ICS:
                file.take = None  # written empty the first time, then by the refresher
            elif uri in self.generated:
                file.take = lambda uri=uri: pages.page(uri)
            else:
                file.take = lambda uri=uri: site.data_file(uri, url_of)

    def _add_source(self, files: Files, config: MkDocsConfig, uri: str, obj) -> None:
        if files.get_file_from_path(uri) is not None:
            log.warning(Translator(self.settings.language)("build.shadowed", path=uri))
            files.remove(files.get_file_from_path(uri))
        file = SourceFile(uri, src_dir=str(self.root), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls,
                          inclusion=InclusionLevel.NOT_IN_NAV)  # fmt: skip
        file.edit_uri = self._edit_uri(config, uri)
        file.wanted = lambda: uri in self.rebuild
        files.append(file)
        self.sources[uri] = obj

    def _edit_uri(self, config: MkDocsConfig, uri: str) -> str | None:
        """Path of the real source from `edit_uri`, which points at docs_dir by convention."""
        if not (config.edit_uri or config.edit_uri_template):
            return None
        docs = Path(config.docs_dir).resolve()
        rel = os.path.relpath(self.root / uri, docs) if docs != self.root else uri
        return Path(rel).as_posix()

    @staticmethod
    def _url_of(files: Files):
        uris = files.src_uris  # the engine's own map, kept up to date as files are added

        def url_of(src_uri: str) -> str | None:
            # The map first: a page of 2,000 links asks it thousands of times, and
            # `get_file_from_path` makes a path object each time to normalise the name.
            file = uris.get(src_uri) or files.get_file_from_path(src_uri)
            return file.url if file is not None else None

        return url_of

    def _log_findings(self) -> None:
        """Errors as warnings (counted by --strict), others as info; every finding with -v.

        Without -v, at most LOG_LIMIT findings then counts per code: `serve` rebuilds on
        every edit, and a large runbook would print hundreds of lines each time.
        """
        limit = None if log.isEnabledFor(logging.DEBUG) else LOG_LIMIT
        for severity, line in build_log(self.findings, self.settings.language, limit):
            log.log(logging.WARNING if severity == ERROR else logging.INFO, line)

    def _refuse_unsafe_links(self, config: MkDocsConfig) -> None:
        """Before MkDocs walks docs_dir: no symbolic link in the runbook's files (docs_dir,
        sources, team, vault, overrides...: `core/files.py`) may lead outside the runbook."""
        files = RunbookFiles.of(self.root, self.settings)
        _ = Translator(self.settings.language)
        for option, value in outside_options(self.root, files):
            raise PluginError(_("build.file_outside", option=option, path=value))
        unsafe = unsafe_links(self.root, files.paths(self.root))
        if unsafe:
            raise PluginError(_("build.unsafe_links", paths=", ".join(unsafe)))

    def _refuse_secrets(self) -> None:
        """Never publish a page that holds a plaintext secret, strict or not."""
        secrets = self.site.secret_paths()
        if secrets:
            _ = Translator(self.settings.language)
            raise PluginError(_("build.secrets", paths=", ".join(secrets)))

    # pages -----------------------------------------------------------------
    def on_page_read_source(self, /, *, page: Page, config: MkDocsConfig) -> str | None:
        obj = self.sources.get(page.file.src_uri)
        return obj.body if obj is not None else None

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files):
        obj = self.sources.get(page.file.src_uri)
        # MkDocs' theme templates print titles unescaped: hand them escaped text.
        if isinstance(obj, Procedure):
            page.meta = {**page.meta, "title": str(escape(obj.title))}
        elif isinstance(obj, Client):
            page.meta = {**page.meta, "title": str(escape(obj.name))}
        markdown, self.inline[page.file.src_uri] = mark_inline(markdown)
        if self.session is not None:
            self.session.cards_on[page.file.src_uri] = set(self.inline[page.file.src_uri])
        if page.file.src_uri in self.generated:
            # Our own big HTML blocks skip Python-Markdown's HTML parser (raw_html.py).
            markdown, self.stashed[page.file.src_uri] = raw_html.stash(markdown)
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files):
        html = raw_html.restore(html, self.stashed.pop(page.file.src_uri, {}))
        if "title" not in page.meta and page.title:
            # A title taken from the rendered <h1> is HTML with its tags stripped: entities
            # are already there (O&#39;Neil), only a stray < or > is left to neutralise.
            page.meta["title"] = page.title.replace("<", "&lt;").replace(">", "&gt;")
        obj = self.sources.get(page.file.src_uri)
        links = Links(self._url_of(files), page.file.src_uri)
        inline = self.inline.get(page.file.src_uri, [])
        if self.cards is not None:
            # Each card once: a procedure shows them all after its header, so inline
            # references there are links; elsewhere the first reference is the card.
            here = obj.id if isinstance(obj, Procedure) else None
            shown = {*obj.credentials, *inline} if isinstance(obj, Procedure) else set()
            html = self.cards.fill(html, inline, links, here, shown)
        if obj is None or self.runbook is None:
            link = self._binder_link(page.file.src_uri, links)
            if views.BINDER_MARK in html:  # a person page: the link follows the person's day
                return html.replace(views.BINDER_MARK, link, 1)
            return _after_title(html, link) if link else html
        lang = self.settings.language
        if isinstance(obj, Procedure):
            card = views.procedure_card(self.runbook, obj, lang, links, self.today, self.history)
            return _after_title(html, card + self.cards.procedure_block(obj, links, inline))
        card = views.client_card(self.runbook, obj, lang, links)
        card += self._binder_link(page.file.src_uri, links)
        after = views.client_after(self.runbook, obj, lang, links, self.coverage)
        return _after_title(html, card) + after

    # binders ---------------------------------------------------------------
    def _binder_link(self, src_uri: str, links: Links) -> str:
        """Download links of the binders this build publishes; "" when `binder: false`."""
        if not self.settings.binder or self.runbook is None:
            return ""
        lang = self.settings.language
        if src_uri == HOME:
            return binder_site.link_block(binders.ALL, None, lang, links)
        obj = self.sources.get(src_uri)
        if isinstance(obj, Client):
            return binder_site.link_block(binders.CLIENT, obj.id, lang, links)
        person = src_uri.removeprefix("people/").removesuffix(".md")
        if person in self.runbook.team.people and person_uri(person) == src_uri:
            return binder_site.link_block(binders.PERSON, person, lang, links)
        return ""

    # search ----------------------------------------------------------------
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        target = site_search.search_page(page, self.sources, self.runbook) if self.search else None
        if target is None:
            return output
        self.search_pages += 1
        marked = mark_page(output, target)
        copy = search_copy(marked)
        if copy is not None and self.search_input is not None:
            # What Pagefind reads of the page, in a folder laid out like the site.
            write_copy(self.search_input, page.file.dest_uri, copy)
        return marked

    def _index_search(self, config: MkDocsConfig) -> None:
        _ = Translator(self.settings.language)
        if not self.search_pages:  # Pagefind would index every page, noise included
            return
        try:
            stats = build_index(Path(config.site_dir), self.settings.language,
                                pages=self.search_input)  # fmt: skip
        except SearchIndexError as err:
            raise PluginError(_("build.search_failed", reason=str(err))) from None
        log.info(_("build.search_written", pages=self.search_pages, seconds=f"{stats.seconds:.1f}"))

    def on_post_build(self, /, *, config: MkDocsConfig) -> None:
        if self.session is not None:
            self.session.resume_collector()
            self._refresh_in_background(config, self.session)
        else:
            try:
                if self.search:
                    self._index_search(config)
            finally:
                self._drop_search_input()
        if not self.settings.binder or self.runbook is None:
            return
        started = time.perf_counter()
        _ = Translator(self.settings.language)
        left_out: set[str] = set()
        not_printed: dict[str, int] = {}
        try:
            done = binder_site.publish(self.runbook, self.settings, self.today,
                                       Path(config.site_dir), left_out, not_printed)  # fmt: skip
        except Exception as err:  # WeasyPrint or the file system: one clear build error
            raise PluginError(_("build.binders_failed", reason=str(err))) from None
        for path in sorted(left_out):
            log.warning(_("binder.left_out", path=path))
        for path, count in sorted(not_printed.items()):  # shown on the site: not a problem
            log.info(_("binder.not_printed_log", path=path, n=count))
        pages = [*self.runbook.procedures, *self.runbook.clients.values()]
        for path, size in binders.too_long(pages):
            log.warning(_("binder.too_long", path=path, size=size, limit=binders.MAX_BODY_CHARS))
        seconds = f"{time.perf_counter() - started:.1f}"
        log.info(_("build.binders_written", total=len(done.uris), seconds=seconds,
                   reused=done.reused, rendered=done.rendered))  # fmt: skip

    # serve -----------------------------------------------------------------
    def _refresh_in_background(self, config: MkDocsConfig, session: ServeSession) -> None:
        """Drop the pages whose source is gone, then refresh the search index (from every
        page's search copy) and the calendar feed after the build, in a background thread:
        the edited page is served without waiting for them."""
        site_dir = Path(config.site_dir)
        pages = {f.dest_uri for f in self.files.documentation_pages()} if self.files else set()
        session.prune(site_dir, pages, self.search_input)
        _ = Translator(self.settings.language)
        jobs = []
        if self.search and self.search_input is not None and self.search_pages:

            def written(pages: int, seconds: float) -> None:
                log.info(_("build.search_written", pages=pages, seconds=f"{seconds:.1f}"))

            jobs.append(refresh_search(site_dir, self.search_input, self.settings.language,
                                       written))  # fmt: skip
        ics = self.files.get_file_from_path(ICS) if self.files else None
        if ics is not None and ICS in self.rebuild:
            site, url_of = self.site, self._url_of(self.files)
            jobs.append(refresh_file(site_dir, ics.dest_uri, lambda: site.data_file(ICS, url_of)))
        session.refresher.start(jobs)

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder):
        """Rebuild on a change to any of the runbook's files (MkDocs watches only docs_dir
        and mkdocs.yml; watching a path twice is counted, not doubled); under `releve
        serve`, with the system's file events rather than polling (`watching.py`)."""
        ours = [str(p) for p in RunbookFiles.of(self.root, self.settings).paths(self.root)
                if p.exists()]  # fmt: skip
        for path in ours:
            server.watch(path)
        _ = Translator(self.settings.language)
        engine = [config.docs_dir, *config.theme.dirs]
        if config.config_file_path:
            engine.append(config.config_file_path)
        say = lambda key, reason: log.info(_(key, reason=reason))  # noqa: E731
        if watch_natively(server, [*engine, *ours], say) == NATIVE:
            log.info(_("serve.watch_native"))
        return server


BINDER_AUTO_LIMIT = 200
LOG_LIMIT = 20  # findings printed by a build without -v


def refuse_unsupported_engine(config: MkDocsConfig) -> None:
    """Stop at once, in one line, under an engine the plugin does not support (MkDocs 2.0)."""
    engine = running()
    if not supported(engine):
        _ = Translator(language_of(config.theme.get("language") or config.theme.locale.language))
        raise PluginError(_("build.engine_unsupported", engine=engine.label,
                            version=engine.version))  # fmt: skip


def binders_wanted(option: bool | str, procedures: int, serving: bool) -> bool:
    """Resolve `binder: auto`: PDFs cost about 0.1 s a page, too slow for serve or big runbooks."""
    if option == "auto":
        return not serving and procedures <= BINDER_AUTO_LIMIT
    return bool(option)


def _relative(folder: str, root: Path) -> str:
    """A folder MkDocs resolved (absolute) as the settings write it: relative to the root."""
    path = Path(folder)
    for candidate in (path, path.parent.resolve() / path.name):  # the root is resolved
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix() or "."
    return path.as_posix()  # outside the runbook: kept, so the link check refuses it


def _after_title(html: str, card: str) -> str:
    """Insert the card after a leading <h1>, or at the top (Material then adds the title)."""
    html, card = str(html), str(card)  # plain strings: never let Markup re-escape the page
    stripped = html.lstrip()
    if stripped.startswith("<h1"):
        end = stripped.find("</h1>")
        if end != -1:
            end += len("</h1>")
            return stripped[:end] + "\n" + card + stripped[end:]
    return card + "\n" + html
