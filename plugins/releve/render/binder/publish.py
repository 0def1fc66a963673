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
from .html import BodyRenderer, render_html, source_revision

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


# One worker's state, set once by `_init` (the model is sent to each worker once).
_STATE: dict = {}


def _init(runbook: Runbook, settings: Settings, today: date, revision: str | None) -> None:
    _STATE.update(runbook=runbook, settings=settings, today=today, revision=revision,
                  bodies=BodyRenderer(runbook, settings.language))  # fmt: skip


def _run(job: Job, site_dir: str) -> tuple[str, list[str], dict[str, int]]:
    """Write one binder; return its path, the source files whose resources were left out,
    and per source file the images from the web noted as not printed."""
    from .pdf import write_pdf

    runbook, settings, today = _STATE["runbook"], _STATE["settings"], _STATE["today"]
    if job.kind == assemble.CLIENT:
        book = assemble.for_client(runbook, job.subject_id, today, settings)
    elif job.kind == assemble.PERSON:
        book = assemble.for_person(runbook, job.subject_id, today, settings)
    else:
        book = assemble.for_all(runbook, today, settings)
    bodies = _STATE["bodies"]
    html = render_html(runbook, book, settings, _STATE["revision"], bodies)
    target = Path(site_dir) / job.uri
    not_printed = dict(bodies.images.done.not_printed)
    if target.suffix == ".html":
        write_atomic(target, html)
        return job.uri, [], not_printed
    urls: list[str] = []
    write_pdf(html, target, urls, bodies.images.done.allowed)
    return job.uri, (bodies.blame(urls) or [job.uri]) if urls else [], not_printed


def publish(
    runbook: Runbook,
    settings: Settings,
    today: date,
    site_dir: Path,
    left_out: set[str] | None = None,
    not_printed: dict[str, int] | None = None,
) -> list[str]:
    """Write every binder into `site_dir`; return their site-relative paths.

    Source files whose images or styles were left out (never fetched) go to `left_out`;
    per source file, the images from the web noted as not printed, to `not_printed`.
    """
    todo = jobs(runbook)
    state = (runbook, settings, today, source_revision(runbook.root))
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=state) as pool:
            done = list(pool.map(_run, todo, [str(site_dir)] * len(todo)))
    else:
        _init(*state)
        done = [_run(job, str(site_dir)) for job in todo]
    for _, sources, noted in done:
        if left_out is not None:
            left_out.update(sources)
        if not_printed is not None:
            for path, count in noted.items():
                not_printed[path] = max(not_printed.get(path, 0), count)
    return [uri for uri, _, _ in done]


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
