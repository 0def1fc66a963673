"""RB020: a list item that Markdown will glue to the text above it.

The usual causes: a step written right after a paragraph nested in the previous
step, with no blank line between them (GitHub renders it as a new step, Python-
Markdown joins it to the paragraph: seven steps show as five); or a nested list
indented by more or fewer spaces than the runbook's list extension expects.

Rather than guess from the source, the rule renders the body as the site does
(the same list extension, see `mdext.list_extensions`) and looks in the parsed
blocks for text holding a line that starts like a list item: that line did not
become one. Only bodies with a candidate line are rendered, so the lint stays fast.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from datetime import date

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from ...core.findings import Finding
from ...core.md_extensions import list_extensions, nested_indent
from ...core.settings import Settings
from ...model import Pos, Runbook
from ...model.refs import outside_code
from .content import _described, finding

MARKER = r"(?:\d{1,9}[.)]|[-*+])[ \t]+\S"
# A cheap filter: a marker line right after a non-blank line.
CANDIDATE = re.compile(r"^[ \t]*\S.*\n[ \t]*" + MARKER, re.M)
# In a parsed block's raw text, a line (not the first) that starts like a list item.
GLUED = re.compile(r"\n([ \t]*" + MARKER + r".*)")
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.superfences",
              "pymdownx.details", "pymdownx.tasklist"]  # fmt: skip
SKIP = {"pre", "code", "script", "style"}


class _Collect(Treeprocessor):
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


def _renderer(settings: Settings) -> tuple[Markdown, _Collect]:
    names, configs = list_extensions(settings.markdown_extensions)
    md = Markdown(extensions=[*EXTENSIONS, *names], extension_configs=configs)
    collect = _Collect(md)
    md.treeprocessors.register(collect, "releve_glued_lists", 25)  # before "inline" (20)
    return md, collect


def glued_lines(body: str, md: Markdown, collect: _Collect) -> list[str]:
    """Lines of `body` that look like list items but do not render as ones."""
    if not CANDIDATE.search(outside_code(body)):
        return []
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


def rb020_broken_list(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    md, collect = _renderer(settings)
    indent = nested_indent(settings.markdown_extensions)
    pages = [*_described(runbook), *runbook.clients.values()]
    for page in pages:
        glued = glued_lines(page.body, md, collect)
        for index in _line_numbers(page.body, glued):
            line = page.body.splitlines()[index]
            pos = Pos(page.path, page.body_line + index, len(line) - len(line.lstrip()) + 1)
            yield finding("RB020", pos, "lint.list_glued", line=line.strip()[:60],
                          indent=indent, indent_ol=max(indent, 3))  # fmt: skip
