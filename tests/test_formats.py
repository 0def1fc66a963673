"""Dates, numbers, plurals and sorting in the reader's language (Babel)."""

from __future__ import annotations

from datetime import date

import pytest

from releve.i18n import t
from releve.i18n.formats import (
    Span,
    format_day,
    format_month,
    format_number,
    format_period,
    name_key,
    natural_key,
    plural_category,
)
from releve.render.templates import environment, render, tel_href

FIRST = date(2026, 12, 1)
DAY = date(2026, 12, 28)


@pytest.mark.parametrize(
    ("value", "lang", "form", "expected"),
    [
        (DAY, "fr", "long", "28 décembre 2026"),
        (FIRST, "fr", "long", "1er décembre 2026"),
        (DAY, "fr", "weekday", "lun. 28 déc."),
        (DAY, "fr", "full", "lundi 28 décembre 2026"),
        (DAY, "fr", "day", "lundi 28 décembre"),
        (DAY, "fr-CA", "medium", "28 déc. 2026"),
        (DAY, "en", "long", "December 28, 2026"),
        (DAY, "en", "weekday", "Mon, Dec 28"),
        (DAY, "en", "day", "Monday, December 28"),
        (DAY, "en", "iso", "2026-12-28"),
        (None, "fr", "long", "—"),
    ],
)
def test_days_in_words(value, lang, form, expected):
    assert format_day(value, lang, form) == expected


def test_unknown_form_is_a_clear_error():
    with pytest.raises(ValueError, match="weekday"):
        format_day(DAY, "fr", "fancy")


def test_months_and_periods():
    assert format_month(DAY, "fr") == "décembre 2026"
    assert format_month(DAY, "fr", "title") == "Décembre 2026"
    assert format_month(DAY, "en") == "December 2026"
    assert format_period(date(2026, 12, 21), date(2026, 12, 24), "fr") == "21–24 déc. 2026"
    assert format_period(date(2026, 12, 21), date(2027, 1, 4), "fr") == (
        "21 déc. 2026\u2009–\u20094 janv. 2027"  # thin spaces around the dash
    )
    assert format_period(DAY, DAY, "en") == "Dec 28, 2026"


def test_numbers():
    assert format_number(12.5, "fr") == "12,5"
    assert format_number(12.5, "en") == "12.5"
    assert format_number(1234, "fr") == "1\u202f234"
    assert format_number(2 / 3, "fr", 1) == "0,7"


def test_plural_rules_differ_by_language():
    assert plural_category(0, "fr") == "one" and plural_category(0, "en") == "other"
    assert plural_category(1, "en") == "one" and plural_category(2, "fr") == "other"
    assert t("fr", "count.days", n=0) == "0 jour"
    assert t("fr", "count.days", n=1) == "1 jour"
    assert t("fr", "count.days", n=5) == "5 jours"
    assert t("en", "count.days", n=0) == "0 days"
    assert t("en", "count.days", n=1) == "1 day"
    # `by:` names the argument that decides; dates in words, numbers localised.
    message = t("fr", "lint.coverage_gap", days=1, first=DAY, people="Ana")
    assert message.startswith("personne ne la couvre le 28 décembre 2026 : Ana n'est pas dispo")
    message = t("fr", "lint.coverage_gap", days=2, period=Span(DAY, DAY.replace(day=29)),
                people=["Ana", "Élodie"])  # fmt: skip
    assert " ".join(message.split()).startswith(
        "personne ne la couvre pendant 2 jours ouvrables, 28–29 déc. 2026 : "
        "Ana et Élodie ne sont pas disponibles"
    )
    assert "(s)" not in t("en", "lint.summary", errors=t("en", "count.errors", n=2),
                          warnings=t("en", "count.warnings", n=1))  # fmt: skip


def test_names_sort_accents_with_their_letter():
    names = ["Samir Haddad", "Élodie Bouchard", "julie Gagnon", "Zoé Martin", "Marie Tremblay"]
    assert sorted(names, key=name_key) == [
        "Élodie Bouchard", "julie Gagnon", "Marie Tremblay", "Samir Haddad", "Zoé Martin"
    ]  # fmt: skip
    assert sorted(names) != sorted(names, key=name_key)  # the naive order puts É last


def test_titles_sort_naturally():
    titles = ["Relance jour 14", "Relance jour 7", "Rapport mensuel", "Relance jour 30"]
    assert sorted(titles, key=natural_key) == [
        "Rapport mensuel", "Relance jour 7", "Relance jour 14", "Relance jour 30"
    ]  # fmt: skip


def test_jinja_filters_follow_the_page_language():
    template = environment().from_string(
        "{{ d | day }} · {{ d | day('weekday') }} · {{ d | month('title') }} · {{ x | number }}"
        " · {{ names | sort_names | join(', ') }} · {{ 'comptabilite' | role }}"
    )
    context = {"d": FIRST, "x": 12.5, "names": ["Samir", "Élodie"],
               "role_names": {"comptabilite": "Comptabilité"}}  # fmt: skip
    assert template.render(lang="fr", **context) == (
        "1er décembre 2026 · mar. 1er déc. · Décembre 2026 · 12,5 · Élodie, Samir · Comptabilité"
    )
    assert template.render(lang="en", **context).startswith("December 1, 2026 · Tue, Dec 1")


def test_render_gives_the_same_helpers_as_functions():
    html = render("binder/cred_ref.html.j2", "fr", cred_id="x", cred=None)
    assert "x" in html
    tpl = environment().from_string("{{ day(d, 'short') }} {{ period(a, b) }}")
    from releve.render.templates import formatters

    out = tpl.render(d=FIRST, a=FIRST, b=DAY, **formatters("fr"))
    assert out == "1er déc. 1–28 déc. 2026"


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("+1 514 555-0101", "tel:+15145550101"),
        ("(418) 555 0142 poste 9", "tel:4185550142;ext=9"),
        ("+33 1 23 45 67 89", "tel:+33123456789"),
    ],
)
def test_tel_links(number, href):
    assert tel_href(number) == href
