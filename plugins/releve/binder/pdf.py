"""The binder as PDF: WeasyPrint lays out the print-ready HTML of `render.py`."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

# WeasyPrint logs every CSS property it ignores; keep the CLI and the build quiet.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def write_pdf(html: str, target: Path) -> Path:
    """Lay out `html` and write the PDF to `target` (its folder is created); return it."""
    # Imported here: WeasyPrint takes most of a second to load, and a build without
    # binders (`binder: false`, serve, large runbooks) must not pay for it.
    from weasyprint import HTML

    target.parent.mkdir(parents=True, exist_ok=True)
    # No base_url: the binder is self-contained and must not fetch anything.
    # The layout builds millions of short-lived objects that form no cycles worth
    # collecting: pausing the cyclic GC saves about a tenth of the time on big binders.
    enabled = gc.isenabled()
    gc.disable()
    try:
        HTML(string=html, url_fetcher=_no_fetch).write_pdf(target)
    finally:
        if enabled:
            gc.enable()
    return target


def _no_fetch(url: str, timeout: int = 10, ssl_context=None):
    raise ValueError(f"binder: external resource not fetched: {url}")
