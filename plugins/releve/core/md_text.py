"""Markdown as text: where code is, so rules and link scans read only what renders as prose.

Shared by the lint (`[[cred:ID]]`, list items) and the model's link scan: a link
written inside a code block or a code span is an example, not a link.
"""

from __future__ import annotations

import re

FENCED = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def outside_code(markdown: str) -> str:
    """The text with fenced blocks and code spans blanked, offsets and lines kept.

    `[[cred:ID]]` inside code is an example, not a reference: the site shows it as is.
    """
    if "`" not in markdown and "~~~" not in markdown:
        return markdown
    return _CODE_SPAN.sub(_blank, FENCED.sub(_blank, markdown))


def outside_code_and_comments(markdown: str) -> str:
    """`outside_code`, with HTML comments blanked too (offsets and lines kept)."""
    text = outside_code(markdown)
    return _COMMENT.sub(_blank, text) if "<!--" in text else text
