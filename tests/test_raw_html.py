"""Generated pages' big HTML blocks skip Python-Markdown's HTML parser (render/raw_html.py):
the rendered page is the same as when Python-Markdown reads them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import markdown
from mkdocs.config import load_config

from releve.core.settings import load_settings
from releve.render.raw_html import MIN_CHARS, restore, stash
from releve.render.site_content import SiteContent

REPO = Path(__file__).resolve().parent.parent
BIG = "<p>" + "x" * MIN_CHARS + "</p>"


def rendered(text: str, config, blocks: dict[str, str] | None = None) -> str:
    """The page as Python-Markdown renders it (blocks put back), spaces collapsed."""
    md = markdown.Markdown(extensions=config.markdown_extensions,
                           extension_configs=config.mdx_configs)  # fmt: skip
    return re.sub(r"\s+", " ", restore(md.convert(text), blocks or {})).strip()


def test_every_generated_page_of_the_sample_renders_the_same():
    config = load_config(config_file=str(REPO / "mkdocs.yml"))
    site = SiteContent.load(REPO, load_settings(REPO), date(2026, 11, 23))
    pages = site.pages(lambda uri: uri.replace(".md", "/"))
    stashed = 0
    for uri, text in pages.items():
        short, blocks = stash(text)
        stashed += bool(blocks)
        assert rendered(short, config, blocks) == rendered(text, config), uri
    assert stashed >= 5  # the matrix, people's pages...


def test_only_whole_blocks_of_plain_html_are_stashed():
    text = f"# Title\n\n<div class=a>\n{BIG}\n</div>\n\nAfter.\n"
    short, blocks = stash(text)
    assert list(blocks.values()) == [f"<div class=a>\n{BIG}\n</div>"]
    assert short.startswith("# Title\n\n<!--releve-raw:") and short.endswith("\n\nAfter.\n")
    assert restore(short, blocks) == text
    for kept in (
        f"<div markdown>\n{BIG}\n</div>\n",  # Markdown inside: Python-Markdown reads it
        f"<div>\n{BIG}\n",  # never closed
        f"<div>\n{BIG}\n</div> and text\n",  # more on the closing line
        f"<div>\n{BIG}\n</div>\nText right after.\n",  # no blank line after
        f"Text right before.\n<div>\n{BIG}\n</div>\n",  # no blank line before
        "<div>\nsmall\n</div>\n",  # too small to matter
    ):
        assert stash(kept) == (kept, {}), kept


def test_nested_blocks_of_the_same_tag_end_where_they_balance():
    text = f"<div>\n<div>\n{BIG}\n</div>\n\n<div>x</div>\n</div>\n\nEnd.\n"
    _, blocks = stash(text)
    assert list(blocks.values()) == [text[: text.index("\n\nEnd.")]]
