"""Look-alike names (RB027) and ids beside names wherever access is shown.

A person renamed to look like a holder ("Аna Lima" with a Cyrillic А, "Ana Lirna",
a right-to-left override) must not pass for her: the lint warns, and every view of
who holds a key shows the id beside the name.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import REPO
from releve.core.confusables import confusable, hidden, mixed_scripts, skeleton
from releve.core.findings import printable
from releve.lint import lint_runbook
from releve.model import load_runbook
from releve.render.pages.credential_cards import CredentialCards
from releve.render.site_map import Links

LOOKALIKES = [
    ("Ana Lima", "Аna Lima"),  # Cyrillic А
    ("Ana Lima", "Ana Lirna"),  # rn for m
    ("Ana Lima", "ana  lima"),  # case and spaces
    ("Ana Lima", "AnaLima"),
    ("Ana Lima", "Ana\u200bLima"),  # a zero-width space
    ("Ana Lima", "\u202eamiL anA"),  # shown reversed: "Ana Lima"
    ("Alice Martin", "AIice Martin"),  # a capital I for the l
    ("Ben Okafor", "Βen Οkafor"),  # Greek Β and Ο
    ("Élodie Bouchard", "Elodie Bouchard"),  # accents aside
    ("Cléo Roy", "C1éo Roy"),
]
DIFFERENT = [
    ("Ana Lima", "Ana Lina"),
    ("Marie Tremblay", "Samir Haddad"),
    ("Julie Gagnon", "Élodie Bouchard"),
    ("Dan Roy", "Cléo Roy"),
    ("Σοφία Παππά", "Sofia Pappa"),  # a Greek name is not a look-alike of its transliteration
]


@pytest.mark.parametrize(("a", "b"), LOOKALIKES)
def test_lookalikes(a, b):
    assert confusable(a, b) and confusable(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names(a, b):
    assert not confusable(a, b)


def test_hidden_and_mixed():
    assert hidden("Ana\u202eLima\u200d") == ["U+202E", "U+200D"]
    assert hidden("Élodie Bouchard") == []
    assert mixed_scripts("Аna Lima") and not mixed_scripts("Ана Лима")
    assert skeleton("Аna Lima") == skeleton("Ana Lima") == "analima"


TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: mallory, name: "Аna Lima", roles: [ops]}
  - {id: trudy, name: "Ben\\u202e Okafor", roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
"""


def test_rb027_warns_at_the_later_name(make_runbook):
    rb = make_runbook(team=TEAM)
    runbook = load_runbook(rb.root)
    found = [f for f in lint_runbook(runbook, date(2026, 11, 23)) if f.code == "RB027"]
    got = sorted((f.line, f.key, f.severity) for f in found)
    assert got == [
        (4, "lint.confusable_name", "warning"),
        (4, "lint.mixed_script_name", "warning"),
        (5, "lint.confusable_name", "warning"),
        (5, "lint.hidden_in_name", "warning"),
    ]
    mallory = next(f for f in found if f.key == "lint.confusable_name" and f.line == 4)
    assert mallory.args["other"] == "ana" and mallory.args["person"] == "mallory"
    hidden_one = next(f for f in found if f.key == "lint.hidden_in_name")
    text = hidden_one.text("en")
    assert "\u202e" not in text and "U+202E" in text
    confused = next(f for f in found if f.line == 5 and f.key == "lint.confusable_name")
    assert "\u202e" not in confused.text("en") and "\\u202e" in confused.text("en")


def test_the_sample_team_has_no_lookalike():
    runbook = load_runbook(REPO)
    assert not [f for f in lint_runbook(runbook, date(2026, 11, 23)) if f.code == "RB027"]


def test_printable_escapes_text_direction_and_invisible_characters():
    assert printable("Ana\u202eLima\u200b\x1b[2J") == "Ana\\u202eLima\\u200b\\x1b[2J"


def test_credential_cards_show_the_id_beside_a_lookalike_holder(tmp_path):
    """Beside a name that can pass for another (always on the Reveal form, in `releve diff`
    and binders; on cards only then, so a procedure's steps stay in a phone's first screen)."""
    import shutil

    root = tmp_path / "rb"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", "site", ".venv", "tests",
                                                              "plugins", "benchmarks"))  # fmt: skip
    links = Links(lambda uri: uri.replace(".md", "/"), "procedures/x.md")
    html = str(CredentialCards(load_runbook(root), "fr").card("banque-operations", links))
    assert "releve-person-id" not in html
    team = (root / "team.yml").read_text(encoding="utf-8")
    (root / "team.yml").write_text(team.replace("Samir Haddad", "Marie Trernblay"), "utf-8")
    html = str(CredentialCards(load_runbook(root), "fr").card("banque-operations", links))
    assert 'Marie Tremblay</a> <span class="releve-person-id">(marie)</span>' in html
    assert '<span class="releve-person-id">(samir)</span>' in html


def test_lookalike_ids():
    from releve.core.confusables import lookalikes

    names = {"ana": "Ana Lima", "mal": "Аna Lima", "ben": "Ben", "eve": "Eve\u202e"}
    assert lookalikes(names) == {"ana", "mal", "eve"}
