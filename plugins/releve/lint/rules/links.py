"""RB025: a link or image in a procedure or client body to a runbook file that is not there.

The site publishes the files bodies link to (screenshots, PDFs) and binders embed
the images, so a link to a file that is missing, hidden, or outside the runbook is
a broken step for the reader. Links to Markdown pages are checked only inside the
procedures and clients folders: links to the team's own pages (docs/) and to
generated pages are MkDocs' to check, in the site's own layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...core.findings import Finding
from ...core.settings import Settings
from ...model import Pos, Runbook
from ...model.links import HIDDEN, MISSING, OK, OUTSIDE, body_links
from .content import finding

MESSAGES = {MISSING: "lint.missing_file", OUTSIDE: "lint.link_outside", HIDDEN: "lint.link_hidden"}


def rb025_missing_file(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    folders = tuple(f"{d.strip('/')}/" for d in (settings.procedures_dir, settings.clients_dir))
    for page in [*runbook.procedures, *runbook.clients.values()]:
        for link in body_links(runbook).get(page.path, []):
            if link.status == OK:
                continue
            if link.page and link.status == MISSING and not link.path.startswith(folders):
                continue
            key = MESSAGES[link.status]
            if link.status == MISSING and link.image:
                key = "lint.missing_image"
            yield finding("RB025", Pos(page.path, link.line, link.column), key,
                          target=link.url, path=link.path)  # fmt: skip
