"""A binder as print-ready HTML: Relève's own templates and print CSS.

Procedure and client bodies are rendered with Python-Markdown and the site's
extensions; `[[cred:ID]]` references become the credential's label (never a
value). The same HTML feeds WeasyPrint (`pdf.py`) and the site's print page.
"""

from __future__ import annotations

import html as htmllib
import re
import subprocess
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import markdown
from markdown.extensions.toc import slugify
from markupsafe import Markup

from ...core.md_extensions import AdmonitionTitles
from ...core.md_options import list_extensions
from ...core.settings import Settings
from ...i18n import Translator
from ...i18n.formats import format_day
from ...model import Client, Procedure, Runbook
from ..pages.credential_cards import fill_inline, mark_inline
from ..templates import render
from .assemble import Binder
from .resources import Images, Relinker

CSS = Path(__file__).resolve().parents[2] / "templates" / "binder" / "binder.css"
EXTENSIONS = [
    "admonition",
    "tables",
    "attr_list",
    "md_in_html",
    "toc",
    "pymdownx.superfences",
    "pymdownx.details",
    "pymdownx.tasklist",
]
_CSS_UNSAFE = re.compile(r'[\\"\n\r<>]')
# A body longer than this (about 40 printed pages) is not printed: laying out a 2.7 MB
# page took minutes for each binder that holds it. The binder says where to read it.
MAX_BODY_CHARS = 100_000


def too_long(pages: Iterable[Procedure | Client]) -> list[tuple[str, int]]:
    """(source file, length) of the bodies binders leave out, for one warning each."""
    return sorted((p.path, len(p.body)) for p in pages if len(p.body) > MAX_BODY_CHARS)


_PLACEHOLDER = re.compile(r"\{(page|pages)\}")


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element."""
    return Markup('"{}"'.format(_CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group(0)):X} ", text)))


def page_counter(pattern: str) -> Markup:
    """'page {page} of {pages}' -> `"page " counter(page) " of " counter(pages)` for @page."""
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(pattern)):
        if index % 2:
            parts.append(Markup(f"counter({piece})"))
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ").join(parts)


PAPERS = ("letter", "a4")


def paper_size(value: object) -> str:
    """`letter` or `a4` (any case); anything else is A4, the size most printers default to."""
    text = str(value or "").strip().lower()
    return text if text in PAPERS else "a4"


def source_revision(root: Path) -> str | None:
    """`git describe --always --dirty` of the runbook, or None when it is not in git."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


class BodyRenderer:
    """Markdown bodies to HTML, with anchors prefixed per page so ids never collide."""

    def __init__(self, runbook: Runbook, lang: str) -> None:
        self.runbook = runbook
        self.lang = lang
        self._prefix = ""
        # Lists read as on the site (the runbook's list extension), admonition titles in
        # the binder's language.
        lists, list_configs = list_extensions(getattr(runbook.config, "markdown_extensions", {}))
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, *lists, AdmonitionTitles(lang=lang)],
            extension_configs={
                "toc": {"baselevel": 3, "slugify": self._slugify},
                "pymdownx.tasklist": {"custom_checkbox": True},
                **list_configs,
            },
        )
        self._cache: dict[tuple[str, str, str | None], str] = {}
        self._by_source: dict[str, str] = {}  # source file -> its body's HTML, for `blame`
        # Images saved in the runbook are embedded, others noted (resources.py); links are
        # made to work on paper for each binder (`start`).
        self.images = Images(runbook.root, lang)
        self._relink: Relinker | None = None

    def _slugify(self, value: str, separator: str) -> str:
        return f"{self._prefix}-{slugify(value, separator)}"

    def _cred(self, cred_id: str) -> str:
        return render(
            "binder/cred_ref.html.j2",
            self.lang,
            cred_id=cred_id,
            cred=self.runbook.credentials.get(cred_id),
        ).strip()

    def __call__(self, prefix: str, body: str, source: str | None = None) -> Markup:
        if len(body) > MAX_BODY_CHARS:
            return Markup(render("binder/too_long.html.j2", self.lang, path=source or "",
                                 size=len(body)))  # fmt: skip
        key = (prefix, body, source)
        if key not in self._cache:
            self._prefix = prefix
            text, ids = mark_inline(body)
            html = fill_inline(self._md.reset().convert(text), ids, self._cred)
            self._cache[key] = self.images(html, source) if source is not None else html
        html = self._cache[key]
        if source is not None:
            self._by_source[source] = html
            if self._relink is not None:
                html = self._relink(html, source, prefix)
        return Markup(html)

    def blame(self, urls: list[str]) -> list[str]:
        """The source files whose body holds one of `urls` (the resources a binder left out)."""
        return blame(self._by_source, urls)

    def by_source(self) -> dict[str, str]:
        """The bodies of the latest binder by source file, for `blame` later."""
        return dict(self._by_source)

    def start(self, relink: Relinker | None = None) -> None:
        """Forget which bodies the previous binder held (`blame` is per binder); links are
        made for the binder about to be rendered (`relink`: which pages it prints)."""
        self._by_source.clear()
        self._relink = relink


