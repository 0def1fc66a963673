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
- `on_serve`: watch the runbook sources outside `docs_dir`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..core.days import BadDate, today
from ..core.findings import ERROR, Finding
from ..core.md_extensions import AdmonitionTitles, extension_map
from ..core.settings import Settings
from ..coverage.compute import Coverage
from ..i18n import Translator, language_of
from ..model import Client, Procedure, Runbook
from ..model.source_cache import SourceCache
from ..model.sources import unsafe_links
from ..render import binder as binders
from ..render import raw_html, templates
from ..render.binder import publish as binder_site
from ..render.incremental import Rebuild, rebuild
from ..render.pages import generated as views
from ..render.pages.coverage import ICS
from ..render.pages.credential_cards import CredentialCards, mark_inline
from ..render.reports.lint_report import build_log
from ..render.search import SearchIndexError, build_index, mark_page, search_copy
from ..render.site_content import SiteContent
from ..render.site_map import (
    HOME,
    Links,
    person_uri,
)
from . import search as site_search
from .config import RelevePluginConfig
from .engine import running, supported
from .incremental import Background, ReleveFile, Titles, dest_paths, force, remove_stale
from .nav import build_nav

# A plain logger under `mkdocs.`: counted by --strict, printed as `path:line: CODE message`.
log = logging.getLogger("mkdocs.plugins.releve")
ASSETS = Path(__file__).resolve().parent.parent / "assets"
THEME_DIR = str(Path(__file__).resolve().parent.parent / "templates" / "theme")
ASSET_URIS = ("assets/releve/releve.css", "assets/releve/releve.js",
              "assets/releve/vault.css", "assets/releve/reveal.js",
              "assets/releve/today.css", "assets/releve/today.js")  # fmt: skip
SEARCH_ASSET_URIS = ("assets/releve/search.css", "assets/releve/search.js")


@dataclass
class Built:
    """What the previous build in this process wrote (`mkdocs serve` keeps the plugin): the
    next dirty build writes again only what changed since (`render/incremental.py`)."""

    site: SiteContent
    config_key: str
    nav_key: str
    pages: dict[str, str] = field(default_factory=dict)  # generated Markdown by source URI
    data: dict[str, str | bytes] = field(default_factory=dict)  # data files by URI


