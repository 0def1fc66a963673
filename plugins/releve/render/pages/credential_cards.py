"""Credential cards: clear metadata only (label, audience, holders, where used, rotation).

The card carries what the Reveal script needs in data attributes (who may
open it, where the sealed JSON is, translated messages); the sealed data
itself is a separate JSON file, so nothing here is secret and nothing sealed
reaches the page text that search indexes.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from ...core.confusables import lookalikes
from ...core.order import procedure_order
from ...i18n import Translator
from ...model import Procedure, Runbook
from ...model.refs import MARK, find_refs, references
from ..site_map import Links, person_uri, procedure_uri
from ..templates import render

VAULT_JSON = "assets/releve/vault.json"
SAFE_SCHEMES = ("http", "https", "mailto")
REVEAL_STRINGS = ("who", "holders", "others", "passphrase", "open", "cancel", "hide", "working",
                  "wrong", "no_key", "unavailable", "hidden_in", "button", "stale", "unverified",
                  "field_password", "field_username", "field_identifiant", "field_pin",
                  "field_api_key", "no_access", "or")  # fmt: skip
COPY_STRINGS = ("action.copy", "action.copied")


def usage_index(runbook: Runbook) -> dict[str, list[Procedure]]:
    """Credential id -> procedures that reference it (front-matter or inline), in core.order's
    order of procedures."""
    out: dict[str, list[Procedure]] = {}
    for proc in procedure_order(runbook.procedures):
        for cred_id in dict.fromkeys(cid for cid, _ in references(proc)):
            out.setdefault(cred_id, []).append(proc)
    return out


def safe_url(url: str | None) -> str | None:
    """Only web and mail links become hrefs (never `javascript:`)."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in SAFE_SCHEMES else None


class CredentialCards:
    """Render credential cards for one build; the usage index is computed once."""

    def __init__(self, runbook: Runbook, lang: str) -> None:
        self.runbook = runbook
        self.lang = lang
        self.used_in = usage_index(runbook)
        _ = Translator(lang)
        strings = {key: _(f"reveal.{key}") for key in REVEAL_STRINGS}
        strings |= {key.split(".")[1]: _(key) for key in COPY_STRINGS}
        self.strings = json.dumps(strings, ensure_ascii=False)
        # People whose name can pass for another's (RB027): their id shows beside it. (Always
        # would push a procedure's steps below the first screen of a phone.)
        self.show_ids = lookalikes({pid: p.name for pid, p in runbook.team.people.items()})

    def _people(self, holders: list[str]) -> str:
        """Holders, then everyone else, each in people order (`holders` comes ordered)."""
        team = self.runbook.team
        people = [{"id": pid, "name": team.name_of(pid), "holder": True} for pid in holders]
        people += [{"id": p.id, "name": p.name, "holder": False}
                   for p in team.in_order() if p.id not in holders]  # fmt: skip
        return json.dumps(people, ensure_ascii=False)

    def card(self, cred_id: str, links: Links, here: str | None = None, anchor: bool = False):
        """One card; `here` is the current procedure's id (left out of "also used in")."""
        cred = self.runbook.credentials.get(cred_id)
        team = self.runbook.team
        context = {"cred_id": cred_id, "cred": cred, "anchor": anchor,
                   "role_names": team.role_names, "show_ids": self.show_ids}  # fmt: skip
        if cred is not None:
            holders = team.ids_in_order(cred.holders)
            context |= {
                "url": safe_url(cred.url),
                "holders": [
                    (pid, team.name_of(pid), links(person_uri(pid)) if pid in team.people else None)
                    for pid in holders
                ],
                "used_in": [
                    (p.title, links(procedure_uri(p)))
                    for p in self.used_in.get(cred_id, [])
                    if p.id != here
                ],
                "vault_url": links.asset(VAULT_JSON),
                "people": self._people(holders),
                "strings": self.strings,
                "sealed": bool(cred.fields and cred.holders),
            }
        return render("cards/credential.html.j2", self.lang, **context)

    def chip(self, cred_id: str) -> str:
        """An inline reference to a card shown elsewhere on the page: a link, not a second card."""
        cred = self.runbook.credentials.get(cred_id)
        return render("cards/cred_chip.html.j2", self.lang, cred_id=cred_id, cred=cred).strip()

    def procedure_block(self, proc: Procedure, links: Links, inline: list[str] = ()) -> str:
        """Every credential the procedure uses, once: its front-matter `credentials:`, then
        those only referenced inline. Placed after the header card; inline references link here.
        """
        known = [cid for cid in inline if cid in self.runbook.credentials]
        ids = dict.fromkeys([*proc.credentials, *known])  # an unknown inline id warns in place
        cards = [self.card(cid, links, proc.id, anchor=True) for cid in ids]
        return render("cards/credentials.html.j2", self.lang, cards=cards) if cards else ""

    def fill(self, html: str, ids: list[str], links: Links, here: str | None,
             shown: set[str]) -> str:  # fmt: skip
        """Replace inline tokens: a chip for a card already on the page (`shown`), else the
        card itself the first time (with its anchor), and chips after that."""
        shown = set(shown)

        def render_one(cred_id: str) -> str:
            if cred_id in shown or cred_id not in self.runbook.credentials:
                return self.chip(cred_id)
            shown.add(cred_id)
            return str(self.card(cred_id, links, here, anchor=True))

        return fill_inline(html, ids, render_one)


# --- inline references: [[cred:ID]] in Markdown ---------------------------------

_TOKEN = re.compile(r"RELEVECREDREF(\d+)X")


def mark_inline(markdown: str) -> tuple[str, list[str]]:
    """Swap each `[[cred:ID]]` outside code for a plain token; return the ids in order.

    The references are the lint's (`model/refs.py`): one inside code stays as it is.
    The token survives Markdown untouched; `fill_inline` then puts the card in
    the rendered HTML (Markdown would otherwise mangle or escape the card).
    """
    if MARK not in markdown:
        return markdown, []
    ids: list[str] = []
    pieces, last = [], 0
    for ref in find_refs(markdown):
        pieces += [markdown[last : ref.start], f"RELEVECREDREF{len(ids)}X"]
        ids.append(ref.id)
        last = ref.end
    pieces.append(markdown[last:])
    return "".join(pieces), ids


def fill_inline(html: str, ids: list[str], card) -> str:
    """Replace the tokens of `mark_inline` with `card(id)`, the rendered HTML."""
    if not ids:
        return html

    def sub(match: re.Match) -> str:
        index = int(match.group(1))
        return str(card(ids[index])) if index < len(ids) else match.group(0)

    return _TOKEN.sub(sub, html)
