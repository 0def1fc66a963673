"""Where Relève keeps what it can compute again: `<runbook>/.releve-cache/`.

Parsed sources (for `releve lint` and the build) and laid-out binders live
there. Everything in it can be deleted at any time; it is never committed (the
folder carries its own `.gitignore`, and `releve init`'s `.gitignore` lists it)
and carries a CACHEDIR.TAG so backup tools skip it. The folder is never written
through a symbolic link: a pull request that plants `.releve-cache` as a link to
somewhere else on the disk makes Relève run without a cache, nothing more.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from .atomic import write_atomic

CACHE_DIR = ".releve-cache"
PACKAGE = Path(__file__).resolve().parent.parent  # plugins/releve
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


@cache
def code_fingerprint(*libraries: str) -> str:
    """A SHA-256 of what the code that fills a cache is made of: every file of Relève's
    own package (modules, templates, catalogues, CSS) and each of `libraries`' top module
    file, by name, size and mtime. An edited module or template in a development checkout
    (same version number) or an upgraded library changes it, so a cache keyed with it is
    never read by other code than the code that wrote it. Nothing is read or imported:
    a few milliseconds, once per process."""
    prints: list[tuple[str, int, int]] = []
    for folder, dirs, names in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        prints += [_file_print(os.path.join(folder, name), PACKAGE) for name in names]
    for module in libraries:
        try:
            spec = find_spec(module)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        prints.append(_file_print(origin, None) if origin else (module, -1, -1))
    digest = hashlib.sha256()
    for name, size, mtime in sorted(prints):
        digest.update(f"{name}\0{size}\0{mtime}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _file_print(path: str, base: Path | None) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1, -1)
    name = Path(os.path.relpath(path, base)).as_posix() if base else path
    return (name, st.st_size, st.st_mtime_ns)
