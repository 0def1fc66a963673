"""Relève's generated pages hand their big HTML blocks to the site untouched.

Generated pages are Markdown with large raw HTML blocks (the coverage matrix has a row
per procedure, a person's page a table per list). Python-Markdown passes raw HTML
through unchanged, but first reads every tag of it with Python's HTML parser to find
where each block ends: most of the time of those pages, and most of a rebuild after an
edit under `serve`. `stash` puts a comment in place of each top-level HTML block (an
element that starts a line after a blank line and ends, balanced, at the end of a
line), which Python-Markdown also passes through; `restore` puts the blocks back into
the rendered page. Blocks with a `markdown` attribute (Markdown inside HTML, which
Python-Markdown does read) are left where they are, and so is any block that does not
close where expected.
"""

from __future__ import annotations

import re
import secrets

MIN_CHARS = 2_000  # smaller blocks cost little to parse
_START = re.compile(r"(?:\A|\n\n)(<(div|table|section|ul|ol|dl|details|nav|p|form)\b[^>]*>)")


def stash(markdown: str) -> tuple[str, dict[str, str]]:
    """`markdown` with its big top-level HTML blocks replaced by comments, and the blocks
    by comment."""
    if "<" not in markdown:
        return markdown, {}
    nonce = secrets.token_hex(6)
    blocks: dict[str, str] = {}
    out: list[str] = []
    at = 0
    for match in _START.finditer(markdown):
        start = match.start(1)
        if start < at:
            continue
        end = _block_end(markdown, start, match.group(2))
        if end is None or end - start < MIN_CHARS:
            continue
        block = markdown[start:end]
        if re.search(r"<[a-zA-Z][^>]*\smarkdown\b", block):
            continue
        mark = f"<!--releve-raw:{nonce}:{len(blocks)}-->"
        blocks[mark] = block
        out += [markdown[at:start], mark]
        at = end
    if not blocks:
        return markdown, {}
    out.append(markdown[at:])
    return "".join(out), blocks


def _block_end(text: str, start: int, tag: str) -> int | None:
    """End of the element opened at `start`: where its tags balance, when the rest of that
    line is blank and a blank line (or the end of the text) follows; None otherwise."""
    depth = 0
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", text[start:]):
        if match.group(0).endswith("/>"):
            continue
        depth += -1 if match.group(1) else 1
        if depth:
            continue
        end = start + match.end()
        newline = text.find("\n", end)
        if newline < 0:
            return end if not text[end:].strip() else None
        if text[end:newline].strip():
            return None
        after = text[newline + 1 :]
        following = after.split("\n", 1)[0] if after else ""
        return end if not following.strip() else None
    return None


def restore(html: str, blocks: dict[str, str]) -> str:
    """The rendered page with its blocks back in place of their comments."""
    for mark, block in blocks.items():
        html = html.replace(mark, block, 1)
    return html
