"""What one `mkdocs serve --dirty` session keeps between its builds (`releve serve`).

MkDocs keeps the plugin between the builds of one `serve` (it has `on_startup`), and
with `--dirty` writes again only the files whose `is_modified()` says so. This
session decides that for Relève's files, from `render/incremental.py`'s plan and
from what only the site engine knows (its configuration, theme and navigation):

- the parsed sources stay in memory (`SourceCache.begin`): only edited files are read;
- the previous model, to compare with (`plan`);
- the search copies of every page, refreshed page by page, so that Pagefind can index
  the whole site again after a build that wrote ten pages;
- pages whose source is gone are removed from the site and from search (`prune`);
- the search index and the calendar feed are refreshed in a background thread once the
  build is done, so the edited page is served at once (`Refresher`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import jinja2
import jinja2.bccache

from ..core.atomic import write_atomic
from ..model.source_cache import SourceCache
from ..render.incremental import EVERYTHING, Rebuild, plan
from ..render.search import SearchIndexError, build_index, swap_in
from ..render.search.pagefind import BUNDLE
from ..render.site_content import SiteContent

log = logging.getLogger("mkdocs.plugins.releve")
# A piece of background work; it is handed `current()`, False once a newer build started.
Job = Callable[[Callable[[], bool]], None]


class ServeSession:
    """State carried from one build of a `serve --dirty` session to the next."""

    def __init__(self) -> None:
        self.cache: SourceCache | None = None
        self.site: SiteContent | None = None  # the previous build's model
        self.setup: tuple | None = None  # the previous build's engine setup (`setup_of`)
        self.pages: set[str] = set()  # dest URIs of the previous build's pages
        # src URI -> credential ids whose card the page shows inline, as last rendered
        self.cards_on: dict[str, set[str]] = {}
        self.refresher = Refresher()
        self.bytecode = MemoryBytecodeCache()  # the theme's templates, compiled once
        self._collecting = False  # the collector was on before this build paused it

    def pause_collector(self) -> None:
        """No garbage collection while a build runs. The session holds the whole model and
        site in memory, and each of the collector's full passes over it (50 to 100 ms at
        2,000 procedures) fell inside the build an edit waits for; it resumes after
        (`resume_collector`), when the page is already served."""
        self._collecting = self._collecting or gc.isenabled()
        gc.disable()

    def resume_collector(self) -> None:
        if self._collecting:
            gc.enable()
        self._collecting = False

    def source_cache(self, root: Path) -> SourceCache:
        """The runbook's source cache, opened once and kept in memory between builds."""
        if self.cache is None or self.cache.root != root.absolute():
            self.cache = SourceCache.open(root)
        else:
            self.cache.begin()
        return self.cache

    def plan(self, site: SiteContent, setup: tuple) -> Rebuild:
        """What this build writes again; remembers `site` and `setup` for the next one."""
        rebuild = EVERYTHING if setup != self.setup else plan(self.site, site)
        self.site, self.setup = site, setup
        return rebuild

    def forget(self) -> None:
        """A build failed part way: what the site holds is no longer what `site` says, so
        the next build writes everything."""
        self.site = self.setup = None

    def showing_cards(self, credentials: frozenset[str]) -> list[str]:
        """Source URIs of the pages that last showed one of these credentials' cards inline
        (a docs page, a client's notes...): their "also used in" may have changed."""
        return sorted(uri for uri, ids in self.cards_on.items() if ids & credentials)

    def prune(self, site_dir: Path, pages: set[str], copies: Path | None) -> list[str]:
        """Remove from the site (and from the search copies) the pages of the previous
        build that this one no longer has: a deleted procedure is not served any more."""
        gone = sorted(self.pages - pages)
        for dest in gone:
            for folder in (site_dir, copies):
                if folder is not None:
                    _remove(folder, dest)
        self.pages = pages
        return gone


