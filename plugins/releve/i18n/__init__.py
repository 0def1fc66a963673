"""User-visible strings, one catalogue per language (`i18n/<lang>/*.yml`).

Each feature keeps its strings in its own file; this module merges them. Any
language other than French falls back to English.
"""

from __future__ import annotations

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


@cache
def catalogue(lang: str) -> dict[str, str]:
    yaml = YAML(typ="safe", pure=False)
    merged: dict[str, str] = {}
    for path in sorted((_HERE / lang).glob("*.yml")):
        merged.update(yaml.load(path.read_text(encoding="utf-8")) or {})
    return merged


def t(lang: str, key: str, /, **args: Any) -> str:
    """Translate `key`; a missing key falls back to English, then to the key itself."""
    lang = language_of(lang)
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    return text.format(**args) if args else text


class Translator:
    """A callable bound to one language, handy in templates: `{{ _('key') }}`."""

    def __init__(self, lang: str) -> None:
        self.lang = language_of(lang)

    def __call__(self, key: str, /, **args: Any) -> str:
        return t(self.lang, key, **args)

    def label(self, prefix: str, value: str) -> str:
        """The translated label `prefix.value` when the catalogue has one, else `value` as is."""
        key = f"{prefix}.{value}"
        return catalogue(self.lang).get(key) or catalogue("en").get(key) or value
