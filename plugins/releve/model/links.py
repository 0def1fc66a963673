"""Links and images in a page's body that point at files of the runbook.

Procedures carry screenshots and attachments saved next to them
(`![Login screen](img/login.png)`, `[the form](forms/request.pdf)`). The site
publishes those files, binders embed the images, and the lint reports a link to a
file that is not there (RB025). All three read the links here, the same way:

- only what renders: links inside code blocks, code spans and HTML comments are
  examples, not links;
- only local targets: a URL with a scheme (`https:`, `mailto:`, `data:`, `file:`),
  a protocol-relative `//host` or a site-absolute `/path` is not a runbook file;
- resolved from the page's own folder, and never out of the runbook: a target
  that climbs above the runbook root, or reaches outside it through a symbolic
  link, is refused (`OUTSIDE`), and so is a hidden file or folder (`.git/`, `.env`),
  which is never published.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..core.md_text import outside_code_and_comments
from .source_cache import remembered
from .types import Client, Procedure, Runbook

OK, MISSING, OUTSIDE, HIDDEN = "ok", "missing", "outside", "hidden"

# A URL with a scheme (RFC 3986): `https:`, `mailto:`, `data:`, `file:`, `tel:`...
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# [text](target "title") and ![alt](target): text may hold one level of brackets.
_INLINE = re.compile(
    r"(!?)\[(?:[^\[\]\\\n]|\\.|\[[^\[\]\n]*\])*\]"
    r"\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
# [ref]: target (a reference definition, used by [text][ref] and ![alt][ref]).
_REFDEF = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)", re.M)
# Raw HTML: <img src=...>, <a href=...> and the other elements that load a file.
_HTML = re.compile(
    r"<(img|a|source|video|audio|iframe|embed|object)\b[^>]*?\s(src|href|data)\s*=\s*"
    r"(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)",
    re.I,
)


def is_local(url: str) -> bool:
    """Whether `url` names a file relative to its page (not a web address, anchor or path
    from the site root)."""
    url = url.strip()
    return bool(url) and not url.startswith(("#", "/", "\\", "?")) and not _SCHEME.match(url)


def file_part(url: str) -> str:
    """The path part of a local URL, percent-decoded (`shot%201.png#x` -> `shot 1.png`)."""
    return unquote(url.strip().split("#", 1)[0].split("?", 1)[0])


def is_page(url: str) -> bool:
    """A link to a Markdown page rather than to a file published as it is."""
    return file_part(url).lower().endswith(".md")


def resolve(
    root: Path,
    page: str,
    url: str,
    real_root: str | None = None,
    folders: dict[str, str | None] | None = None,
) -> tuple[str, str]:
    """(status, runbook path) of the local `url` written in the page at runbook path `page`.

    The path is relative to the runbook root, with `/`; it is "" when the URL leads
    out of the runbook. Status: OK (a file inside the runbook), MISSING, OUTSIDE, HIDDEN.
    `real_root`: `os.path.realpath(root)`, and `folders` an empty dict shared by the
    calls, when the caller resolves many URLs at one moment (`_real_file`).
    """
    wanted = file_part(url)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), wanted))
    if joined in (".", "") or joined == ".." or joined.startswith("../"):
        return OUTSIDE, ""
    if any(part.startswith(".") for part in joined.split("/")):
        return HIDDEN, joined
    real_root = real_root or os.path.realpath(root)
    # os.path rather than pathlib: the lint resolves every link of every page
    real, is_file = _real_file(os.path.join(root, joined), folders)
    if real is None:
        return MISSING, joined
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        return OUTSIDE, ""
    return (OK if is_file else MISSING), joined


def _real_file(path: str, folders: dict[str, str | None] | None) -> tuple[str | None, bool]:
    """(real path, is a regular file) of `path`, following every link; None where it is
    missing or a link loops.

    With `folders`, each folder's real path is found once (the links of 2,000 pages
    point into a few folders) and only the last part is looked at for each file: the
    same answer as `os.path.realpath(path, strict=True)`, as a link there is followed.
    """
    if folders is None:
        try:
            real = os.path.realpath(path, strict=True)
        except (OSError, RuntimeError):  # missing, or a symlink loop (RuntimeError < 3.13)
            return None, False
        return real, os.path.isfile(real)
    folder, name = os.path.split(path)
    if folder not in folders:
        try:
            folders[folder] = os.path.realpath(folder, strict=True)
        except (OSError, RuntimeError):
            folders[folder] = None
    real_folder = folders[folder]
    if real_folder is None:
        return None, False
    real = os.path.join(real_folder, name)
    try:
        mode = os.lstat(real).st_mode
    except OSError:
        return None, False
    if stat.S_ISLNK(mode):
        return _real_file(real, None)
    return real, stat.S_ISREG(mode)


@dataclass(frozen=True)
class BodyLink:
    """One local link or image of a page body, where it is written and what it reaches."""

    url: str  # as written
    path: str  # runbook path it points at ("" when outside the runbook)
    status: str
    line: int  # 1-based, in the source file
    column: int
    image: bool

    @property
    def page(self) -> bool:
        return is_page(self.url)


def _written(body: str) -> list[tuple[int, str, bool]]:
    """(offset, URL, is image) of every link target in the body, in order, outside code."""
    text = outside_code_and_comments(body)
    found: list[tuple[int, str, bool]] = []
    for match in _INLINE.finditer(text):
        url = match.group(2)
        start = match.start(2)
        if url.startswith("<"):
            url, start = url[1:-1], start + 1
        found.append((start, url, match.group(1) == "!"))
    for match in _REFDEF.finditer(text):
        url = match.group(1)
        start = match.start(1)
        if url.startswith("<"):
            url, start = url[1:-1], start + 1
        found.append((start, url, False))
    for match in _HTML.finditer(text):
        value = match.group(3)
        start = match.start(3)
        if value[:1] in "\"'":
            value, start = value[1:-1], start + 1
        found.append((start, value, match.group(1).lower() != "a"))
    return sorted(found)


def _local_written(body: str) -> list[tuple[int, int, str, bool]]:
    """(line, column, URL, is image) of every local link target of a body, 0-based lines:
    what the text alone says, kept with the page in the source cache."""
    if "](" not in body and "]:" not in body and "<" not in body:
        return []
    out = []
    for offset, url, image in _written(body):
        if is_local(url):
            line = body.count("\n", 0, offset)
            column = offset - (body.rfind("\n", 0, offset) + 1) + 1
            out.append((line, column, url, image))
    return out


def written_links(page: Procedure | Client) -> list[tuple[int, int, str, bool]]:
    """What a page's text links to (`_local_written`), found once per file: kept with the
    page in the source cache, and found by `releve lint` in the process that parses it."""
    return remembered(page, "links.written", lambda: _local_written(page.body))


def page_links(
    root: Path,
    page: Procedure | Client,
    real_root: str | None = None,
    folders: dict[str, str | None] | None = None,
) -> list[BodyLink]:
    """The local links and images of a page's body, resolved against the files as they are
    now (where they point is read again each time; what the text says is remembered).
    `real_root`: `os.path.realpath(root)`, and `folders` a dict shared by the calls, when
    the caller reads many pages at one moment (`resolve`)."""
    written = written_links(page)
    if not written:
        return []
    real_root = real_root or os.path.realpath(root)
    out = []
    for line, column, url, image in written:
        status, path = resolve(root, page.path, url, real_root, folders)
        out.append(BodyLink(url, path, status, page.body_line + line, column, image))
    return out


def body_links(runbook: Runbook) -> dict[str, list[BodyLink]]:
    """`page_links` of each procedure and client, by page path, resolved against the files
    once per run (each folder's real path looked up once) and kept with the runbook:
    RB025, the files the site publishes beside the pages and RB009's scan of them read the
    same answers rather than each looking every link up again."""
    if runbook.resolved_links is None:
        real_root, folders = os.path.realpath(runbook.root), {}
        pages = [*runbook.procedures, *runbook.clients.values()]
        runbook.resolved_links = {
            page.path: page_links(runbook.root, page, real_root, folders) for page in pages
        }
    return runbook.resolved_links


def attachments(runbook: Runbook) -> dict[str, Path]:
    """Runbook path -> file, of every file a procedure or client body links to (images,
    PDFs...) that the site publishes as it is: inside the runbook, not a Markdown page."""
    out: dict[str, Path] = {}
    for links in body_links(runbook).values():
        for link in links:
            if link.status == OK and not link.page:
                out.setdefault(link.path, runbook.root / link.path)
    return dict(sorted(out.items()))
