"""Run Pagefind over a built site and write its index into `<site>/pagefind/`.

The Pagefind binary ships inside the `pagefind_bin` wheel (found through the
`pagefind` package, or `PAGEFIND_BINARY_PATH`), so readers of the runbook never
install a separate command. It runs once over the whole site, as a command with
its options on the command line, from an empty folder and without `PAGEFIND_*`
variables, so that no configuration file or variable of the runbook's changes
what is indexed. (Pagefind's Python API waits 0.1 s before reading each answer
of the binary: about half a second of a build did nothing.)

Pagefind holds about 140 KB a page while it builds an index (the words of every
page, twice, then the index itself): 290 MB at 2,000 pages. A larger runbook is
therefore indexed in parts of at most PART_PAGES pages, one Pagefind run after the
other, so that no run holds more than a part: the first part is the bundle the
browser loads, the others sit in `part-N/` folders inside it, listed in PARTS, and
the search script merges them into the first (Pagefind's `mergeIndex`). Pages are
dealt to the parts in turn, so that each part has a share of every kind of page and
word statistics (which rank results) alike in every part. A runbook of up to
PART_PAGES pages gets one bundle, as Pagefind writes it.

The bundle is checked after every run (every file non-empty, every compressed
file whole, every part listed there) and indexing runs again, up to ATTEMPTS times,
before the build fails with one clear line: an index cut short was seen on a busy
machine.
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

from ...core.atomic import write_atomic
from .copies import scratch_folder
from .marks import BODY_MARK, EXCLUDE_SELECTORS

BUNDLE = "pagefind"  # folder of the index and its scripts, relative to the site
TIMEOUT = 600  # seconds; 2,000 procedures take about 2 s: past this Pagefind has hung
ATTEMPTS = 3
PART_PAGES = 600  # pages per Pagefind run: under 100 MB for Pagefind (80 MB at 532)
PARTS = "releve-parts.json"  # in the bundle: the folders of the other parts, for the browser
# Pagefind's ready-made interfaces: Relève's own script drives pagefind.js instead.
UNUSED = tuple(f"pagefind-{ui}.{ext}" for ui in ("ui", "modular-ui", "component-ui")
               for ext in ("js", "css"))  # fmt: skip
# A part is searched by the first bundle's script and WebAssembly (`mergeIndex`).
PART_UNUSED = ("pagefind.js", "pagefind-worker.js", "pagefind-highlight.js", "wasm.*.pagefind")


@dataclass(frozen=True)
class IndexStats:
    pages: int  # HTML files Pagefind read (marked or not)
    seconds: float
    parts: int = 1  # Pagefind runs, one bundle each


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says why, in Pagefind's words."""


def build_index(
    site_dir: Path,
    language: str,
    pages: Path | None = None,
    staging: Path | None = None,
    part_pages: int | None = None,
) -> IndexStats:
    """Index the marked pages of `site_dir` in `language` (stemming, stop words).

    `pages`: a folder laid out like the site that holds what Pagefind reads of each marked
    page (`marks.search_copy`), instead of the site itself. `staging`: write the bundle
    there and leave it for the caller to move into place (`swap_in`), so that readers of a
    site being served keep the previous index, whole, until the new one is. `part_pages`:
    the most pages one Pagefind run indexes (PART_PAGES; see the module's docstring)."""
    out = staging if staging is not None else site_dir / BUNDLE
    source = pages or site_dir
    started = time.perf_counter()
    for _ in range(ATTEMPTS):
        shutil.rmtree(out, ignore_errors=True)  # no stale chunks (`--dirty`, a retry)
        read, parts = _index_parts(source, out, language, max(1, part_pages or PART_PAGES))
        broken = incomplete(out)
        if broken is None:
            for name in UNUSED:
                (out / name).unlink(missing_ok=True)
            for part in parts:
                for pattern in UNUSED + PART_UNUSED:
                    for path in (out / part).glob(pattern):
                        path.unlink()
            return IndexStats(read, time.perf_counter() - started, 1 + len(parts))
    raise SearchIndexError(
        f"Pagefind wrote an incomplete index {ATTEMPTS} times ({broken}); build again"
    )


def _index_parts(source: Path, out: Path, language: str, part_pages: int) -> tuple[int, list[str]]:
    """Index `source` into `out`, in parts when it holds more than `part_pages` pages; the
    number of HTML files Pagefind read and the folders of the parts after the first."""
    parts = _deal(source, part_pages)
    if len(parts) <= 1:
        read = _index_once(source, out, language)
        _write_parts(out, [])
        return read, []
    scratch = scratch_folder()
    try:
        read, names = 0, []
        for number, files in enumerate(parts):
            folder = scratch / str(number)
            for relative in files:
                _place(source / relative, folder / relative)
            name = f"part-{number}"
            read += _index_once(folder, out if number == 0 else out / name, language)
            if number:
                names.append(name)
            shutil.rmtree(folder, ignore_errors=True)
        _write_parts(out, names)
        return read, names
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _deal(source: Path, part_pages: int) -> list[list[Path]]:
    """The marked pages of `source` (relative paths), dealt in turn to as few parts as
    hold `part_pages` pages each; one part (all of `source`) for a small runbook."""
    files = sorted(path.relative_to(source) for path in source.rglob("*.html") if path.is_file())
    if len(files) <= part_pages:
        return [files]
    # A part of unmarked pages only would have Pagefind index their whole bodies.
    marked = [rel for rel in files if BODY_MARK in (source / rel).read_text("utf-8", "replace")]
    count = -(-len(marked) // part_pages)
    return [marked[start::count] for start in range(count)] if count > 1 else [files]


def _place(src: Path, dest: Path) -> None:
    """Put `src` at `dest` for one Pagefind run: a hard link (no bytes copied), or a copy
    where the two folders are on different file systems."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def _write_parts(out: Path, names: list[str]) -> None:
    write_atomic(out / PARTS, json.dumps({"parts": [f"{n}/" for n in names]}))


def parts_of(out: Path) -> list[str] | None:
    """The folders of the parts after the first that the bundle `out` lists (None when the
    list is missing or unreadable)."""
    try:
        listed = json.loads((out / PARTS).read_text(encoding="utf-8")).get("parts")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(listed, list) or not all(
        isinstance(n, str) and re.fullmatch(r"part-\d+/", n) for n in listed
    ):
        return None
    return [n.rstrip("/") for n in listed]


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
    parts = parts_of(out)
    if parts is None:
        return f"{PARTS} unreadable"
    for folder in (out, *(out / part for part in parts)):
        where = "" if folder == out else f"{folder.name}/"
        try:
            entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return f"{where}pagefind-entry.json unreadable"
        if not entry.get("languages"):
            return f"{where}pagefind-entry.json lists no language"
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
