"""Python-Markdown pieces shared by the site, the binders and the lint.

- `AdmonitionTitles`: an admonition or a `???` block written without a title gets
  "Astuce", "Attention"... in the page language instead of Python-Markdown's
  English default (the type, capitalised: "Tip", "Warning").
- `list_extensions`: nested lists as authors write them. Python-Markdown wants
  four spaces before a nested item; most editors and GitHub write two (three
  under "1."). A runbook opts in with `mdx_truly_sane_lists` in mkdocs.yml (the
  sample and `releve init` do); the binder and the lint then read lists the
  same way the site does.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from ..i18n import catalogue, language_of


class _TitleProcessor(Treeprocessor):
    def __init__(self, md: Markdown, lang: str) -> None:
        super().__init__(md)
        self.lang = language_of(lang)

    def title(self, kind: str, current: str | None) -> str | None:
        """The localised title when `current` is Python-Markdown's default for `kind`."""
        if not kind or current != kind.capitalize():
            return None
        entry = catalogue(self.lang).get(f"admonition.{kind.lower()}")
        return entry if isinstance(entry, str) else None

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            classes = (el.get("class") or "").split()
            if el.tag == "div" and classes[:1] == ["admonition"] and len(classes) > 1:
                first = el[0] if len(el) else None
                if (
                    first is not None
                    and first.tag == "p"
                    and "admonition-title" in (first.get("class") or "")
                ):
                    new = self.title(classes[1], first.text) if len(first) == 0 else None
                    if new:
                        first.text = new
            elif el.tag == "details" and classes:
                summary = el[0] if len(el) else None
                if summary is not None and summary.tag == "summary" and len(summary) == 0:
                    new = self.title(classes[0], summary.text)
                    if new:
                        summary.text = new


class AdmonitionTitles(Extension):
    """Default admonition and details titles in the page language."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"lang": ["en", "Page language: en or fr"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        lang = str(self.getConfig("lang"))
        # After the block parsers made the titles; before inline processing is fine too.
        md.treeprocessors.register(_TitleProcessor(md, lang), "releve_admonition_titles", 1)
