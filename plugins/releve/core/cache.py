"""Where Relève keeps what it can compute again: `<runbook>/.releve-cache/`.

Parsed sources (for `releve lint` and the build) and laid-out binders live
there. Everything in it can be deleted at any time; it is never committed (the
folder carries its own `.gitignore`, and `releve init`'s `.gitignore` lists it)
and carries a CACHEDIR.TAG so backup tools skip it. The folder is never written
through a symbolic link: a pull request that plants `.releve-cache` as a link to
somewhere else on the disk makes Relève run without a cache, nothing more.
"""

from __future__ import annotations

from pathlib import Path

from .atomic import write_atomic

CACHE_DIR = ".releve-cache"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# Relève's cache, safe to delete (https://bford.info/cachedir/)\n"
)
_IGNORE = "# Relève's cache: never committed\n*\n"


def cache_folder(root: Path, *parts: str) -> Path:
    """`<root>/.releve-cache[/parts]`, made when missing. Raises OSError when it cannot
    be made, or when any part of it (or `root` itself) is a symbolic link."""
    folder = Path(root)
    if folder.is_symlink():
        raise OSError(f"{folder} is a symbolic link")
    folder = folder / CACHE_DIR
    for index in range(len(parts) + 1):
        if index:
            folder = folder / parts[index - 1]
        if folder.is_symlink():
            raise OSError(f"{folder} is a symbolic link")
        if not folder.is_dir():
            folder.mkdir(mode=0o700)
            if not index:
                write_atomic(folder / ".gitignore", _IGNORE)
                write_atomic(folder / "CACHEDIR.TAG", _TAG)
    return folder
