"""A body's images and links, made printable: what a binder embeds, notes and relinks.

A binder is built offline and never fetches anything (pdf.py). So, in a body's HTML:

- an image saved in the runbook (`![Login](img/login.png)`, model/links.py finds and
  checks it) is embedded as a `data:` URL, which the PDF's URL fetcher accepts because
  Relève made it (`Embedded.allowed`); nothing else is read, and never a file outside
  the runbook or through a symbolic link leading out;
- an image from the web or written as `data:` shows on the site but is not printed:
  a short note takes its place (its description and the web site's name), and the
  build mentions it at INFO level, never as a warning;
- a link to a procedure or client printed in the same binder becomes a link inside the
  PDF; a link to another page or to an attached file becomes its address on the site
  when `site_url` is set, else plain text (a relative `.md` address opens nothing on
  paper).
"""

from __future__ import annotations

import base64
import html as htmllib
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from ...model.links import OK, file_part, is_local, is_page, resolve
from ..templates import render

MAX_IMAGE_BYTES = 8 * 1024 * 1024  # a screenshot is well under; a photo of 8 MB prints slowly
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml",
               "image/bmp", "image/tiff"}  # fmt: skip

_TAG = re.compile(r"<(img|a)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_CLOSE_A = re.compile(r"</a\s*>", re.I)


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for match in _ATTR.finditer(text):
        value = match.group(2) or ""
        if value[:1] in "\"'":
            value = value[1:-1]
        out.setdefault(match.group(1).lower(), htmllib.unescape(value))
    return out


def _with_attr(text: str, name: str, value: str) -> str:
    """The attribute text of a tag with `name` replaced by `value` (escaped)."""
    pattern = re.compile(rf"""(\s){name}\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
    escaped = htmllib.escape(value, quote=True)
    return pattern.sub(lambda m: f'{m.group(1)}{name}="{escaped}"', text, count=1)


@dataclass
class Embedded:
    """What embedding did across bodies: the data: URLs Relève made (the only resources the
    PDF may load), and per source file the images shown on the site but not printed."""

    allowed: set[str] = field(default_factory=set)
    not_printed: dict[str, int] = field(default_factory=dict)


class Images:
    """Embeds a body's runbook images; puts a note in place of web and data: images."""

    def __init__(self, root: Path, lang: str) -> None:
        self.root = root
        self.lang = lang
        self.done = Embedded()
        self._data: dict[str, str | None] = {}  # runbook path -> data: URL (None: not printable)

    def _data_url(self, path: str) -> str | None:
        if path not in self._data:
            self._data[path] = None
            kind = mimetypes.guess_type(path)[0]
            file = self.root / path
            try:
                if kind in IMAGE_TYPES and file.stat().st_size <= MAX_IMAGE_BYTES:
                    payload = base64.b64encode(file.read_bytes()).decode("ascii")
                    self._data[path] = f"data:{kind};base64,{payload}"
            except OSError:
                pass
        return self._data[path]

    def _note(self, why: str, alt: str, src: str) -> str:
        host = ""
        if why == "web":
            try:
                host = urlsplit(src).hostname or ""
            except ValueError:
                host = ""
        return render("binder/not_printed.html.j2", self.lang, why=why, alt=alt.strip(),
                      host=host).strip()  # fmt: skip

    def __call__(self, html: str, page: str) -> str:
        """`html` of the body of the page at runbook path `page`, its images made printable."""
        if "<img" not in html and "<IMG" not in html:
            return html

        def one(match: re.Match[str]) -> str:
            if match.group(1).lower() != "img":
                return match.group(0)
            attrs = _attrs(match.group(2))
            src = attrs.get("src", "").strip()
            alt = attrs.get("alt", "")
            if is_local(src):
                status, path = resolve(self.root, page, src)
                data = self._data_url(path) if status == OK else None
                if data is not None:
                    self.done.allowed.add(data)
                    return f"<img{_with_attr(match.group(2), 'src', data)}>"
                return self._note("missing" if status != OK else "format", alt, src)
            self.done.not_printed[page] = self.done.not_printed.get(page, 0) + 1
            return self._note(_origin(src), alt, src)

        return _TAG.sub(one, html)


def _origin(src: str) -> str:
    """web (http, https, //host), data, or other (file:, ftp:...): where an image comes from."""
    lower = src.lower()
    if lower.startswith(("http://", "https://", "//")):
        return "web"
    return "data" if lower.startswith("data:") else "other"


def page_url(uri: str, directory_urls: bool) -> str:
    """The site URL of a page at `uri` (a Markdown source path), as MkDocs makes it."""
    stem = uri[: -len(".md")] if uri.lower().endswith(".md") else uri
    folder, name = posixpath.split(stem)
    if name.lower() in ("index", "readme"):
        return f"{folder}/" if folder else ""
    if directory_urls:
        return f"{stem}/"
    return f"{stem}.html"


@dataclass
class Relinker:
    """Turns a body's links into what works on paper, for one binder.

    `anchors`: runbook path of each page printed in this binder -> its anchor id.
    """

    root: Path
    anchors: dict[str, str]
    site_url: str | None = None
    directory_urls: bool = True

    def _site(self, path: str, page_link: bool) -> str | None:
        if not self.site_url:
            return None
        target = page_url(path, self.directory_urls) if page_link else path
        return self.site_url.rstrip("/") + "/" + quote(target)

    def __call__(self, html: str, page: str, anchor: str) -> str:
        if "<a" not in html and "<A" not in html:
            return html
        out: list[str] = []
        pos = 0
        for match in _TAG.finditer(html):
            if match.group(1).lower() != "a":
                continue
            attrs = _attrs(match.group(2))
            href = attrs.get("href")
            if href is None:
                continue
            new = self._target(html, href, page, anchor)
            if new == href:
                continue
            out.append(html[pos : match.start()])
            if new is None:  # plain text: drop the tag and its closing </a>
                out.append('<span class="binder-link-text">')
                close = _CLOSE_A.search(html, match.end())
                if close is not None:
                    out.append(html[match.end() : close.start()] + "</span>")
                    pos = close.end()
                else:
                    out.append("</span>")
                    pos = match.end()
                continue
            out.append(f"<a{_with_attr(match.group(2), 'href', new)}>")
            pos = match.end()
        out.append(html[pos:])
        return "".join(out)

    def _target(self, html: str, href: str, page: str, anchor: str) -> str | None:
        """The href to print: unchanged, an anchor in the PDF, a site URL, or None (text)."""
        href = href.strip()
        if href.startswith("#"):
            inner = f"{anchor}-{href[1:]}"
            return f"#{inner}" if f'id="{inner}"' in html else href
        if not is_local(href):
            return href  # the web, mailto:, tel:, or a site-absolute path: as written
        status, path = resolve(self.root, page, href)
        if is_page(href):
            if not path:
                return None
            if path in self.anchors:
                return f"#{self.anchors[path]}"
            return self._site(path, page_link=True)
        if status != OK or not file_part(href):
            return None
        return self._site(path, page_link=False)
