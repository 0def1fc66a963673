"""The Jinja environment shared by every view: autoescape on, i18n in templates."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..i18n import Translator

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")

Linker = Callable[[str], str]


def md_text(value: Any) -> Markup:
    """Escape a value for Markdown prose: no HTML, Markdown punctuation neutralised.

    Quotes stay as they are: entities such as &#39; would show in the table of contents.
    """
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(_MD_SPECIAL.sub(r"\\\1", text))


_TICKS = re.compile(r"`([^`]+)`")


def code_ticks(value: Any) -> Markup:
    """Escape a message and show its `backticked` parts as code."""
    return Markup(_TICKS.sub(r"<code>\1</code>", str(escape(value))))


def relative_url(target: str, base: str) -> str:
    """URL of `target` relative to the page at `base` (both site-relative, like File.url)."""
    base_dir = base if base.endswith("/") or base == "" else posixpath.dirname(base) + "/"
    rel = posixpath.relpath("/" + target, "/" + base_dir)
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel if rel != "./" else "./"


def format_day(value: date | None, lang: str) -> str:
    if value is None:
        return "—"
    return value.isoformat()


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("releve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.filters["ticks"] = code_ticks
    return env


def render(template: str, lang: str, **context: Any) -> str:
    translate = Translator(lang)
    return (
        environment()
        .get_template(template)
        .render(
            _=translate,
            label=translate.label,
            lang=translate.lang,
            day=lambda d: format_day(d, translate.lang),
            **context,
        )
    )
