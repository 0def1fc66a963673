"""Mark a built page for Pagefind: what is searched, what weighs more, which filters.

Once one page carries `data-pagefind-body`, Pagefind indexes only the marked
element of marked pages. Relève marks the article of the pages a reader looks
for (procedures, clients, people, services and the team's own pages) and
leaves everything else out: the dashboard, the coverage matrix, the gap
calendar, today's agenda and lint reports change every day and would bury the
procedures under dates and names.

Weights (Pagefind's scale, body text 1): a person's, client's or service's
own page puts its name at 10, and in its metadata, so it comes first for that
name; a procedure's
title is an <h1> (Pagefind: 7); its people, client and service, in the header
card, are 5 (set in `templates/cards/procedure.html.j2`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import escape

from ...core.order import sort_text

PROCEDURE, CLIENT, PERSON, SERVICE, PAGE = "procedure", "client", "person", "service", "page"
BODY_MARK = "data-pagefind-body"  # Pagefind indexes only what carries it
KINDS = (PROCEDURE, CLIENT, PERSON, SERVICE, PAGE)
# The filter an entity page belongs to: filtering on "Élodie" lists her own page too.
OWN_FILTER = {PERSON: "person", CLIENT: "client", SERVICE: "service"}
NAME_WEIGHT = 10

# Parts of a marked page that are never searched: permalink signs, the edit
# button, binder links, credential cards' holders and other procedures, the
# reveal panel, coverage plans, and on person, service and client pages the
# lists of procedures (with their owners and backups): they repeat what each
# procedure's own page says, and would rank Marie's page above Élodie's
# procedures for "elodie". Templates mark other generated noise with the class
# `releve-noindex`.
_KIND = '[data-pagefind-meta="kind:{}"]'
EXCLUDE_SELECTORS = (
    ".headerlink",
    ".md-content__button",
    ".md-source-file",
    ".releve-binder-link",
    ".releve-print",
    ".releve-procedure .releve-tel",  # people's phones: on their own page, not in every excerpt
    ".releve-cred .releve-person",
    ".releve-cred-used",
    ".releve-cred-actions",
    ".releve-cred-panel",
    ".releve-plan",
    ".releve-on-call",
    ".releve-matrix-wrap",
    ".releve-noindex",
    f"{_KIND.format(PERSON)} .releve-list",
    f"{_KIND.format(SERVICE)} .releve-table",
    f"{_KIND.format(CLIENT)} > .releve-list",
    f"{_KIND.format(CLIENT)} > .releve-table",
)

_ARTICLE = re.compile(r"<article\b[^>]*\bmd-content__inner\b[^>]*>")
_H1 = re.compile(r"<h1\b")
# Pagefind runs a label and its value together ("OwnerAlice") when no space
# separates their elements: it ends a word at <p>, <li> or <td>, not at these.
_RUN_TOGETHER = re.compile(r"(</(?:dt|dd|th|summary)>)(?=<)")


# Results of a filter with no words typed: the person's, client's or service's
# own page first, then procedures, then the team's pages, each by title.
LIST_ORDER = {PERSON: 0, CLIENT: 0, SERVICE: 0, PROCEDURE: 1, PAGE: 2}


@dataclass(frozen=True)
class SearchPage:
    """What a page is to search: its kind and its name (a procedure's or page's title)."""

    kind: str
    name: str = ""


def mark_page(html: str, page: SearchPage) -> str:
    """Add Pagefind's attributes to Material's article; the page is unchanged without one."""
    match = _ARTICLE.search(html)
    if match is None:
        return html
    order = f"{LIST_ORDER.get(page.kind, 3)} {sort_text(page.name)}"  # core.order's order
    tag = match.group(0)[:-1] + (
        f' {BODY_MARK} data-pagefind-meta="kind:{page.kind}"'
        f' data-pagefind-sort="order:{escape(order)}">'
    )
    rest = html[match.end() :]
    extra = ""
    if page.kind in OWN_FILTER and page.name:
        rest = _H1.sub(f'<h1 data-pagefind-weight="{NAME_WEIGHT}"', rest, count=1)
        # The name as a filter value, exactly as procedure cards print it (the <h1>
        # also holds a permalink sign), and as metadata: Pagefind adds a match in a
        # page's metadata to its score, which keeps this page above procedures that
        # repeat the name in their title, header card and body. Not counted twice as text.
        extra = (
            f'<span hidden data-pagefind-ignore data-pagefind-meta="name"'
            f' data-pagefind-filter="{OWN_FILTER[page.kind]}">{escape(page.name)}</span>'
        )
    rest = _RUN_TOGETHER.sub(r"\1 ", rest)
    return html[: match.start()] + tag + extra + rest


_HTML = re.compile(r"<html\b[^>]*>")
_MARKED = re.compile(rf"<article\b[^>]*\b{BODY_MARK}\b[^>]*>")
_ARTICLE_TAG = re.compile(r"<(/?)article\b[^>]*>")


def search_copy(html: str) -> str | None:
    """What Pagefind needs of a marked page: its language and its marked article, in a
    small document. Pagefind reads only the marked element of each page (and the page's
    language), so it gives the same index from these copies, about twice as fast, as
    from the pages with their navigation, header and scripts. None for an unmarked page."""
    match = _MARKED.search(html)
    root = _HTML.search(html)
    if match is None or root is None:
        return None
    depth = 0
    for tag in _ARTICLE_TAG.finditer(html, match.start()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            article = html[match.start() : tag.end()]
            head = '<head><meta charset="utf-8"></head>'
            return f"{root.group(0)}{head}<body>{article}</body></html>"
    return None
