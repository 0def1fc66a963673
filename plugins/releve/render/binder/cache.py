"""Binders kept between builds in `<runbook>/.releve-cache/binders/`, by what goes into them.

A binder's key is the SHA-256 of its print-ready HTML rendered with a fixed date and
revision on the cover, plus Relève's version, a fingerprint of Relève's own files and
of the libraries that lay out a PDF (`core.cache.code_fingerprint`), and WeasyPrint's
version. The HTML holds everything the PDF shows (procedures' text and fields, team
names, clients, credential labels, embedded images, the plan of the dates it covers,
open items, paper, language, the CSS), so any change to what a binder holds changes its
key, and a change elsewhere (another person's procedure, a day that moves nothing in
it) does not. The cover's date and source revision are left out of the key: a binder
reused from the cache keeps those it was made with, its content being the same as a
new one's.

Each entry is `<key>.pdf` (or `.html`) and `<key>.json` (the file's own SHA-256 and the
source files whose resources were left out, for the build's warnings). An entry that
does not match its checksum, is not a plain file (a symbolic link is never followed),
or any error reading or writing the cache, makes the binder be rendered again: never a
stale or broken binder, never a traceback. The folder itself is never written through
a link (`core.cache.cache_folder`), and a cache committed to the runbook's repository
(a pull request could plant binders that do not match the sources) is never read.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ...core.atomic import write_atomic
from ...core.cache import CACHE_DIR, cache_folder, code_fingerprint

FOLDER = "binders"
FORMAT = "releve-binder-2"
KEEP_UNUSED_S = 14 * 24 * 3600  # other branches' binders are kept two weeks after last use
# What lays out a PDF besides Relève: an upgrade of any of them may change the pages.
LAYOUT_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "html5lib",
                    "fontTools", "PIL", "pyphen")  # fmt: skip


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
    for part in (FORMAT, suffix, __version__, code_fingerprint(*LAYOUT_LIBRARIES),
                 _weasyprint_version()):  # fmt: skip
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(stamped_html.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _read(path: Path) -> bytes:
    """The bytes of `path` when it is a plain file; a symbolic link is never followed."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def committed(root: Path) -> bool:
    """Whether git tracks anything under the runbook's cache folder (then it is not ours)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", CACHE_DIR],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and bool(done.stdout)


@dataclass
class BinderCache:
    """Rendered binders by key; `folder` None: no cache (unwritable, a link, committed)."""

    folder: Path | None
    used: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, root: Path) -> BinderCache:
        try:
            if committed(root):
                return cls(None)
            return cls(cache_folder(root, FOLDER))
        except OSError:
            return cls(None)

    def fetch(self, key: str, suffix: str) -> tuple[bytes, list[str]] | None:
        """The cached binder and its left-out sources; None when there is no sound entry."""
        if self.folder is None:
            return None
        try:
            meta = json.loads(_read(self.folder / f"{key}.json").decode("utf-8"))
            data = _read(self.folder / f"{key}{suffix}")
            left_out = meta["left_out"]
            if (
                hashlib.sha256(data).hexdigest() != meta["sha256"]
                or not isinstance(left_out, list)
                or not all(isinstance(path, str) for path in left_out)
            ):
                return None
            now = time.time()
            for name in (f"{key}.json", f"{key}{suffix}"):  # kept from pruning
                os.utime(self.folder / name, (now, now), follow_symlinks=False)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.used.add(key)
        return data, list(left_out)

    def store(self, key: str, suffix: str, data: bytes, left_out: list[str]) -> None:
        """Keep a binder just made (silently nothing on failure: the build goes on)."""
        if self.folder is None:
            return
        meta = {"sha256": hashlib.sha256(data).hexdigest(), "left_out": sorted(left_out)}
        try:
            # The file first, its checksum last: a crash between them leaves no entry.
            write_atomic(self.folder / f"{key}{suffix}", data)
            write_atomic(self.folder / f"{key}.json", json.dumps(meta))
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
            key = entry.name.lstrip(".").split(".", 1)[0]
            try:
                if key not in self.used and entry.stat(follow_symlinks=False).st_mtime < limit:
                    os.unlink(entry.path)
            except OSError:
                continue
