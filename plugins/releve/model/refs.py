"""Credential references in a procedure: front-matter `credentials:` and inline `[[cred:ID]]`.

Read by the vault check (unknown ids), the credential cards, the binder's
credential index and coverage (who can open what a procedure needs).
"""

from __future__ import annotations

import re

from .source_cache import remembered
from .types import Pos, Procedure

CRED_REF = re.compile(r"\[\[cred:([^\]\s]*)\]\]")


FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")


def inline_references(proc: Procedure) -> list[tuple[str, Pos]]:
    """`[[cred:ID]]` in a procedure's body, with the file line of each.

    Inside code (fenced blocks, `code spans`) it is an example, not a reference:
    the site shows it as is, so it is skipped here too. Read by several rules and
    views: found once per file (`remembered`, kept in the source cache).
    """
    return remembered(proc, "refs.inline", lambda: _inline_references(proc))


def _inline_references(proc: Procedure) -> list[tuple[str, Pos]]:
    out, fence = [], ""
    for offset, line in enumerate(proc.body.splitlines()):
        start = FENCE.match(line)
        if start and (not fence or start.group(1) == fence):
            fence = "" if fence else start.group(1)
            continue
        if fence or "[[cred:" not in line:
            continue
        prose = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in CRED_REF.finditer(prose):
            out.append((match.group(1), Pos(proc.path, proc.body_line + offset, match.start() + 1)))
    return out


def references(proc: Procedure) -> list[tuple[str, Pos]]:
    """Every credential id a procedure names, front-matter first, with positions."""
    front = [(cid, proc.pos_of("credentials", i)) for i, cid in enumerate(proc.credentials)]
    return front + inline_references(proc)
