"""Where the search copies go: a throwaway folder that only Pagefind reads.

`marks.search_copy` gives what Pagefind needs of a marked page; the build writes it
into a temporary folder laid out like the site, runs Pagefind on that folder and
removes it. Nobody else ever reads those files, so they are written directly rather
than through `core.atomic` (an fsync per page would cost seconds on a large runbook).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_copy(folder: Path, dest_uri: str, text: str) -> None:
    """Write the copy of the page published at `dest_uri` under `folder`."""
    path = folder / dest_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def scratch_folder() -> Path:
    """A new private temporary folder for the copies: in the system's memory-backed
    /dev/shm where there is one (creating and removing thousands of small files on a disk
    can take longer than indexing them), unless TMPDIR names a place."""
    shm = "/dev/shm"
    where = None
    if not os.environ.get("TMPDIR") and os.path.isdir(shm) and os.access(shm, os.W_OK):
        where = shm
    return Path(tempfile.mkdtemp(prefix="releve-search-", dir=where))
