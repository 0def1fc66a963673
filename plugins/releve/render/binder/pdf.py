"""The binder as PDF: WeasyPrint lays out the print-ready HTML of `html.py`, tagged.

The binder is built offline and must never call home: a procedure body may embed an
image from the web, a data: or file: URL, a stylesheet, a CSS `url()`. WeasyPrint
hands every such URL to its URL fetcher; ours opens nothing. It answers only the
`data:` URLs Relève itself made from the runbook's own images (resources.py, passed
as `allowed`), refuses everything else, records what was left out, and the page
prints without it. Callers turn the record into one warning per source file.

The PDF is tagged (a structure tree: headings, paragraphs, lists, tables, links,
images with their text), so a screen reader reads it in order (`pdfinfo`: "Tagged:
yes"); it is not claimed PDF/UA, which asks for more than the layout can promise.
"""

from __future__ import annotations

import base64
import gc
import logging
import re
from pathlib import Path

from ...core.atomic import write_atomic

# WeasyPrint logs every CSS property it ignores; keep the CLI and the build quiet.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

# WeasyPrint's own messages about resources it could not load: we report these ourselves,
# once per source file and without the URL (a URL may carry a password).
_LOAD_MESSAGES = (
    "Failed to load",
    "Failed to render SVG image",
    "Relative URI reference without a base URI",
)
_CONTEXT_URL = re.compile(r"""=["']?([^"'>]*)["']?>?$""")


class _Quiet(logging.Filter):
    """Drops WeasyPrint's load errors; keeps the relative URLs it could not resolve."""

    def __init__(self, left_out: list[str]) -> None:
        super().__init__()
        self.left_out = left_out

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if not message.startswith(_LOAD_MESSAGES):
            return True
        if message.startswith("Relative URI") and record.args:
            context = str(record.args[0] if isinstance(record.args, tuple) else record.args)
            match = _CONTEXT_URL.search(context)
            self.left_out.append(match.group(1) if match else context)
        return False


def _fetcher(left_out: list[str], allowed: frozenset[str] | set[str]):
    """A WeasyPrint URL fetcher that opens nothing: it decodes the data: URLs in `allowed`
    (the runbook's own images, embedded by Relève) and records every other URL asked."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Offline(URLFetcher):
        def __init__(self) -> None:
            # No handler is used: `fetch` is overridden and never opens a connection.
            super().__init__(timeout=1, allowed_protocols=(), fail_on_errors=False)

        def fetch(self, url: str, headers: object = None):
            if url in allowed:
                head, _, payload = url.partition(",")
                kind = head.removeprefix("data:").removesuffix(";base64")
                return URLFetcherResponse(url, body=base64.b64decode(payload),
                                          headers={"Content-Type": kind})  # fmt: skip
            left_out.append(url)
            raise ValueError("binder: resources from outside the binder are not included")

    return Offline()


def write_pdf(
    html: str,
    target: Path,
    left_out: list[str] | None = None,
    allowed: frozenset[str] | set[str] = frozenset(),
) -> Path:
    """Lay out `html` and write the tagged PDF to `target` (its folder is created).

    Every resource URL the HTML asks for, other than the embedded images in `allowed`,
    is refused and appended to `left_out`.
    """
    return write_atomic(target, pdf_bytes(html, left_out, allowed))


def pdf_bytes(html: str, left_out: list[str] | None = None,
              allowed: frozenset[str] | set[str] = frozenset()) -> bytes:  # fmt: skip
    """The PDF of `html`; every resource URL it asks for is refused, appended to `left_out`."""
    # Imported here: WeasyPrint takes most of a second to load, and a build without
    # binders (`binder: false`, serve, large runbooks) must not pay for it.
    from weasyprint import HTML

    refused: list[str] = [] if left_out is None else left_out
    quiet = _Quiet(refused)
    logger = logging.getLogger("weasyprint")  # WeasyPrint logs through this one logger
    logger.addFilter(quiet)
    # No base_url: the binder is self-contained and must not fetch anything.
    # The layout builds millions of short-lived objects that form no cycles worth
    # collecting: pausing the cyclic GC saves about a tenth of the time on big binders.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return HTML(string=html, url_fetcher=_fetcher(refused, allowed)).write_pdf(pdf_tags=True)
    finally:
        if enabled:
            gc.enable()
        logger.removeFilter(quiet)
