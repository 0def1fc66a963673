"""Binders published with the site: one PDF per client and per person, and the whole runbook.

`publish` writes them under `binders/` in the built site (the whole runbook
also as print-ready HTML); `link_block` renders the download links that the
MkDocs adapter puts on client, person and dashboard pages.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ...core.atomic import write_atomic
from ...core.settings import Settings
from ...model import Runbook
from ...model.fields import is_id
from ..site_map import Links
from ..templates import render
from . import assemble
from .cache import BinderCache, binder_key
from .html import BodyRenderer, blame, render_html, source_revision

FOLDER = "binders"
RUNBOOK_PDF = f"{FOLDER}/runbook.pdf"
RUNBOOK_HTML = f"{FOLDER}/runbook.html"


def client_pdf(client_id: str) -> str:
    return f"{FOLDER}/client-{client_id}.pdf"


def person_pdf(person_id: str) -> str:
    return f"{FOLDER}/person-{person_id}.pdf"


@dataclass(frozen=True)
class Job:
    kind: str
    subject_id: str | None
    uri: str  # site-relative path of the file to write


def jobs(runbook: Runbook) -> list[Job]:
    """Every binder the site publishes, largest first (so parallel workers finish together)."""
    out = [Job(assemble.ALL, None, RUNBOOK_PDF), Job(assemble.ALL, None, RUNBOOK_HTML)]
    # The model keeps only valid ids; checked again here, where ids become file names.
    people = [pid for pid in sorted(runbook.team.people) if is_id(pid)]
    clients = [cid for cid in sorted(runbook.clients) if is_id(cid)]
    out += [Job(assemble.PERSON, pid, person_pdf(pid)) for pid in people]
    out += [Job(assemble.CLIENT, cid, client_pdf(cid)) for cid in clients]
    return out


# The cover of the HTML a binder's key is computed from: a fixed date and revision, so
# that a new day or commit that changes nothing in a binder reuses it (see cache.py).
STAMP_DAY = date(2000, 1, 1)
STAMP_REVISION = "-"


@dataclass
class Published:
    """What `publish` wrote: every binder's site path, and how many were reused or rendered."""

    uris: list[str]
    reused: int
    rendered: int


@dataclass
class _Missing:
    """A binder the cache did not hold: what it takes to make it and keep it."""

    job: Job
    key: str
    html: str  # with today's date and the source revision on the cover
    bodies: dict[str, str]  # its bodies' HTML by source file, to blame left-out resources
    allowed: frozenset[str]  # the embedded images its PDF may load


def _assemble(job: Job, runbook: Runbook, today: date, settings: Settings) -> assemble.Binder:
    if job.kind == assemble.CLIENT:
        return assemble.for_client(runbook, job.subject_id or "", today, settings)
    if job.kind == assemble.PERSON:
        return assemble.for_person(runbook, job.subject_id or "", today, settings)
    return assemble.for_all(runbook, today, settings)


def _lay_out(html: str, allowed: frozenset[str]) -> tuple[bytes, list[str]]:
    """In a worker process: one PDF, and the resource URLs it left out."""
    from .pdf import pdf_bytes

    urls: list[str] = []
    data = pdf_bytes(html, urls, allowed)
    return data, urls


def publish(
    runbook: Runbook,
    settings: Settings,
    today: date,
    site_dir: Path,
    left_out: set[str] | None = None,
    not_printed: dict[str, int] | None = None,
    cache: bool = True,
) -> Published:
    """Write every binder into `site_dir`, reusing those the cache holds (`cache.py`).

    Each binder's HTML is rendered here (Python-Markdown bodies once for all binders) to
    compute its key; only binders missing from the cache are made, their PDFs laid out
    in parallel worker processes (WeasyPrint is CPU bound: threads would wait on one
    another). Source files whose images or styles were left out (never fetched) go to
    `left_out`; per source file, the images from the web noted as not printed, to
    `not_printed`.
    """
    revision = source_revision(runbook.root)
    bodies = BodyRenderer(runbook, settings.language)
    store = BinderCache.open(runbook.root) if cache else BinderCache(None)
    every = jobs(runbook)
    missing: list[_Missing] = []
    reused = 0
    books: dict[tuple[str, str | None], tuple[assemble.Binder, str]] = {}  # PDF and HTML: one
    for job in every:
        subject = (job.kind, job.subject_id)
        if subject not in books:
            book = _assemble(job, runbook, today, settings)
            stamped = render_html(runbook, book, settings, STAMP_REVISION, bodies, STAMP_DAY)
            books[subject] = (book, stamped)
        book, stamped = books[subject]
        suffix = Path(job.uri).suffix
        key = binder_key(stamped, suffix)
        found = store.fetch(key, suffix)
        if found is not None:
            data, sources = found
            write_atomic(site_dir / job.uri, data)
            reused += 1
            if left_out is not None:
                left_out.update(sources)
            continue
        html = render_html(runbook, book, settings, revision, bodies)
        embedded = frozenset(url for url in bodies.images.done.allowed if url in html)
        missing.append(_Missing(job, key, html, bodies.by_source(), embedded))
    if not_printed is not None:  # every body was rendered above, reused binders' too
        for path, count in bodies.images.done.not_printed.items():
            not_printed[path] = max(not_printed.get(path, 0), count)

    # Print-ready HTML is written as is; PDFs are laid out in parallel worker processes.
    pdfs = [m for m in missing if m.job.uri.endswith(".pdf")]
    for item in missing:
        if not item.job.uri.endswith(".pdf"):
            # The HTML keeps the tags; its Content-Security-Policy stops a browser loading them.
            write_atomic(site_dir / item.job.uri, item.html)
            store.store(item.key, ".html", item.html.encode("utf-8"), [])

    def keep(item: _Missing, data: bytes, urls: list[str]) -> None:
        """Write one PDF just laid out into the site and the cache; note what it left out."""
        write_atomic(site_dir / item.job.uri, data)
        blamed = (blame(item.bodies, urls) or [item.job.uri]) if urls else []
        if left_out is not None:
            left_out.update(blamed)
        store.store(item.key, ".pdf", data, blamed)

    workers = min(len(pdfs), os.cpu_count() or 1)
    if workers > 1:  # each PDF kept in its turn, rather than all of them held to the end
        with ProcessPoolExecutor(max_workers=workers) as pool:
            made = pool.map(_lay_out, [m.html for m in pdfs], [m.allowed for m in pdfs])
            for item, (data, urls) in zip(pdfs, made, strict=True):
                keep(item, data, urls)
    else:
        for item in pdfs:
            keep(item, *_lay_out(item.html, item.allowed))
    store.prune()
    return Published([job.uri for job in every], reused, len(missing))


def link_block(kind: str, subject_id: str | None, lang: str, links: Links) -> str:
    """The download links for a client, person or dashboard page."""
    if kind == assemble.CLIENT:
        pdf = links.asset(client_pdf(subject_id or ""))
    elif kind == assemble.PERSON:
        pdf = links.asset(person_pdf(subject_id or ""))
    else:
        pdf = links.asset(RUNBOOK_PDF)
    html = links.asset(RUNBOOK_HTML) if kind == assemble.ALL else None
    return render("binder/link.html.j2", lang, kind=kind, pdf=pdf, html=html)
