"""Run Pagefind over a built site and write its index into `<site>/pagefind/`.

The Pagefind binary ships inside the `pagefind_bin` wheel (found through the
`pagefind` package, or `PAGEFIND_BINARY_PATH`), so readers of the runbook never
install a separate command. It runs once over the whole site, as a command with
its options on the command line, from an empty folder and without `PAGEFIND_*`
variables, so that no configuration file or variable of the runbook's changes
what is indexed. (Pagefind's Python API waits 0.1 s before reading each answer
of the binary: about half a second of a build did nothing.)

The bundle is checked after every run (every file non-empty, every compressed
file whole) and indexing runs again, up to ATTEMPTS times, before the build fails
with one clear line: an index cut short was seen on a busy machine.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import zlib
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


def build_index(site_dir: Path, language: str, pages: Path | None = None,
                staging: Path | None = None) -> IndexStats:  # fmt: skip
    """Index the marked pages of `site_dir` in `language` (stemming, stop words).

    `pages`: a folder laid out like the site that holds what Pagefind reads of each marked
    page (`marks.search_copy`), instead of the site itself. `staging`: write the bundle
    there and leave it for the caller to move into place (`swap_in`), so that readers of a
    site being served keep the previous index, whole, until the new one is."""
    out = staging if staging is not None else site_dir / BUNDLE
    started = time.perf_counter()
    for _ in range(ATTEMPTS):
        shutil.rmtree(out, ignore_errors=True)  # no stale chunks (`--dirty`, a retry)
        read = _index_once(pages or site_dir, out, language)
        broken = incomplete(out)
        if broken is None:
            for name in UNUSED:
                (out / name).unlink(missing_ok=True)
            return IndexStats(pages=read, seconds=time.perf_counter() - started)
    raise SearchIndexError(
        f"Pagefind wrote an incomplete index {ATTEMPTS} times ({broken}); build again"
    )


def swap_in(site_dir: Path, staging: Path) -> None:
    """Put a bundle written by `build_index(..., staging=)` in place of the site's: two
    renames, so a reader finds the old bundle or the new one, never a mix."""
    out = site_dir / BUNDLE
    old = out.with_name(f"{BUNDLE}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
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
    """One run of the binary; the number of HTML files it read."""
    binary = _binary()
    command = [str(binary), "--site", str(site_dir.resolve()), "--output-path",
               str(out.resolve()), "--force-language", language]  # fmt: skip
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    try:
        with tempfile.TemporaryDirectory() as empty:  # no pagefind.yml but ours (none)
            done = subprocess.run(command, cwd=empty, env=env, capture_output=True, text=True,
                                  timeout=TIMEOUT)  # fmt: skip
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind did not answer within {TIMEOUT} s") from None
    except OSError as err:
        raise SearchIndexError(f"the Pagefind binary could not run ({err.strerror})") from None
    output = f"{done.stdout}\n{done.stderr}"
    if done.returncode != 0:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        raise SearchIndexError(" ".join(lines[-3:]) or f"Pagefind exited with {done.returncode}")
    found = re.search(r"Found (\d+) files? matching", output)
    return int(found.group(1)) if found else 0


def _binary() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchIndexError(
            "the `pagefind` package is missing: pip install 'pagefind[bin]'"
        ) from None
    binary = get_executable()
    if binary is None or not Path(binary).exists():
        where = f" ({binary})" if binary else ""
        raise SearchIndexError(
            f"the Pagefind binary was not found{where}: pip install 'pagefind[bin]'"
        )
    return Path(binary)
