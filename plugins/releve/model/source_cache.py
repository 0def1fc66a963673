"""Parsed sources kept between runs, so that `releve lint` in a pre-commit hook (and the
build) reads again only the files that changed.

The cache lives in `<runbook>/.releve-cache/sources.pickle` (the folder holds its own
`.gitignore`, so it is never committed even where the runbook's `.gitignore` does not
list it). Each entry is one source file's parse (a `Procedure` or `Client` and the
findings its parse gave) plus the facts rules remembered about that page
(`remembered`), keyed by the file's path and what `os.lstat` says of it: size,
mtime_ns, ctime_ns, inode and device.

Never stale:

- an edit changes mtime and ctime; a file swapped in with the same mtime has another
  size, inode or ctime (ctime cannot be set back by `touch` or `os.utime`);
- a file changed within `RACY_NS` of the moment it was read is not kept, as two
  writes inside one tick of the file system's clock would share the same times;
- symbolic links and other non-regular files are parsed every time;
- the whole cache belongs to one Relève: its version, a fingerprint of its own source
  files, the Python version and the runbook's absolute path; any difference empties it.

Never a traceback: an unreadable, corrupt, foreign or unwritable cache is ignored, and
a save that fails leaves the previous one (writes are atomic). Only Relève's model
classes, dates and paths can come out of the file: a crafted cache cannot run code.
"""

from __future__ import annotations

import copy
import io
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar

from ..core.atomic import write_atomic
from ..core.cache import CACHE_DIR, cache_folder, code_fingerprint

SOURCES = "sources.pickle"
FORMAT = 1
RACY_NS = 3_000_000_000  # FAT keeps times to 2 s; Linux ticks in milliseconds

Stamp = tuple[int, int, int, int, int]
T = TypeVar("T")


class _Miss:
    pass


MISS: Any = _Miss()  # a parse may be None (an unreadable file): misses are this


