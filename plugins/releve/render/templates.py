"""The Jinja environment shared by every view: autoescape on, i18n in templates."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from datetime import date
from functools import cache, lru_cache
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..core.findings import escape_controls
from ..core.order import natural_key, people_order, procedure_order
from ..i18n import Translator
from ..i18n.formats import format_day, format_month, format_number, format_period

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
# Control characters and text-direction overrides, shown escaped (soft hyphens and joiners
# stay: words and emoji need them).
_HIDDEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match) -> str:
    return escape_controls(match.group(0))


Linker = Callable[[str], str]


def md_text(value: Any) -> Markup:
    """Escape a value for Markdown prose: no HTML, Markdown punctuation neutralised.

    Quotes stay as they are: entities such as &#39; would show in the table of contents.
    """
    text = _HIDDEN.sub(_shown, _LINE_BREAKS.sub(" ", str(value)))  # one line, in plain order
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(_MD_SPECIAL.sub(r"\\\1", text))


_TICKS = re.compile(r"`([^`]+)`")


def code_ticks(value: Any) -> Markup:
    """Escape a message and show its `backticked` parts as code."""
    return Markup(_TICKS.sub(r"<code>\1</code>", str(escape(value))))


@lru_cache(maxsize=1 << 16)
def relative_url(target: str, base: str) -> str:
    """URL of `target` relative to the page at `base` (both site-relative, like File.url).
    Remembered: a page links to the same few pages many times, and `posixpath.relpath`
    is slow."""
    base_dir = base if base.endswith("/") or base == "" else posixpath.dirname(base) + "/"
    rel = posixpath.relpath("/" + target, "/" + base_dir)
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel if rel != "./" else "./"


_BREAK_AFTER = re.compile(r"(@|/(?!/))")
_BREAK_BEFORE = re.compile(r"(?<=\w)([.?&=_-])(?=\w)")


def breakable(value: Any) -> Markup:
    """An e-mail or URL that may wrap at its natural joints, never mid-word:
    a <wbr> after "@" and "/", and before ".", "-", "_", "?" and "&"."""
    text = str(escape(value)).replace("&amp;", "\x00")
    text = _BREAK_AFTER.sub(r"\1<wbr>", text)
    text = _BREAK_BEFORE.sub(r"<wbr>\1", text).replace("\x00", "<wbr>&amp;")
    return Markup(text)


def tel_href(number: Any) -> str:
    """A `tel:` URL for a phone number as people write it ("+1 514 555-0101 poste 2")."""
    text = str(number or "")
    extension = re.search(r"(?:poste|ext\.?|x)\s*(\d+)\s*$", text, re.IGNORECASE)
    if extension:
        text = text[: extension.start()]
    digits = re.sub(r"[^\d+]", "", text)
    digits = digits[:1] + digits[1:].replace("+", "")
    return "tel:" + digits + (f";ext={extension.group(1)}" if extension else "")


def _sorter(key: Callable[[Any], Any]) -> Callable[..., list]:
    """A Jinja filter sorting by `key` of the item or of one of its attributes."""

    def sort(items: Any, attribute: str | None = None, reverse: bool = False) -> list:
        def value(item: Any) -> Any:
            for part in attribute.split(".") if attribute else ():
                item = item.get(part) if isinstance(item, dict) else getattr(item, part)
            return key(item)

        return sorted(items, key=value, reverse=reverse)

    return sort


# Filters that need the page language read it from the template context (`lang`).
@pass_context
def _day(ctx: Context, value: date | None, form: str = "long") -> str:
    return format_day(value, ctx["lang"], form)


@pass_context
def _month(ctx: Context, value: date | None, form: str = "long") -> str:
    return format_month(value, ctx["lang"], form)


@pass_context
def _period(ctx: Context, start: date | None, end: date | None = None) -> str:
    return format_period(start, end if end is not None else start, ctx["lang"])


@pass_context
def _number(ctx: Context, value: Any, digits: int | None = None) -> str:
    return format_number(value, ctx["lang"], digits)


@pass_context
def _role(ctx: Context, role_id: str) -> str:
    """Display name of a role id from team.yml `roles:` (context `role_names`), else the id."""
    names = ctx.get("role_names") or {}
    return str(names.get(role_id) or role_id)


FILTERS: dict[str, Callable[..., Any]] = {
    "md": md_text,
    "ticks": code_ticks,
    "tel": tel_href,
    "breakable": breakable,
    "day": _day,
    "month": _month,
    "period": _period,
    "number": _number,
    "role": _role,
    # core.order's orders, for templates (and a theme's overrides) that list things.
    "sort_names": _sorter(natural_key),  # people and clients: the same text order as titles
    "sort_natural": _sorter(natural_key),
    "procedure_order": procedure_order,
    "people_order": people_order,
}


# Folders searched before Relève's own templates: `<custom_dir>/releve/` of the site's
# theme, so a team overrides `pages/person.md.j2` with `overrides/releve/pages/person.md.j2`
# as it overrides Material's partials. Set by the adapter (`use_overrides`) per build.
_overrides: tuple[str, ...] = ()


def use_overrides(folders: list[str] | tuple[str, ...]) -> None:
    """Look in `folders` first for every template (the theme's `custom_dir`/releve)."""
    global _overrides
    folders = tuple(str(f) for f in folders)
    if folders != _overrides:
        _overrides = folders
        environment.cache_clear()


@cache
def environment() -> Environment:
    own = PackageLoader("releve", "templates")
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(list(_overrides)), own]) if _overrides else own,
        # Plain-text reports (`*.txt.j2`, for a terminal) are not HTML: no entities there.
        autoescape=select_autoescape(
            disabled_extensions=("txt.j2",), default=True, default_for_string=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def formatters(lang: str) -> dict[str, Callable[..., str]]:
    """The same helpers as functions, bound to the page language: `day(d, 'weekday')`."""
    return {
        "day": lambda d, form="long": format_day(d, lang, form),
        "month": lambda d, form="long": format_month(d, lang, form),
        "period": lambda start, end=None: format_period(start, end or start, lang),
        "number": lambda n, digits=None: format_number(n, lang, digits),
    }


def render(template: str, lang: str, **context: Any) -> str:
    translate = Translator(lang)
    return (
        environment()
        .get_template(template)
        .render(
            _=translate,
            label=translate.label,
            lang=translate.lang,
            **formatters(translate.lang),
            **context,
        )
    )
