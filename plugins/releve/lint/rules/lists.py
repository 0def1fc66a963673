"""RB020: a list item that Markdown will glue to the text above it.

The usual causes: a step written right after a paragraph nested in the previous
step, with no blank line between them (GitHub renders it as a new step, Python-
Markdown joins it to the paragraph: seven steps show as five); or a nested list
indented by more or fewer spaces than the runbook's list extension expects.

Rather than guess from the source, the rule renders the body as the site does
(the same list extension, see `mdext.list_extensions`) and looks in the parsed
blocks for text holding a line that starts like a list item: that line did not
become one. Rendering every page was most of the lint's time, so a line-level
filter (`could_glue`) first rules out the pages where no line can be glued: a
line that starts like a list item can only be glued to a non-blank line above
it, and when that line is an item of the same kind at the left margin (`1.`
under `1.`, `-` under `-`), Python-Markdown's list parser (plain or with the
list extension) makes the second a sibling of the first. Only pages with another
kind of pair are rendered, whole, so the findings are those of rendering every
page (tests/test_lists.py compares both on random bodies).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from ...core.findings import Finding
from ...core.md_options import list_extensions, nested_indent
from ...core.settings import Settings
from ...model import Pos, Runbook
from ...model.source_cache import remembered
from .content import _described, finding

if TYPE_CHECKING:
    from markdown import Markdown

MARKER = r"(?:\d{1,9}[.)]|[-*+])[ \t]+\S"
# A line that starts like a list item (in a block quote too), under a line that is not
# blank for Python-Markdown (which only drops spaces and tabs). Code is not skipped: a
# code span may hold a line break, and a fence's placeholder joins the paragraph below.
# A lookahead, so that consecutive pairs all match.
PAIR = re.compile(r"^([ \t]*[^ \t\n][^\n]*)\n(?=([ \t>]*" + MARKER + r"[^\n]*))", re.M)
ITEM_LIKE = re.compile(r"[ \t>]*" + MARKER)
ITEM_LINE = re.compile(r"^[ \t>]*" + MARKER, re.M)
# A list item at the left margin with one of Python-Markdown's own markers.
MARGIN_ITEM = re.compile(r"(\d+\.|[-*+]) +\S")
RULE = re.compile(r"[-*_ \t]+$")
# Lines after which a block may start again in the middle of a list item's lines (a
# heading, an admonition, raw HTML, a fence, a rule or a setext underline): the text
# below them may become a paragraph.
# Pairs the line-level walk must look at: an item under something else than an item at
# the margin, a line starting like an item that is not one at the margin, an ordered
# item next to a bullet or bullets of two kinds, a rule. Pages without any (a plain list
# of steps under a heading) are settled by one scan at C speed.
_ITEM = r"(?:[-*+] +\S|\d+\. +\S)"
LOOK_CLOSER = re.compile(
    r"^(?!"
    + _ITEM
    + r")[ \t]*[^ \t\n][^\n]*\n[ \t>]*"
    + MARKER
    + r"|^[ \t]*[^ \t\n][^\n]*\n(?!"
    + _ITEM
    + r")[ \t>]*"
    + MARKER
    + r"|^\d+\. +\S[^\n]*\n[-*+] +\S|^[-*+] +\S[^\n]*\n\d+\. +\S"
    + r"|^([-*+]) +\S[^\n]*\n(?!\1)[-*+] +\S"
    + r"|^[ \t]*[-*_][-*_ \t]*$",
    re.M,
)
RAW_HTML = re.compile(r"^[ \t]*<", re.M)
SPLITTER = re.compile(r"[ \t]*(?:#|<|!!!|\?\?\?|```|~~~)|[-=*_ \t]+$")
# In a parsed block's raw text, a line (not the first) that starts like a list item.
GLUED = re.compile(r"\n([ \t]*" + MARKER + r".*)")
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.superfences",
              "pymdownx.details", "pymdownx.tasklist"]  # fmt: skip
SKIP = {"pre", "code", "script", "style"}


@cache
def _collector() -> type:
    """The tree processor that records glued lines, made on the first page rendered: most
    lint runs render none, and need not import Python-Markdown."""
    from markdown.treeprocessors import Treeprocessor

    class Collect(Treeprocessor):
        """Before inline processing: record block text holding a glued list line."""

        def __init__(self, md: Markdown) -> None:
            super().__init__(md)
            self.glued: list[str] = []

        def run(self, root: etree.Element) -> None:
            def visit(el: etree.Element) -> None:
                if el.tag in SKIP:
                    return
                for text in (el.text, *(child.tail for child in el)):
                    if text:
                        self.glued += [m.group(1).strip() for m in GLUED.finditer(text)]
                for child in el:
                    visit(child)

            visit(root)

    return Collect


def _renderer(settings: Settings) -> tuple[Markdown, Any]:
    from markdown import Markdown

    names, configs = list_extensions(settings.markdown_extensions)
    md = Markdown(extensions=[*EXTENSIONS, *names], extension_configs=configs)
    collect = _collector()(md)
    md.treeprocessors.register(collect, "releve_glued_lists", 25)  # before "inline" (20)
    return md, collect


def _kind(line: str) -> str | None:
    """ "1." for an ordered item at the margin, its bullet for an unordered one, else None
    (a rule like `- - -` or `* * *` is not an item: the rule processor comes first)."""
    match = MARGIN_ITEM.match(line)
    if match is None or RULE.match(line):
        return None
    marker = match.group(1)
    return "1." if marker[0].isdigit() else marker


def _follows_item(body: str, start: int, kind: str) -> bool:
    """Whether the plain line at `start` continues an item of `kind`: going up through plain
    lines, the first line that starts like an item is one of `kind` at the margin, with no
    blank line, nor a line that may start a new block, on the way."""
    end = start
    while True:
        line = body[start:end] if end > start else body[start : body.find("\n", start)]
        if not line.strip(" \t") or SPLITTER.match(line):
            return False
        if ITEM_LIKE.match(line):
            return _kind(line) == kind
        if start == 0:
            return False
        end = start - 1
        start = body.rfind("\n", 0, end) + 1


def could_glue(body: str) -> bool:
    """Whether rendering `body` can show a glued list line.

    False only when every line that starts like a list item under a non-blank line belongs
    to a run of items of one kind at the margin: it follows the lines of an item of its own
    kind (its first line, then plain continuation lines) and that item is itself the first
    line of its block or such a line. Python-Markdown's list parser, plain or with the list
    extension, makes it a new item. Any other page is left to the renderer: the first glued
    line of a page always sits under something else.
    """
    if not ITEM_LINE.search(body):
        return False
    if body[:1] in (" ", "\t") or "\x02" in body or "\x03" in body or RAW_HTML.search(body):
        # A first line of spaces is not blank there; STX and ETX are dropped; raw HTML
        # (md_in_html) may hold blank lines inside an element's text.
        return True
    if not LOOK_CLOSER.search(body):
        return False
    for match in PAIR.finditer(body):
        above, kind = match.group(1), _kind(match.group(2))
        if kind is None:
            return True
        if ITEM_LIKE.match(above):
            if _kind(above) != kind:
                return True
        elif not _follows_item(body, match.start(1), kind):
            return True
    return False


def glued_lines(body: str, md: Markdown, collect: Any) -> list[str]:
    """Lines of `body` that look like list items but do not render as ones (rendered)."""
    collect.glued = []
    md.reset().convert(body)
    return list(collect.glued)


def _line_numbers(body: str, glued: list[str]) -> list[int]:
    """0-based lines of `body` holding each glued text, in order."""
    lines = body.splitlines()
    out, start = [], 0
    for text in glued:
        for index in range(start, len(lines)):
            if lines[index].strip() == text:
                out.append(index)
                start = index + 1
                break
    return out


_RENDERERS: dict[str, tuple[Markdown, Any]] = {}


def _fact_key(settings: Settings) -> str:
    return "rb020:" + repr(list_extensions(settings.markdown_extensions))


def glued_at(page, settings: Settings) -> list[int]:
    """0-based body lines of `page` that look like list items but do not render as ones.

    They depend on the page's file and the list extension's options alone: kept with the
    page in the source cache, under those options."""

    def find() -> list[int]:
        if not could_glue(page.body):
            return []
        key = _fact_key(settings)
        if key not in _RENDERERS:
            _RENDERERS[key] = _renderer(settings)
        return _line_numbers(page.body, glued_lines(page.body, *_RENDERERS[key]))

    return remembered(page, _fact_key(settings), find)


def rb020_broken_list(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    indent = nested_indent(settings.markdown_extensions)
    pages = [*_described(runbook), *runbook.clients.values()]
    for page in pages:
        for index in glued_at(page, settings):
            line = page.body.splitlines()[index]
            pos = Pos(page.path, page.body_line + index, len(line) - len(line.lstrip()) + 1)
            yield finding("RB020", pos, "lint.list_glued", line=line.strip()[:60],
                          indent=indent, indent_ol=max(indent, 3))  # fmt: skip
