"""Reading source files safely: encodings, BOM, CRLF, front-matter.

Nothing here raises on bad input: a file that cannot be read becomes an
RB008 finding, and the caller moves on to the next file.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..core.findings import ERROR, Finding
from .yamlsource import YamlDoc, load_yaml

MAX_BYTES = 20 * 1024 * 1024
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


def rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@cache
def _resolved(root: Path) -> Path:
    return root.resolve()


# Real paths of the folders read during one `load_runbook` (it clears them first): a file
# that is not a link is its folder's real path and its name, one lstat instead of a
# realpath of every component for each of thousands of files.
_REAL_FOLDERS: dict[Path, Path] = {}


def forget_folders() -> None:
    _REAL_FOLDERS.clear()


def _real_path(path: Path) -> Path:
    if path.is_symlink():
        return path.resolve()
    folder = _REAL_FOLDERS.get(path.parent)
    if folder is None:
        folder = _REAL_FOLDERS[path.parent] = path.parent.resolve()
    return folder / path.name


def read_text(root: Path, path: Path) -> tuple[str | None, Finding | None]:
    """Read a UTF-8 text file under `root`; return (text, None) or (None, finding)."""
    name = rel(root, path)
    try:
        resolved = _real_path(path)
        if not resolved.is_relative_to(_resolved(root)):
            return None, Finding("RB008", name, 1, 1, "source.outside_root")
        if resolved.stat().st_size > MAX_BYTES:
            return None, Finding("RB008", name, 1, 1, "source.too_big")
        raw = resolved.read_bytes()
    except RuntimeError:  # a symlink loop (Python < 3.13 raises this from resolve())
        return None, Finding("RB008", name, 1, 1, "source.symlink_loop")
    except OSError as err:
        if err.errno == errno.ELOOP:
            return None, Finding("RB008", name, 1, 1, "source.symlink_loop")
        return None, Finding("RB008", name, 1, 1, "source.unreadable", {"reason": err.strerror})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, Finding("RB008", name, line, 1, "source.not_utf8")
    if "\x00" in text:
        return None, Finding("RB008", name, 1, 1, "source.binary")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def walk_files(root: Path, folder: Path) -> list[Path]:
    """Every file under `folder`, following symlinked folders only while they stay inside
    `root`, each real folder once (a symlink loop ends). Sorted, for stable findings."""
    top = _resolved(root)
    out: list[Path] = []
    seen: set[Path] = set()
    todo = [folder]
    while todo:
        current = todo.pop()
        try:
            real = current.resolve()
            if real in seen or not real.is_relative_to(top) or not real.is_dir():
                continue
            seen.add(real)
            entries = sorted(current.iterdir())
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    todo.append(entry)
                elif entry.is_file() or entry.is_symlink():
                    out.append(entry)
            except OSError:
                continue
    return sorted(out)


def unsafe_links(root: Path, starts: list[Path]) -> list[str]:
    """Symbolic links at or under `starts` that a build must not follow, as runbook paths.

    A link is unsafe when it leads outside `root` (a link to /proc/self/environ would
    publish the build machine's environment), nowhere (broken) or round in a loop, or
    when it is a folder link to one of its own ancestors (MkDocs follows folder links,
    and docs/up -> .. would publish the whole runbook, vault.yml included, again and
    again). Folder links that stay inside are followed, so what they hold is checked too.
    """
    top = _resolved(root)
    bad: list[str] = []
    seen: set[Path] = set()
    todo = [start for start in starts if start.exists() or start.is_symlink()]
    while todo:
        path = todo.pop()
        try:
            is_link = path.is_symlink()
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):  # broken, or a loop (RuntimeError before 3.13)
            bad.append(rel(root, path))
            continue
        if not real.is_relative_to(top) or _into_hidden(root, top, path, real):
            bad.append(rel(root, path))
            continue
        if not real.is_dir():
            continue
        parent = path.parent.resolve() if is_link else None
        if parent is not None and parent.is_relative_to(real):
            bad.append(rel(root, path))  # a folder link to an ancestor: an endless tree
            continue
        if real in seen:
            continue
        seen.add(real)
        try:
            with os.scandir(path) as entries:
                # A plain file (no link) in a folder checked here is inside it: not looked
                # at again, which spares a realpath of each of thousands of pages.
                inside = [Path(e.path) for e in entries if not e.is_file(follow_symlinks=False)]
        except OSError:
            continue
        todo.extend(sorted(inside, reverse=True))
    return sorted(set(bad))


def hidden_part(relative: Path | str) -> bool:
    """Whether a runbook-relative path goes through a dot-folder or is a dot-file (`.git`,
    `.env`, `.ssh`): never published, whatever the link that leads there."""
    return any(part.startswith(".") and part not in (".", "..") for part in Path(relative).parts)


def _into_hidden(root: Path, top: Path, path: Path, real: Path) -> bool:
    """A link (at `path` or above it) that leads into a dot-folder of the runbook from a
    path that does not: `docs/meta -> ../.git` would publish the repository's history,
    secrets removed from the files included."""
    seen_as = Path(os.path.normpath(rel(root, path)))
    return hidden_part(real.relative_to(top)) and not hidden_part(seen_as)


@dataclass
class Page:
    """A Markdown source split into its front-matter and body."""

    meta: YamlDoc
    body: str
    body_line: int  # 1-based line of the first body line
    findings: list[Finding]


def split_page(text: str, name: str) -> Page:
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]) or lines[0].startswith("..."):
        return Page(YamlDoc({}, {}, []), text, 1, [])
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            doc = load_yaml("\n".join(lines[1:index]), line_offset=1)
            body = "\n".join(lines[index + 1 :])
            findings = [
                Finding("RB008", name, p.line, p.column, p.key, p.args, ERROR) for p in doc.problems
            ]
            return Page(doc, body, index + 2, findings)
    return Page(
        YamlDoc({}, {}, []), text, 1, [Finding("RB008", name, 1, 1, "source.frontmatter_open")]
    )
