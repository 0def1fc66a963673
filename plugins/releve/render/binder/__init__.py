"""Printable handoff binders: a client, a person's absence, or the whole runbook.

`assemble` selects from the model, `render` gives print-ready HTML from
Relève's templates, `pdf` lays it out with WeasyPrint. `build` does all three.
"""

from __future__ import annotations

from pathlib import Path

from ...core.atomic import write_atomic
from ...core.settings import Settings
from ...model import Runbook
from .assemble import ALL, CLIENT, PERSON, Binder, UnknownSubject, for_all, for_client, for_person
from .html import MAX_BODY_CHARS, BodyRenderer, render_html, source_revision, too_long
from .pdf import write_pdf

__all__ = [
    "ALL",
    "CLIENT",
    "MAX_BODY_CHARS",
    "PERSON",
    "Binder",
    "BodyRenderer",
    "UnknownSubject",
    "for_all",
    "for_client",
    "for_person",
    "render_html",
    "source_revision",
    "too_long",
    "write",
    "write_pdf",
]


def write(
    runbook: Runbook,
    binder: Binder,
    settings: Settings,
    target: Path,
    revision: str | None = None,
    bodies: BodyRenderer | None = None,
    left_out: set[str] | None = None,
) -> Path:
    """Write `binder` to `target`, atomically: print-ready HTML when it ends in .html, else PDF.

    The source files whose images or styles were left out of the PDF (never fetched)
    are added to `left_out`, for one warning each.
    """
    bodies = bodies or BodyRenderer(runbook, settings.language)
    html = render_html(runbook, binder, settings, revision, bodies)
    if target.suffix.lower() in (".html", ".htm"):
        # The HTML keeps the tags; its Content-Security-Policy stops a browser loading them.
        return write_atomic(target, html)
    urls: list[str] = []
    write_pdf(html, target, urls, bodies.images.done.allowed)
    if urls and left_out is not None:
        left_out.update(bodies.blame(urls) or [target.name])
    return target
