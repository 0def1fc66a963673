"""Run Pagefind over a built site and write its index into `<site>/pagefind/`.

Pagefind's Python API (`pagefind.index.PagefindIndex`) drives the binary that
ships inside the `pagefind_bin` wheel, so readers of the runbook never run a
separate command. The whole directory is handed over in one request: the API
answers one request at a time with a 0.1 s poll, too slow to send 2,000 pages
one by one.

The API stops the binary as soon as it has answered "files written"; on a busy
machine that has left empty files behind (seen here: an empty
pagefind-entry.json). So the bundle is checked after every run (every file
non-empty, every compressed file whole) and indexing runs again, up to
ATTEMPTS times, before the build fails with one clear line.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .marks import EXCLUDE_SELECTORS

BUNDLE = "pagefind"  # folder of the index and its scripts, relative to the site
TIMEOUT = 600  # seconds; 2,000 procedures take about 2 s: past this Pagefind has hung
ATTEMPTS = 3
# Pagefind's ready-made interfaces: Relève's own script drives pagefind.js instead.
UNUSED = tuple(f"pagefind-{ui}.{ext}" for ui in ("ui", "modular-ui", "component-ui")
               for ext in ("js", "css"))  # fmt: skip


@dataclass(frozen=True)
class IndexStats:
    pages: int  # HTML files Pagefind read (marked or not)
    seconds: float


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says why, in Pagefind's words."""


def build_index(site_dir: Path, language: str, staged: bool = False) -> IndexStats:
    """Index the marked pages of `site_dir` in `language` (stemming, stop words).

    `staged` (while the site is served): the index is written beside the current one and
    put in its place when whole, so that search keeps answering meanwhile."""
    final = site_dir / BUNDLE
    out = site_dir / f".{BUNDLE}-next" if staged else final
    started = time.perf_counter()
    for _ in range(ATTEMPTS):
        shutil.rmtree(out, ignore_errors=True)  # no stale chunks (`--dirty`, a retry)
        pages = _index_once(site_dir, out, language)
        broken = incomplete(out)
        if broken is None:
            for name in UNUSED:
                (out / name).unlink(missing_ok=True)
            if staged:
                _replace(out, final)
            return IndexStats(pages=pages, seconds=time.perf_counter() - started)
    raise SearchIndexError(
        f"Pagefind wrote an incomplete index {ATTEMPTS} times ({broken}); build again"
    )


def _replace(new: Path, final: Path) -> None:
    """Put the folder `new` in the place of `final` (two renames; the old one removed)."""
    old = final.with_name(f".{final.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def incomplete(out: Path) -> str | None:
    """The first sign that the bundle in `out` is not whole, or None when it is."""
    try:
        entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "pagefind-entry.json unreadable"
    if not entry.get("languages"):
        return "pagefind-entry.json lists no language"
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if not data:
            return f"{path.relative_to(out)} is empty"
        if data[:2] == b"\x1f\x8b":  # index chunks, fragments, filters, WebAssembly
            try:
                gzip.decompress(data)
            except (OSError, EOFError, zlib.error):
                return f"{path.relative_to(out)} is cut short"
    return None


def _index_once(site_dir: Path, out: Path, language: str) -> int:
    try:
        return _run(asyncio.wait_for(_index(site_dir, out, language), TIMEOUT))
    except ImportError:
        missing = "the `pagefind` package is missing: pip install 'pagefind[bin]'"
        raise SearchIndexError(missing) from None
    except FileNotFoundError as err:
        where = f" ({err.filename})" if err.filename else ""
        missing = f"the Pagefind binary was not found{where}: pip install 'pagefind[bin]'"
        raise SearchIndexError(missing) from None
    except TimeoutError:
        raise SearchIndexError(f"Pagefind did not answer within {TIMEOUT} s") from None
    except Exception as err:  # Pagefind reported an error
        raise SearchIndexError(str(err) or type(err).__name__) from None


def _run(coroutine):
    """Run `coroutine` to the end, in a thread of its own when the caller has an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _index(site_dir: Path, out: Path, language: str) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(
        force_language=language,
        exclude_selectors=list(EXCLUDE_SELECTORS),
        output_path=str(out),
    )
    async with PagefindIndex(config=config) as index:
        result = await index.add_directory(str(site_dir))
    return int(result.get("page_count", 0))
