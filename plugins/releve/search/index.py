"""Run Pagefind over a built site and write its index into `<site>/pagefind/`.

Pagefind's Python API (`pagefind.index.PagefindIndex`) drives the binary that
ships inside the `pagefind_bin` wheel, so readers of the runbook never run a
separate command. The whole directory is handed over in one request: the API
answers one request at a time with a 0.1 s poll, too slow to send 2,000 pages
one by one.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .marks import EXCLUDE_SELECTORS

BUNDLE = "pagefind"  # folder of the index and its scripts, relative to the site
TIMEOUT = 600  # seconds; 2,000 procedures take about 2 s: past this Pagefind has hung


@dataclass(frozen=True)
class IndexStats:
    pages: int  # HTML files Pagefind read (marked or not)
    seconds: float


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says why, in Pagefind's words."""


def build_index(site_dir: Path, language: str) -> IndexStats:
    """Index the marked pages of `site_dir` in `language` (stemming, stop words)."""
    out = site_dir / BUNDLE
    shutil.rmtree(out, ignore_errors=True)  # `--dirty` builds: no stale chunks
    started = time.perf_counter()
    try:
        pages = _run(asyncio.wait_for(_index(site_dir, out, language), TIMEOUT))
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
    return IndexStats(pages=pages, seconds=time.perf_counter() - started)


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
