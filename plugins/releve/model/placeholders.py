"""Placeholders: what `releve new` writes where it was not told a value (`TODO: ...`).

A placeholder is a front-matter text (or list item) that starts with `TODO`, or a
body line that does (after a list marker). The model reads it without complaint,
so the new page builds and can be reviewed, and the lint reports it (RB024)
until someone writes the real value. A placeholder `priority` counts as
`important` and a placeholder `schedule` as no schedule (on demand) meanwhile.
"""

from __future__ import annotations

import re

MARK = "TODO"
_VALUE = re.compile(rf"^\s*{MARK}\b")
_LINE = re.compile(rf"^[ \t]*(?:(?:[-*+]|\d{{1,9}}[.)])[ \t]+)?(?:\[[ xX]\][ \t]+)?{MARK}\b")
PLACEHOLDER_PRIORITY = "important"


def is_placeholder(value: object) -> bool:
    """A front-matter value left for someone to fill in."""
    return isinstance(value, str) and _VALUE.match(value) is not None


def placeholder_lines(markdown: str) -> list[int]:
    """0-based numbers of the lines of `markdown` that start with the mark."""
    return [n for n, line in enumerate(markdown.split("\n")) if _LINE.match(line)]
