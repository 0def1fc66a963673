"""Incremental rebuilds under `mkdocs serve --dirty`, through MkDocs' own dirty builds.

In a dirty build MkDocs reads, renders and writes only the files whose
`File.is_modified()` is true, and leaves the others' output in the site folder.
Its own test (the output is older than the source) cannot know that a procedure
shows on its owner's page, or that a name in team.yml shows everywhere; the pieces
here make it right without touching MkDocs' internals:

- `ReleveFile`: the pages and data files Relève adds say they are modified when
  `render/incremental.py` says so (or when their output is missing);
- `force`: a page of docs_dir is modified when something it embeds changed (the
  navigation, a credential card, a link to a file added or removed);
- `Titles`: pages that are not read again keep the title (and metadata) they had, so
  that the navigation printed on the pages that are rebuilt stays whole;
- `remove_stale`: the output of a page that is gone (a procedure deleted) is removed,
  so it is neither served nor found by search;
- `Background`: the search index and the calendar feed are made after the build, in
  a thread, so that the edited page is served without waiting for them.

`releve serve` gets all of this by calling `serve` below (MkDocs' serve with
`build_type="dirty"`), like `mkdocs serve --dirty`; a plain `mkdocs serve` rebuilds
every page, as always, and stays correct.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.releve")


class ReleveFile(File):
    """A page or data file Relève adds to the site; `modified` is set by the plugin for each
    build (a dirty build writes it only then, or when its output is missing)."""

    modified: bool = True

    def is_modified(self) -> bool:
        return self.modified or not os.path.isfile(self.abs_dest_path)


_FORCED: dict[type, type] = {}


def force(file: File) -> None:
    """Make a file MkDocs found count as modified in this build: the same object, of a
    subclass of its own class whose `is_modified()` is true (nothing else changes)."""
    cls = type(file)
    if getattr(cls, "releve_forced", False):
        return
    forced = _FORCED.get(cls)
    if forced is None:
        forced = type(f"Modified{cls.__name__}", (cls,),
                      {"is_modified": lambda self: True, "releve_forced": True})  # fmt: skip
        _FORCED[cls] = forced
    file.__class__ = forced


class Titles:
    """The title and metadata of each page as last built, for pages a dirty build does not
    read again (MkDocs would leave them without a title in the navigation)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[str | None, dict[str, Any]]] = {}

    def remember(self, page: Page) -> None:
        self._known[page.file.src_uri] = (page.title, dict(page.meta))

    def restore(self, nav: Navigation) -> None:
        for page in nav.pages:
            known = self._known.get(page.file.src_uri)
            if known is None or page.file.is_modified():
                continue
            title, meta = known
            if page.title is None and title is not None:
                page.title = title
            page.meta = dict(meta)


def dest_paths(files: Files) -> set[str]:
    return {file.abs_dest_path for file in files}


def remove_stale(site_dir: str, before: set[str], now: set[str]) -> list[str]:
    """Delete the output of files that were in the previous build and are gone now; their
    paths relative to the site."""
    top = Path(site_dir).resolve()
    removed: list[str] = []
    for path in sorted(before - now):
        target = Path(path)
        try:
            if not (target.resolve().is_relative_to(top) and target.is_file()):
                continue
            target.unlink()
            removed.append(target.resolve().relative_to(top).as_posix())
            folder = target.parent.resolve()
            while folder != top and folder.is_relative_to(top) and not any(folder.iterdir()):
                folder.rmdir()  # the page's own folder (use_directory_urls), if now empty
                folder = folder.parent
        except OSError:
            continue
    return removed


class Background:
    """One thread that runs the latest job handed to it: what a reader does not wait for
    after an edit (the search index, the calendar feed). A job handed over while another
    runs replaces any job still waiting: only the newest site needs indexing."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._job: Callable[[], None] | None = None
        self._busy = False
        self._stopped = False
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        with self._cond:
            self._job = job
            self._cond.notify_all()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="releve-background",
                                                daemon=True)  # fmt: skip
                self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                job, self._job, self._busy = self._job, None, True
            try:
                job()
            except Exception as err:  # one line in the serve log; the next edit tries again
                log.warning(f"releve: {err}")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no job is waiting or running; False when `timeout` ran out first."""
        with self._cond:
            return self._cond.wait_for(lambda: self._job is None and not self._busy, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)


def serve(config_file: str | None = None, **options: Any) -> None:
    """Serve the runbook, rebuilding only what each edit changes: MkDocs' `serve` with
    `build_type="dirty"`, as `mkdocs serve --dirty` does. `releve serve` calls this (options:
    `dev_addr`, `open_in_browser`, `livereload`, ... as MkDocs' `serve` takes them)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    mkdocs_serve(config_file=config_file, build_type="dirty", **options)
