"""Credential references: front-matter `credentials:` and inline `[[cred:ID]]`.

The one scanner of `[[cred:ID]]`: the lint (RB005, unknown id), the site's
credential cards, the binder's credential chips, coverage (who can open what a
procedure needs) and the vault check all read references through here, so a
reference the lint checks is a card on the site and a chip in the binder, and
an example the site shows as code is never checked nor counted.

Inside code (fenced blocks, `code spans`, as Markdown renders them) `[[cred:ID]]`
is an example, not a reference. A code span runs over line breaks within a
paragraph, as in Markdown, but never past a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .source_cache import remembered
from .types import Client, Pos, Procedure

CRED_REF = re.compile(r"\[\[cred:([^\]\s]*)\]\]")
MARK = "[[cred:"  # cheap test before any scan: most pages hold no reference

# A fence opens with ``` or ~~~ at the start of a line and closes at the next line
# starting with the same three characters (or at the end of the text).
FENCED = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:[^\n]|\n(?![ \t]*\n))*?(?<!`)\1(?!`)")


@dataclass(frozen=True)
class InlineRef:
    """One `[[cred:ID]]` outside code, where it sits in the scanned text."""

    id: str
    start: int  # offsets of the whole `[[cred:ID]]` in the text
    end: int
    line: int  # 0-based line in the text
    column: int  # 1-based


def outside_code(markdown: str) -> str:
    """The text with fenced blocks and code spans blanked, offsets and lines kept."""
    if "`" not in markdown and "~~~" not in markdown:
        return markdown

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _CODE_SPAN.sub(blank, FENCED.sub(blank, markdown))


def find_refs(markdown: str) -> list[InlineRef]:
    """Every `[[cred:ID]]` of a Markdown text that is not inside code, in order."""
    if MARK not in markdown:
        return []
    out = []
    for match in CRED_REF.finditer(outside_code(markdown)):
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        out.append(
            InlineRef(
                id=match.group(1),
                start=match.start(),
                end=match.end(),
                line=markdown.count("\n", 0, match.start()),
                column=match.start() - line_start + 1,
            )
        )
    return out


def inline_references(page: Procedure | Client) -> list[tuple[str, Pos]]:
    """`[[cred:ID]]` in a page's body outside code, with the file position of each.
    Read by several rules and views: found once per file (`remembered`, kept in the
    source cache)."""
    return remembered(page, "refs.inline", lambda: _inline_references(page))


def _inline_references(page: Procedure | Client) -> list[tuple[str, Pos]]:
    return [
        (ref.id, Pos(page.path, page.body_line + ref.line, ref.column))
        for ref in find_refs(page.body)
    ]


def references(proc: Procedure) -> list[tuple[str, Pos]]:
    """Every credential id a procedure names, front-matter first, with positions."""
    front = [(cid, proc.pos_of("credentials", i)) for i, cid in enumerate(proc.credentials)]
    return front + inline_references(proc)
