"""Binders kept between builds in `<runbook>/.releve-cache/binders/`, by what goes into them.

A binder's key is the SHA-256 of its print-ready HTML rendered with a fixed date and
revision on the cover, plus Relève's version and code fingerprint and WeasyPrint's
version. The HTML holds everything the PDF shows (procedures' text and fields, team
names, clients, credential labels, the plan of the dates it covers, open items, paper,
language, the CSS), so any change to what a binder holds changes its key, and a change
elsewhere (another person's procedure, a day that moves nothing in it) does not. The
cover's date and source revision are left out of the key: a binder reused from the
cache keeps those it was made with, its content being the same as a new one's.

Each entry is `<key>.pdf` (or `.html`) and `<key>.json` (the file's own SHA-256 and the
source files whose images were left out, for the build's warnings). An entry that does
not match its checksum, or any error reading or writing the cache, makes the binder be
rendered again: never a stale or broken binder, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ...model.source_cache import cache_folder, code_fingerprint, write_atomic

FOLDER = "binders"
KEEP_UNUSED_S = 14 * 24 * 3600  # other branches' binders are kept two weeks after last use


def _weasyprint_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:
        return "?"


def binder_key(stamped_html: str, suffix: str) -> str:
    """The key of a binder from its HTML with the cover's fixed date and revision."""
    from ... import __version__  # read at each call: a version change must be seen

    digest = hashlib.sha256()
    for part in ("releve-binder-1", suffix, __version__, repr(code_fingerprint()),
                 _weasyprint_version()):  # fmt: skip
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(stamped_html.encode("utf-8"))
    return digest.hexdigest()


@dataclass
class BinderCache:
    """Rendered binders by key; `folder` None: no cache (unwritable, a link)."""

    folder: Path | None
    used: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, root: Path) -> BinderCache:
        try:
            return cls(cache_folder(root, FOLDER))
        except OSError:
            return cls(None)

    def fetch(self, key: str, suffix: str, target: Path) -> list[str] | None:
        """Write the cached binder to `target` and return its left-out sources; None when
        there is no sound entry (then nothing is written)."""
        if self.folder is None:
            return None
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{key}{suffix}").read_bytes()
            left_out = meta["left_out"]
            if hashlib.sha256(data).hexdigest() != meta["sha256"] or not all(
                isinstance(path, str) for path in left_out
            ):
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            now = time.time()
            for name in (f"{key}.json", f"{key}{suffix}"):
                os.utime(self.folder / name, (now, now))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.used.add(key)
        return list(left_out)

    def store(self, key: str, suffix: str, source: Path, left_out: list[str]) -> None:
        """Keep the binder just written at `source` (silently nothing on failure)."""
        if self.folder is None:
            return
        try:
            data = source.read_bytes()
            meta = {"sha256": hashlib.sha256(data).hexdigest(), "left_out": sorted(left_out)}
            write_atomic(self.folder, f"{key}{suffix}", data)
            write_atomic(self.folder, f"{key}.json", json.dumps(meta).encode("utf-8"))
        except OSError:
            return
        self.used.add(key)

    def prune(self) -> None:
        """Drop binders neither used by this build nor in the last two weeks."""
        if self.folder is None:
            return
        limit = time.time() - KEEP_UNUSED_S
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            key = entry.name.split(".", 1)[0]
            try:
                if key not in self.used and entry.stat().st_mtime < limit:
                    os.unlink(entry.path)
            except OSError:
                continue