def blame(bodies: dict[str, str], urls: list[str]) -> list[str]:
    """The source files whose body (HTML, by source file) holds one of `urls`.

    Only bodies hold author HTML (every other part of a binder comes from escaped
    fields); a URL written in a way not found here (CSS escapes) is left to the
    caller, which then names the binder itself.
    """
    wanted = {unquote(u) for u in urls if u}
    found = []
    for source, html in bodies.items():
        text = unquote(htmllib.unescape(html))
        if any(url in text for url in wanted):
            found.append(source)
    return sorted(found)


def proc_anchor(proc: Procedure) -> str:
    return f"proc-{proc.id}"


def client_anchor(client: Client) -> str:
    return f"client-{client.id}"


def render_html(
    runbook: Runbook,
    binder: Binder,
    settings: Settings,
    revision: str | None,
    bodies: BodyRenderer | None = None,
    generated: date | None = None,
) -> str:
    """The whole binder as one self-contained HTML document (CSS inline); `generated`: the
    date on the cover when it is not the binder's day (the binder cache's fixed date)."""
    lang = settings.language
    _ = Translator(lang)
    bodies = bodies or BodyRenderer(runbook, lang)
    anchors = {p.path: proc_anchor(p) for p in binder.procedures}
    anchors.update({c.path: client_anchor(c) for c in binder.clients})
    bodies.start(Relinker(runbook.root, anchors, settings.site_url, settings.directory_urls))

    def name_of(pid: str | None) -> str:
        return _("binder.nobody") if pid is None else runbook.team.name_of(pid)

    def fill(text: str, client: str | None = None) -> str:
        """Absence message placeholders filled in (person binders), for `client` when given;
        other text unchanged."""
        values = binder.client_placeholders.get(client or "", binder.placeholders)
        for key, value in values.items():
            if key in ("return", "retour"):
                value = format_day(date.fromisoformat(value), lang, "day")
            text = text.replace("{" + key + "}", value)
        return text

    return render(
        "binder/binder.html.j2",
        lang,
        b=binder,
        rb=runbook,
        css=Markup(CSS.read_text(encoding="utf-8")),
        css_string=css_string,
        page_of=page_counter(_("binder.page_of")),
        revision=revision,
        name_of=name_of,
        names_of=lambda ids: ", ".join(name_of(pid) for pid in ids),
        # Who holds a key: the id beside the name, so look-alike names cannot pass (RB027).
        holders_of=lambda ids: ", ".join(
            name_of(pid) if name_of(pid) == pid else f"{name_of(pid)} ({pid})" for pid in ids
        ),
        in_people_order=runbook.team.ids_in_order,
        service_title=settings.service_title,
        body=bodies,
        proc_anchor=proc_anchor,
        client_anchor=client_anchor,
        generated=generated or binder.today,
        fill=fill,
        role_names=runbook.team.role_names,
        paper=paper_size(settings.paper),
    )