class RelevePlugin(BasePlugin[RelevePluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.dirty = False  # `mkdocs serve --dirty`, `releve serve`: only what changed is built
        self.source_cache: SourceCache | None = None  # kept across `serve` rebuilds
        self.built: Built | None = None
        self.titles = Titles()
        self.background: Background | None = None
        self.search_input: Path | None = None  # what Pagefind reads (serve: kept)
        self.previous_dests: set[str] = set()  # every file the previous build wrote
        self.deferred: set[str] = set()  # data files the background job still has to write
        self._reset()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        if self.background is not None:
            self.background.stop()
        self._drop_search_input()

    def on_build_error(self, /, *, error: Exception) -> None:
        if not self.serving:
            self._drop_search_input()

    def _prepare_search_input(self, config: MkDocsConfig, keep: bool) -> None:
        """The folder of what Pagefind reads (`search_copy` of each marked page): kept from
        one dirty build to the next, where pages not built again keep their copies. Under
        `serve`, a hidden folder of the server's own temporary site (removed with it);
        otherwise a temporary folder, removed after the build (never published)."""
        if not self.search:
            return
        if keep and self.search_input is not None and self.search_input.is_dir():
            return
        self._drop_search_input()
        if self.serving:
            self.search_input = Path(config.site_dir) / ".releve-search"
            self.search_input.mkdir(parents=True, exist_ok=True)
        else:
            self.search_input = Path(tempfile.mkdtemp(prefix="releve-search-"))

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
        self.sources: dict[str, Procedure | Client] = {}  # src_uri -> model object
        self.files: Files | None = None
        self.cards: CredentialCards | None = None
        self.inline: dict[str, list[str]] = {}  # src_uri -> ids of inline [[cred:ID]]
        self.search = False  # Relève's search answers the header box (Pagefind)
        self.search_pages = 0  # pages marked for the index by on_post_page
        self.plan = Rebuild.all("first build")  # what this build writes again
        self.config_key = ""
        self.incremental = False  # no plugin that needs every page in every build
        self.later: set[str] = set()  # data files left to the background job (serve)
        self.unchanged: set[str] = set()  # generated files made again, identical to before
        self.urls: dict[str, str] | None = None  # src_uri -> URL, once the files are known
        self.generated: set[str] = set()  # source URIs of the pages Relève generates
        self.stashed: dict[str, dict[str, str]] = {}  # src_uri -> raw HTML blocks (raw_html)
        self.rebuilt = (0, 0)  # (pages built again, pages) in a dirty build

    # configuration ---------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._reset()
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
            binder=self.config.binder is True,
            markdown_extensions=extension_map(config.markdown_extensions, config.mdx_configs),
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
        self.config_key = _config_key(config)
        self.incremental = not _whole_site_plugins(config)
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
        return env

    # files -----------------------------------------------------------------
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Load the model once (`SiteContent`), then add its sources, assets, generated
        pages and data files to MkDocs' collection. In a dirty build (`serve --dirty`),
        only what changed since the previous build is generated and said to be modified."""
        self.site = site = SiteContent.load(self.root, self.settings, self.today,
                                            self._source_cache())  # fmt: skip
        self.runbook, self.findings = site.runbook, site.findings
        self.coverage, self.cards = site.coverage, site.cards
        count = len(site.runbook.procedures)
        self.settings.binder = binders_wanted(self.config.binder, count, self.serving)
        if self.config.binder == "auto" and not self.settings.binder:
            log.info(Translator(self.settings.language)("build.binders_skipped", n=count))
        self._log_findings()
        self._refuse_secrets()
        last = self.built if self.dirty and self.incremental else None
        if last is not None and last.config_key != self.config_key:
            last = None  # mkdocs.yml changed: everything
        plan = rebuild(last.site if last is not None else None, site)
        self._prepare_search_input(config, keep=last is not None)

        for proc in site.runbook.procedures:
            self._add_source(files, config, proc.path, proc)
        for client in site.runbook.clients.values():
            self._add_source(files, config, client.path, client)
        for uri in self._asset_uris():
            files.append(File(uri, src_dir=str(ASSETS.parent), dest_dir=config.site_dir,
                              use_directory_urls=False))  # fmt: skip
            files.get_file_from_path(uri).abs_src_path = str(ASSETS / Path(uri).name)
        # Generated pages and data files are registered first (empty), so that every link
        # between them resolves; then their content is computed.
        generated = [u for u in site.page_uris() if files.get_file_from_path(u) is None]
        self.generated = set(generated)
        for uri in [*generated, *site.data_uris()]:
            files.append(ReleveFile.generated(config, uri, content=""))
        self._freeze_urls(files)
        url_of = self._url_of(files)

        nav_key = ""
        if config.nav is None and self.config.nav:
            config.nav = build_nav(site.runbook, files, self.sources, self.settings,
                                   self.config.nav_procedures)  # fmt: skip
            nav_key = repr(config.nav)
        if last is not None and nav_key != last.nav_key:
            plan = Rebuild.all("navigation")  # every page embeds it
        self.plan = plan
        pages = self._generated(site, url_of, generated, last)
        data = self._data(site, url_of, last)
        for uri in generated:
            files.get_file_from_path(uri).content_string = pages[uri]
        for uri, content in data.items():
            file = files.get_file_from_path(uri)
            if isinstance(content, bytes):
                file.content_bytes = content
            else:
                file.content_string = content
        self._mark_modified(files, generated)
        if self.dirty:  # kept for the next build's comparison
            self.built = Built(site, self.config_key, nav_key, pages, data)
        self.files = files
        return files

    def _source_cache(self) -> SourceCache:
        """The runbook's source cache; kept by `serve` from one build to the next, so that
        the files an edit did not touch are not even read back from the cache file."""
        cache = self.source_cache
        if cache is None or cache.root != self.root or not self.serving:
            cache = self.source_cache = SourceCache.open(self.root)
        else:
            cache.begin()
        return cache

    def _generated(self, site: SiteContent, url_of, uris: list[str], last: Built | None):
        """The Markdown of the generated pages: made again for those this build writes,
        kept from the previous build for the others. A page made again with the very same
        Markdown is not written again (a body edit leaves the coverage matrix as it was)."""
        keep = last.pages if last is not None and not self.plan.everything else {}
        wanted = {uri for uri in uris if self.plan.page(uri) or uri not in keep}
        made = site.pages(url_of, wanted)
        self.unchanged |= {uri for uri, text in made.items() if keep.get(uri) == text}
        return {uri: made[uri] if uri in made else keep[uri] for uri in uris}

    def _data(self, site: SiteContent, url_of, last: Built | None) -> dict[str, str | bytes]:
        """The data files, like the pages. Under `serve` the calendar feed is left to the
        background (`on_post_build`): a reader of the edited page does not wait for it."""
        keep = last.data if last is not None and not self.plan.everything else {}
        wanted = {u for u in site.data_uris() if self.plan.datum(u) or u not in keep}
        later = {ICS} & wanted if self.serving else set()
        made = site.data_files(url_of, wanted - later)
        self.later = later
        self.unchanged |= {uri for uri, content in made.items() if keep.get(uri) == content}
        return {uri: made.get(uri, keep.get(uri, "")) for uri in site.data_uris()}

    def _mark_modified(self, files: Files, generated: list[str]) -> None:
        """Say which files this build writes (read by MkDocs only in a dirty build)."""
        plan = self.plan
        for uri, obj in self.sources.items():
            file = files.get_file_from_path(uri)
            if isinstance(file, ReleveFile):
                file.modified = plan.page(uri) or _names(obj.body, plan.names)
        for uri in [*generated, *SiteContent.data_uris()]:
            file = files.get_file_from_path(uri)
            if isinstance(file, ReleveFile):
                file.modified = (plan.page(uri) or plan.datum(uri)) and uri not in self.unchanged
                if uri in self.later:
                    file.modified = False  # written by the background job
        if not self.dirty or plan.nothing:
            return
        for file in files.documentation_pages():
            if isinstance(file, ReleveFile) or file.abs_src_path is None:
                continue
            if plan.everything:
                force(file)
                continue
            try:
                text = file.content_string
            except (OSError, ValueError):
                continue
            # A credential card lists where the credential is used; a link may now resolve.
            if "[[cred:" in text or _names(text, plan.names):
                force(file)

    def _add_source(self, files: Files, config: MkDocsConfig, uri: str, obj) -> None:
        if files.get_file_from_path(uri) is not None:
            log.warning(Translator(self.settings.language)("build.shadowed", path=uri))
            files.remove(files.get_file_from_path(uri))
        file = ReleveFile(uri, src_dir=str(self.root), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls,
                          inclusion=InclusionLevel.NOT_IN_NAV)  # fmt: skip
        file.edit_uri = self._edit_uri(config, uri)
        files.append(file)
        self.sources[uri] = obj

    def _edit_uri(self, config: MkDocsConfig, uri: str) -> str | None:
        """Path of the real source from `edit_uri`, which points at docs_dir by convention."""
        if not (config.edit_uri or config.edit_uri_template):
            return None
        docs = Path(config.docs_dir).resolve()
        rel = os.path.relpath(self.root / uri, docs) if docs != self.root else uri
        return Path(rel).as_posix()

    def _url_of(self, files: Files):
        """src_uri -> URL. Once every file is known (`freeze_urls`) from one dict: views ask
        for tens of thousands of links in a large runbook."""

        def url_of(src_uri: str) -> str | None:
            urls = self.urls if self.files is files else None
            if urls is not None and src_uri in urls:
                return urls[src_uri]
            file = files.get_file_from_path(src_uri)
            return file.url if file is not None else None

        return url_of

    def _freeze_urls(self, files: Files) -> None:
        self.files = files
        self.urls = {file.src_uri: file.url for file in files}

    def _log_findings(self) -> None:
        """Errors as warnings (counted by --strict), others as info; every finding with -v.

        Without -v, at most LOG_LIMIT findings then counts per code: `serve` rebuilds on
        every edit, and a large runbook would print hundreds of lines each time.
        """
        limit = None if log.isEnabledFor(logging.DEBUG) else LOG_LIMIT
        for severity, line in build_log(self.findings, self.settings.language, limit):
            log.log(logging.WARNING if severity == ERROR else logging.INFO, line)

    def _refuse_unsafe_links(self, config: MkDocsConfig) -> None:
        """Before MkDocs walks docs_dir: no symbolic link may lead outside the runbook."""
        s = self.settings
        starts = [Path(config.docs_dir)]
        starts += [self.root / name for name in (s.procedures_dir, s.clients_dir, s.team_file,
                                                 s.vault_file)]  # fmt: skip
        if config.theme.custom_dir:
            starts.append(Path(config.theme.custom_dir))
        unsafe = unsafe_links(self.root, starts)
        if unsafe:
            _ = Translator(s.language)
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
            return _after_title(html, link) if link else html
        lang = self.settings.language
        if isinstance(obj, Procedure):
            card = views.procedure_card(self.runbook, obj, lang, links, self.today)
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

    # navigation ------------------------------------------------------------
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """In a dirty build, pages not read again keep their titles in the navigation."""
        if self.dirty:
            self.titles.restore(nav)
            pages = files.documentation_pages()
            self.rebuilt = (sum(1 for f in pages if f.is_modified()), len(pages))
        return nav

    # search ----------------------------------------------------------------
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if self.dirty:
            self.titles.remember(page)
        target = site_search.search_page(page, self.sources, self.runbook) if self.search else None
        if target is None:
            return output
        self.search_pages += 1
        marked = mark_page(output, target)
        copy = search_copy(marked)
        if copy is not None and self.search_input is not None:
            # What Pagefind reads of the page, in a folder laid out like the site.
            path = self.search_input / page.file.dest_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(copy, encoding="utf-8")
        return marked

    def _index_search(self, config: MkDocsConfig) -> None:
        _ = Translator(self.settings.language)
        try:
            stats = build_index(Path(config.site_dir), self.settings.language,
                                staged=self.serving, pages=self.search_input)  # fmt: skip
        except SearchIndexError as err:
            raise PluginError(_("build.search_failed", reason=str(err))) from None
        log.info(_("build.search_written", pages=self.search_pages, seconds=f"{stats.seconds:.1f}"))

    def on_post_build(self, /, *, config: MkDocsConfig) -> None:
        removed: list[str] = []
        if self.dirty and self.built is not None and self.files is not None:
            now = dest_paths(self.files)
            before = self.previous_dests
            removed = remove_stale(config.site_dir, before, now) if before else []
            self.previous_dests = now
            for path in removed:  # nor in what search reads
                if self.search_input is not None:
                    (self.search_input / path).unlink(missing_ok=True)
        # A search index is needed when pages were marked (Pagefind would index every page,
        # noise included, on a site without marks) or when pages went away.
        index = self.search and (self.search_pages > 0 or bool(removed))
        if self.serving:
            self._after_serve_build(config, index)
        else:
            try:
                if index:
                    self._index_search(config)
            finally:
                self._drop_search_input()
        self._log_rebuilt()
        if not self.settings.binder or self.runbook is None:
            return
        started = time.perf_counter()
        _ = Translator(self.settings.language)
        left_out: set[str] = set()
        try:
            done = binder_site.publish(self.runbook, self.settings, self.today,
                                       Path(config.site_dir), left_out)  # fmt: skip
        except Exception as err:  # WeasyPrint or the file system: one clear build error
            raise PluginError(_("build.binders_failed", reason=str(err))) from None
        for path in sorted(left_out):
            log.warning(_("binder.left_out", path=path))
        pages = [*self.runbook.procedures, *self.runbook.clients.values()]
        for path, size in binders.too_long(pages):
            log.warning(_("binder.too_long", path=path, size=size, limit=binders.MAX_BODY_CHARS))
        seconds = f"{time.perf_counter() - started:.1f}"
        log.info(_("build.binders_written", total=len(done.uris), seconds=seconds,
                   reused=done.reused, rendered=done.rendered))  # fmt: skip

    def _after_serve_build(self, config: MkDocsConfig, index: bool) -> None:
        """Under `serve`: the calendar feed and the search index are made in the background,
        after the build, so that the browser reloads the edited page without waiting."""
        self.deferred |= self.later
        if not (self.deferred or index):
            return
        site, files, built, url_of = self.site, self.files, self.built, self._url_of(self.files)

        def job() -> None:
            data, self.deferred = self.deferred, set()
            for uri, content in site.data_files(url_of, data).items():
                file = files.get_file_from_path(uri)
                if file is None:
                    continue
                target = Path(file.abs_dest_path)
                target.parent.mkdir(parents=True, exist_ok=True)
                raw = content if isinstance(content, bytes) else content.encode("utf-8")
                target.with_name(target.name + ".tmp").write_bytes(raw)
                os.replace(target.with_name(target.name + ".tmp"), target)
                if built is not None:
                    built.data[uri] = content
            if index:
                self._index_search(config)

        if self.background is None:
            self.background = Background()
        self.background.submit(job)

    def _log_rebuilt(self) -> None:
        if self.dirty and self.rebuilt[1]:
            _ = Translator(self.settings.language)
            log.info(_("build.incremental", built=self.rebuilt[0], total=self.rebuilt[1]))

    # serve -----------------------------------------------------------------
    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder):
        for name in (self.settings.procedures_dir, self.settings.clients_dir,
                     self.settings.team_file, self.settings.vault_file):  # fmt: skip
            path = self.root / name
            if path.exists():
                server.watch(str(path))
        return server


BINDER_AUTO_LIMIT = 200
LOG_LIMIT = 20  # findings printed by a build without -v


# Plugins that must see every page in every build (an index, a list of posts or tags): with
# one of them, a dirty build rebuilds everything.
WHOLE_SITE_PLUGINS = ("search", "material/search", "tags", "material/tags", "blog",
                      "material/blog")  # fmt: skip


def _whole_site_plugins(config: MkDocsConfig) -> list[str]:
    out = []
    for name, plugin in config.plugins.items():
        if name in WHOLE_SITE_PLUGINS and not isinstance(plugin, site_search.SearchBox):
            enabled = getattr(getattr(plugin, "config", None), "enabled", True)
            if enabled is not False:
                out.append(name)
    return out


def _config_key(config: MkDocsConfig) -> str:
    """mkdocs.yml as written: any change to it rebuilds everything."""
    try:
        data = Path(config.config_file_path or "").read_bytes()
    except OSError:
        data = b""
    return hashlib.sha256(data).hexdigest()


def _names(text: str, names: set[str]) -> bool:
    """Whether `text` names one of the files added or removed (a link to it)."""
    return any(name in text for name in names)


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