def stamp_of(path: Path) -> Stamp | None:
    """What identifies a file's content without reading it; None for links and non-files."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


# Libraries whose upgrade may change a parse or a remembered fact (YAML, list rendering).
LIBRARIES = ("_ruamel_yaml", "ruamel.yaml", "markdown", "pymdownx", "mdx_truly_sane_lists")


def signature(root: Path) -> tuple:
    """What a cache must have been written by to be read."""
    from .. import __version__  # read at each call: a version change must be seen

    return (FORMAT, __version__, code_fingerprint(*LIBRARIES), sys.version_info[:2], str(root))


# Unpickling: only these, and classes of Relève's model (a crafted file cannot call
# anything else).
_ALLOWED = {
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"),
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"),
    ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "Path"),
}  # fmt: skip
_MODULES = ("releve.model.", "releve.core.findings")


@cache
def _allowed(module: str, name: str) -> Any:
    if (module, name) in _ALLOWED:
        return getattr(import_module(module), name)
    if module.startswith(_MODULES):
        found = getattr(import_module(module), name, None)
        if isinstance(found, type) and found.__module__ == module:
            return found
    return None


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _allowed(module, name)
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return found


def _loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


def _dumps(value: Any) -> bytes:
    """A parse as stored: its page without its path (the entry's own) and without facts
    (kept beside it, as they grow after the parse)."""
    page = _page_of(value)
    if page is not None:
        page = copy.copy(page)
        page.facts = {}
        if getattr(page, "source", None) is not None:
            page.source = None
        value = (page, *value[1:]) if isinstance(value, tuple) else page
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class SourceCache:
    """Parses of source files by file identity; see the module's docstring."""

    def __init__(self, root: Path, entries: dict[str, tuple] | None = None) -> None:
        self.root = root
        self._entries: dict[str, tuple[Stamp, bytes, dict]] = entries or {}
        # key -> (stamp, blob, page, value) of the files read in this run; `_memory`: those of
        # the previous run in the same process (`begin`), handed back as they are.
        self._live: dict[str, tuple[Stamp, bytes, Any, Any]] = {}
        self._memory: dict[str, tuple[Stamp, bytes, Any, Any]] = {}
        self._dirty = False
        self.hits = 0
        self.misses = 0

    def begin(self) -> None:
        """Start another run in the same process (`mkdocs serve` rebuilding): the objects of
        the previous run are reused as they are for files that did not change."""
        self._memory, self._live = self._live, {}
        self.hits = self.misses = 0

    # opening and saving ----------------------------------------------------------
    @classmethod
    def open(cls, root: Path | str) -> SourceCache:
        """The cache of `root`, or an empty one when there is none or it cannot be read."""
        root = Path(root).absolute()
        try:
            data = (root / CACHE_DIR / SOURCES).read_bytes()
            saved = _loads(data)
            if (
                isinstance(saved, dict)
                and saved.get("signature") == signature(root)
                and isinstance(saved.get("entries"), dict)
            ):
                return cls(root, saved["entries"])
        except Exception:  # any unreadable cache is no cache
            pass
        return cls(root)

    def save(self) -> None:
        """Write what this run parsed and remembered (entries of files no longer read are
        dropped); silently nothing when the folder cannot be written."""
        entries: dict[str, tuple[Stamp, bytes, dict]] = {}
        for key, (stamp, blob, page, _value) in self._live.items():
            facts = dict(getattr(page, "facts", None) or {})
            old = self._entries.get(key)
            if old is None or old[0] != stamp or old[2] != facts:
                self._dirty = True
            entries[key] = (stamp, blob, facts)
        if not self._dirty and entries.keys() == self._entries.keys():
            return
        try:
            data = pickle.dumps(
                {"signature": signature(self.root), "entries": entries},
                protocol=pickle.HIGHEST_PROTOCOL,
            )
            write_atomic(cache_folder(self.root) / SOURCES, data)
        except Exception:  # a read-only checkout, a full disk: no cache
            return
        self._entries, self._dirty = entries, False

    # reading and storing -----------------------------------------------------------
    def parse_all(
        self,
        files: list[tuple[str, Path, Callable[[Path, Path, list], Any]]],
        root: Path,
        then: Callable[[Any], None] | None = None,
        workers: int = 1,
    ) -> list[tuple[Any, list]]:
        """`(parse(root, path, findings), findings)` of each `(kind, path, parse)`, in order,
        from the cache where a file is unchanged. `then(page)` runs on each page parsed (to
        compute facts rules remember). With `workers` > 1 and many files to parse, about
        half of them are parsed (and `then`) in a forked process, on another core (`releve
        lint`, a single-threaded command, asks for it; a first run on 2,000 files is about
        a third shorter on two cores). Clients and procedures come in one list, so that
        both kinds are shared."""
        out: list[Any] = [MISS] * len(files)
        todo: list[tuple[int, str, Stamp | None]] = []
        for index, (kind, path, _parse) in enumerate(files):
            key, before = self._key(kind, path), stamp_of(path)
            out[index] = self._reuse(key, path, before)
            if out[index] is MISS:
                todo.append((index, key, before))
        self.misses += len(todo)
        away: list[tuple[int, str, Stamp | None]] = []
        pool = None
        if workers > 1 and len(todo) >= PARALLEL_FROM and _can_fork():
            try:
                from concurrent.futures import ProcessPoolExecutor
                from multiprocessing import get_context

                pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
                # The other process gets a little more: this one also reads its results back.
                split = int(len(todo) * (1 - AWAY_SHARE))
                away, todo = todo[split:], todo[:split]
                jobs = [(files[i][2], files[i][1]) for i, _, _ in away]
                future = pool.submit(_parse_away, root, jobs, then)
            except Exception:  # no process could be started: all of them here
                todo, away = todo + away, []
        for index, key, before in todo:
            _kind, path, parse = files[index]
            out[index] = self._fresh(key, before, path, parse, root, then)
        if away:
            try:
                results = future.result()
            except Exception:  # the other process failed: parse its share here
                results = [None] * len(away)
            for (index, key, before), done in zip(away, results, strict=True):
                _kind, path, parse = files[index]
                value = self._arrived(key, before, path, done)
                if value is MISS:
                    value = self._fresh(key, before, path, parse, root, then)
                out[index] = value
        if pool is not None:
            pool.shutdown(wait=False)
        return out

    # the pieces --------------------------------------------------------------------
    def _key(self, kind: str, path: Path) -> str:
        try:
            return f"{kind}:{path.relative_to(self.root).as_posix()}"
        except ValueError:
            return f"{kind}:{path}"

    def _reuse(self, key: str, path: Path, before: Stamp | None) -> Any:
        """The cached parse of an unchanged file, or MISS."""
        if before is None:
            return MISS
        kept = self._memory.get(key)
        if kept is not None and kept[0] == before:
            self.hits += 1
            self._live[key] = kept
            return kept[3]
        entry = self._entries.get(key)
        if entry is None or entry[0] != before:
            return MISS
        try:
            value = _loads(entry[1])
        except Exception:  # an entry that cannot be read is parsed again
            return MISS
        self.hits += 1
        _restore(value, path, entry[2])
        self._live[key] = (before, entry[1], _page_of(value), value)
        return value

    def _fresh(self, key: str, before: Stamp | None, path: Path, parse, root: Path, then) -> Any:
        own: list = []
        value = (parse(root, path, own), own)
        if then is not None and _page_of(value) is not None:
            then(value[0])
        self._keep(key, before, path, value)
        return value

    def _keep(self, key: str, before: Stamp | None, path: Path, value: Any,
              blob: bytes | None = None) -> None:  # fmt: skip
        """Keep a new parse, unless the file changed while it was read or a moment ago."""
        if before is None or _racy(before) or stamp_of(path) != before:
            return
        try:
            blob = blob if blob is not None else _dumps(value)
        except Exception:  # something unpicklable: parsed each time
            return
        self._live[key] = (before, blob, _page_of(value), value)
        self._dirty = True

    def _arrived(self, key: str, before: Stamp | None, path: Path, done: Any) -> Any:
        """A parse made by the other process: its stored form and the facts found."""
        if not (isinstance(done, tuple) and len(done) == 2):
            return MISS
        blob, facts = done
        try:
            value = _loads(blob)
        except Exception:
            return MISS
        _restore(value, path, facts)
        self._keep(key, before, path, value, blob)
        return value


PARALLEL_FROM = 400  # files to parse: fewer are not worth starting another process
AWAY_SHARE = 0.48  # of the files to parse, the share the forked process parses


def _can_fork() -> bool:
    from multiprocessing import get_all_start_methods

    return (os.cpu_count() or 1) > 1 and "fork" in get_all_start_methods()


def _parse_away(
    root: Path, jobs: list[tuple[Callable, Path]], then
) -> list[tuple[bytes, dict] | None]:
    """In the forked process: each file's parse in its stored form, and its facts."""
    out: list[tuple[bytes, dict] | None] = []
    for parse, path in jobs:
        try:
            own: list = []
            value = (parse(root, path, own), own)
            page = _page_of(value)
            if then is not None and page is not None:
                then(page)
            out.append((_dumps(value), dict(page.facts) if page is not None else {}))
        except Exception:  # parsed again by the parent, which reports what goes wrong
            out.append(None)
    return out


def _restore(value: Any, path: Path, facts: Any) -> None:
    """A page read back: its own path (not stored) and the facts kept beside it."""
    page = _page_of(value)
    if page is not None:
        page.facts = dict(facts) if isinstance(facts, dict) else {}
        if hasattr(page, "source"):
            page.source = path


def _page_of(value: Any) -> Any:
    """The page in a cached value (`(page, findings)`), which may carry remembered facts."""
    page = value[0] if isinstance(value, tuple) and value else value
    return page if hasattr(page, "facts") else None


def _racy(stamp: Stamp) -> bool:
    """Changed so recently that another write could still come with the same times."""
    now = time.time_ns()
    return stamp[1] > now - RACY_NS or stamp[2] > now - RACY_NS


def remembered(page: Any, key: str, compute: Callable[[], T]) -> T:
    """A fact about a page that depends only on its file (and Relève): computed once,
    kept with the page in the source cache. `key` names the fact and anything else it
    depends on (a setting)."""
    facts = page.facts
    if key not in facts:
        facts[key] = compute()
    return facts[key]
