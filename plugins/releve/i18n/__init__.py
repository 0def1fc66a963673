"""User-visible strings, one catalogue per language (`i18n/<lang>/*.yml`).

Each feature keeps its strings in its own file; this module merges them. Any
language other than French falls back to English.

An entry may be a mapping of CLDR plural categories instead of one text
(`{one: "{n} jour", other: "{n} jours"}`); the argument `n` picks the form with
Babel's plural rules for the language (`by: days` in the mapping names another
argument). A message with two counts composes `count.*` entries. Arguments that are dates
or numbers are written for the reader (`formats.format_arg`): "1er décembre
2026", "12,5".
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

LANGUAGES = ("en", "fr")
_HERE = Path(__file__).parent


def language_of(code: str | None) -> str:
    """Map a theme language ('fr', 'fr-CA', 'en', ...) to a catalogue we ship."""
    base = (code or "en").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else "en"


Entry = str | dict[str, str]  # one text, or texts by plural category


@cache
def catalogue(lang: str) -> dict[str, Entry]:
    yaml = YAML(typ="safe", pure=False)
    merged: dict[str, Entry] = {}
    for path in sorted((_HERE / lang).glob("*.yml")):
        merged.update(yaml.load(path.read_text(encoding="utf-8")) or {})
    return merged


def t(lang: str, key: str, /, **args: Any) -> str:
    """Translate `key`; a missing key falls back to English, then to the key itself."""
    if not args:
        return _plain(lang, key)
    return _translate(lang, key, args)


@cache
def _plain(lang: str, key: str) -> str:
    """A message without arguments: templates ask for the same labels on every page."""
    return _translate(lang, key, {})


def _translate(lang: str, key: str, args: dict[str, Any]) -> str:
    from .formats import choose_plural, format_arg

    lang = language_of(lang)
    entry = catalogue(lang).get(key) or catalogue("en").get(key) or key
    if isinstance(entry, dict):
        entry = choose_plural(entry, args.get(entry.get("by", "n"), 0), lang)
    if not args:
        return entry
    if "|" in entry:  # "{errors|count.errors}": the count with its own plural form
        entry = _COUNTED.sub(lambda m: _counted(lang, m, args), entry)
    return entry.format(**{name: format_arg(value, lang) for name, value in args.items()})


# `{name|key}` in a message: the argument `name` as the counted phrase `key`
# ("{errors|count.errors}" -> "1 error", "2 errors"), so a message with two counts needs
# no "(s)": each count picks its own CLDR plural form.
_COUNTED = re.compile(r"\{(\w+)\|([\w.]+)\}")


def _counted(lang: str, match: re.Match[str], args: dict[str, Any]) -> str:
    name, key = match.groups()
    if name not in args:
        return match.group(0)
    return t(lang, key, n=args[name]).replace("{", "{{").replace("}", "}}")


class Translator:
    """A callable bound to one language, handy in templates: `{{ _('key') }}`."""

    def __init__(self, lang: str) -> None:
        self.lang = language_of(lang)

    def __call__(self, key: str, /, **args: Any) -> str:
        return t(self.lang, key, **args)

    def label(self, prefix: str, value: str) -> str:
        """The translated label `prefix.value` when the catalogue has one, else `value` as is."""
        key = f"{prefix}.{value}"
        return str(catalogue(self.lang).get(key) or catalogue("en").get(key) or value)
