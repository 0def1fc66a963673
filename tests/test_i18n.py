"""Every user-visible string exists in English and French, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from releve.i18n import catalogue
from releve.i18n.formats import PLURAL_CATEGORIES

I18N = Path(__file__).resolve().parent.parent / "plugins" / "releve" / "i18n"
TEMPLATES = Path(__file__).resolve().parent.parent / "plugins" / "releve" / "templates"


def fields(entry: str | dict) -> set[str]:
    """Placeholders of an entry; for plural forms, of all forms together."""
    texts = [v for k, v in entry.items() if k != "by"] if isinstance(entry, dict) else [entry]
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def test_same_keys_in_both_languages():
    en, fr = catalogue("en"), catalogue("fr")
    assert sorted(set(en) - set(fr)) == []
    assert sorted(set(fr) - set(en)) == []


@pytest.mark.parametrize("key", sorted(catalogue("en")))
def test_same_placeholders(key):
    assert fields(catalogue("en")[key]) == fields(catalogue("fr").get(key, "")), key


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_plural_entries_are_well_formed(lang):
    for key, entry in catalogue(lang).items():
        if not isinstance(entry, dict):
            continue
        assert "other" in entry, (lang, key)
        assert set(entry) <= {*PLURAL_CATEGORIES, "by"}, (lang, key)
        assert entry.get("by", "n") in fields(entry), (lang, key)
        assert entry.get("by") == catalogue("en")[key].get("by"), key


def test_templates_use_only_known_keys():
    known = set(catalogue("en"))
    used = set()
    for path in TEMPLATES.rglob("*.j2"):
        used |= set(re.findall(r"""_\(\s*['"]([a-z_.0-9]+)['"]""", path.read_text("utf-8")))
    fixed = {key for key in used if not key.endswith((".", "_"))}  # "priority." ~ value
    assert fixed, "no key found: the pattern is out of date"
    assert sorted(fixed - known) == []


def test_no_catalogue_guesses_a_plural_or_a_gender():
    """Every count picks a CLDR plural form (`{n|count.x}` or a plural entry); no "(s)",
    no "·es", no "her"/"his" guessed for a person, in either language."""
    import re

    from releve.i18n import LANGUAGES, catalogue

    bad = re.compile(r"\\(s\\)|·e|\\b(?:her|his|hers|him|she|he)\\b")
    for lang in LANGUAGES:
        for key, entry in catalogue(lang).items():
            texts = entry.values() if isinstance(entry, dict) else [entry]
            for text in texts:
                text = str(text).replace("http(s)", "https")
                assert not bad.search(text), (lang, key, text)


def test_two_counts_in_one_message_each_take_their_plural():
    from releve.i18n import t

    assert t("fr", "home.findings_summary", errors=1, warnings=9) == (
        "1 erreur et 9 avertissements dans le cahier."
    )
    assert t("en", "home.findings_summary", errors=0, warnings=1) == (
        "0 errors and 1 warning in the runbook."
    )