def setup_of(config_file: str | None, theme_dirs: list[str], nav: object) -> tuple:
    """What the site engine reads besides the runbook: mkdocs.yml's bytes, the team's
    theme overrides (names, sizes and times) and the navigation. Any change: a full build."""
    digest = hashlib.sha256()
    if config_file:
        try:
            digest.update(Path(config_file).read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return (digest.hexdigest(), tuple(_tree_stamp(Path(d)) for d in theme_dirs), repr(nav))


def outdate(dest: str) -> None:
    """Make the engine's own `is_modified()` (a page older than its source) write the page
    at `dest` again: its time goes back to 1970. Nothing is removed, nothing is served
    missing meanwhile."""
    with contextlib.suppress(OSError):  # not written yet: it will be
        os.utime(dest, ns=(0, 0))


def empty_site(site_dir: Path) -> None:
    """Remove what a previous build wrote, but the search bundle (kept, so search works
    until the refreshed one is swapped in) and hidden files (as MkDocs does)."""
    if not site_dir.is_dir():
        return
    for entry in site_dir.iterdir():
        if entry.name.startswith(".") or entry.name == BUNDLE:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory between builds. The engine makes a new template
    environment for each build, and compiling Material's templates again costs a
    fifth of a second; Jinja keys each entry by the template's name and checks its
    source, so an edited override is compiled again."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


class Refresher:
    """The search index and the calendar feed, written again in a background thread after
    each build. A newer build makes an older refresh moot: it is dropped, not swapped in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._threads: list[threading.Thread] = []

    def cancel(self) -> None:
        """A build starts: whatever a refresh still running would write is stale."""
        with self._lock:
            self._generation += 1

    def start(self, jobs: list[Job]) -> None:
        """Run `jobs` in order in one thread; each gets `current()`: False once a newer
        build started (then it writes nothing)."""
        with self._lock:
            self._generation += 1
            generation = self._generation
            self._threads = [t for t in self._threads if t.is_alive()]

        def current() -> bool:
            return generation == self._generation

        def run() -> None:
            for job in jobs:
                if not current():
                    return
                try:
                    job(current)
                except Exception as err:  # never kill the server; say it once
                    if current():
                        log.warning("releve: %s", err)

        thread = threading.Thread(target=run, name="releve-refresh", daemon=True)
        self._threads.append(thread)
        thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the refreshes under way (shutdown, tests)."""
        for thread in list(self._threads):
            thread.join(timeout)


def refresh_search(
    site_dir: Path, copies: Path, language: str, done: Callable[[int, float], None]
) -> Job:
    """A job for `Refresher`: index the search copies into a staging folder, then swap it
    in if no newer build started meanwhile."""

    def job(current: Callable[[], bool]) -> None:
        staging = site_dir / f"{BUNDLE}.new-{threading.get_ident()}"
        try:
            stats = build_index(site_dir, language, pages=copies, staging=staging)
            with _SWAP:
                if current():
                    swap_in(site_dir, staging)
                    done(_count(copies), stats.seconds)
        except SearchIndexError as err:
            if current():
                raise RuntimeError(str(err)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    return job


def refresh_file(site_dir: Path, dest_uri: str, content: Callable[[], str | bytes]) -> Job:
    """A job for `Refresher`: compute a data file (the calendar feed) and write it."""

    def job(current: Callable[[], bool]) -> None:
        data = content()
        if current():
            write_atomic(
                site_dir / dest_uri, data.encode("utf-8") if isinstance(data, str) else data
            )

    return job


_SWAP = threading.Lock()


def _count(copies: Path) -> int:
    return sum(1 for _ in copies.rglob("*.html"))


def _remove(folder: Path, dest_uri: str) -> None:
    """Remove `folder/dest_uri` and the folders it leaves empty (never above `folder`)."""
    path = folder / dest_uri
    try:
        path.unlink()
    except OSError:
        return
    parent = path.parent
    while parent != folder and parent.is_relative_to(folder):
        try:
            parent.rmdir()  # only when empty
        except OSError:
            break
        parent = parent.parent


def _tree_stamp(folder: Path) -> tuple:
    """Names, sizes and modification times of the files under `folder` (none: empty)."""
    if not folder.is_dir():
        return ()
    out = []
    for dirpath, _dirs, names in os.walk(folder):
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            out.append((os.path.relpath(path, folder), st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))
