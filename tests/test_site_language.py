"""French first: a French runbook reads French everywhere, dates in words, roles by name.

Computed facts on the built sample (and small runbooks), not screenshots.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from sample_site import sample_site

from conftest import GOOD, mkdocs_build

ISO_DAY = re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b")
# English that must not reach a French page: Material's and Python-Markdown's defaults,
# and the "(s)" of a plural that was not chosen.
# Plurals are CLDR's ("1 erreur", "9 avertissements"), never "(s)"; no inclusive-writing
# dots ("absent·es") either: Relève's French uses wording that needs no gender.
ENGLISH = ["Made with", "Permanent link", "404 - Not found", "Edit this page", "(s)", "·e",
           'admonition-title">Tip<', 'admonition-title">Warning<', "<summary>Tip<"]  # fmt: skip
NOT_YET: set[tuple[str, str]] = set()


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, no code, no tags, no attributes."""
    page = re.sub(r"(?s)<(script|style|pre|code)\b.*?</\1>", " ", page)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return sample_site(tmp_path_factory)


def pages(site: Path, *folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (site / f).rglob("index.html"))


def test_no_english_on_a_french_page(site):
    every = [site / "404.html", *sorted(site.rglob("index.html"))]
    assert len(every) > 30
    for path in every:
        text = path.read_text(encoding="utf-8").replace("http(s)", "https")
        for words in ENGLISH:
            if (path.relative_to(site).as_posix(), words) not in NOT_YET:
                assert words not in text, (path.relative_to(site), words)


def test_french_ui_strings(site):
    proc = (site / "procedures/passation/accueil-nouveau-client/index.html").read_text("utf-8")
    assert 'admonition-title">Astuce<' in proc
    assert 'title="Modifier cette page"' in proc
    assert "Conçu avec" in proc and 'title="Lien permanent"' in proc
    assert ">Imprimer</button>" in proc
    missing = (site / "404.html").read_text(encoding="utf-8")
    assert "<h1>Page introuvable</h1>" in missing and "Retour au tableau de bord" in missing


def releve_parts(page: str) -> str:
    """The parts of a page Relève writes: all of a generated page; the header card and the
    credential cards of a procedure (its body is the author's, ISO examples included)."""
    if 'class="releve-card releve-procedure"' not in page:
        return page
    start = page.index('class="releve-card releve-procedure"')
    return page[
        start : re.search(r"\n<(p|h2|ol|ul|div class=\"admonition)\b", page[start:]).start() + start
    ]


def test_days_in_words_on_the_pages_a_reader_opens(site):
    for path in pages(site, "procedures", "people", "services"):
        text = visible_text(releve_parts(path.read_text(encoding="utf-8")))
        assert not ISO_DAY.search(text), (path.relative_to(site), ISO_DAY.search(text))
    proc = visible_text((site / "procedures/facturation/relance-jour-7/index.html").read_text())
    assert re.search(r"Dernière révision\s+19 oct\. 2026", proc)
    person = visible_text((site / "people/marie/index.html").read_text(encoding="utf-8"))
    assert "21 déc. 2026\u2009–\u20094 janv. 2027" in person  # her absence, as one period
    client = visible_text((site / "clients/clinique-riviere/index.html").read_text("utf-8"))
    assert "depuis le 3 septembre 2024" in client


def test_roles_by_their_display_name_and_phones_as_links(site):
    marie = (site / "people/marie/index.html").read_text(encoding="utf-8")
    assert "Direction, Comptabilité" in marie and "comptabilite" not in visible_text(marie)
    assert 'href="tel:+15145550101"' in marie
    proc = (site / "procedures/facturation/relance-jour-7/index.html").read_text("utf-8")
    assert 'href="tel:+15145550102"' in proc  # Samir, the owner: who to call
    assert '<span class="releve-cred-audience" title="comptabilite">Comptabilité</span>' in proc
    client = (site / "clients/clinique-riviere/index.html").read_text(encoding="utf-8")
    assert 'href="tel:+14185550142"' in client
    # An address wraps at its joints, never in the middle of a word.
    assert "c<wbr>.lavallee@<wbr>cliniqueriviere<wbr>.example<wbr>.ca" in client


def test_people_and_titles_sorted_as_a_reader_expects(site):
    index = (site / "people/index.html").read_text(encoding="utf-8")
    index = visible_text(index[index.index("<article") :])  # the page, not the navigation
    names = re.findall(r"(Élodie Bouchard|Julie Gagnon|Marie Tremblay|Samir Haddad)", index)
    assert names == ["Élodie Bouchard", "Julie Gagnon", "Marie Tremblay", "Samir Haddad"]
    service = visible_text((site / "services/facturation/index.html").read_text("utf-8"))
    assert service.index("jour 7") < service.index("jour 14")


# --- the procedure header on small runbooks ------------------------------------------------

TEAM = """\
people:
  - {id: ana, name: Ana Lima, phone: "+1 514 555-0199", roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
roles: {ops: Opérations}
"""


def header(site: Path, slug: str) -> str:
    page = (site / "procedures" / "ops" / slug / "index.html").read_text(encoding="utf-8")
    card = page[page.index('class="releve-card releve-procedure"') :]
    return card[: card.index("</dl>")]


@pytest.fixture(scope="module")
def badges_site(tmp_path_factory) -> Path:
    from conftest import MINIMAL_MKDOCS, RunbookFactory

    root = tmp_path_factory.mktemp("badges") / "rb"
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="fr"))
    (root / "docs").mkdir()
    f.write("team.yml", TEAM)
    # Today is 2026-11-23 (conftest); reviews every 180 days, drills every 90.
    urgent = GOOD.replace("important", "urgent")
    f.procedure("ops/late.md", urgent.replace("2026-11-01", "2026-01-02"))  # review overdue
    f.procedure("ops/soon.md", GOOD.replace("Triage", "Soon").replace("2026-11-01", "2026-06-10")
                + "last_drill: 2026-11-01\n")  # fmt: skip
    f.procedure("ops/fresh.md", urgent.replace("Triage", "Fresh") + "last_drill: 2026-11-01\n")
    f.procedure("ops/ghost.md", GOOD.replace("owner: ana", "owner: ghost")
                .replace("backup: [ben]", "backup: [ben, nobody]"))  # fmt: skip
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_review_and_drill_badges(badges_site):
    late = header(badges_site, "late")
    assert 'data-due="review-overdue"' in late and ">révision en retard<" in late
    assert 'data-due="drill-overdue"' in late and ">jamais exercée<" in late  # urgent, no drill
    assert 'title="à faire d&#39;ici le 1er juillet 2026"' in late  # 2026-01-02 + 180 days
    soon = header(badges_site, "soon")
    assert 'data-due="review-soon"' in soon and 'data-due="drill' not in soon  # not urgent
    fresh = header(badges_site, "fresh")
    assert "data-due" not in fresh


def test_unknown_person_is_a_warning_not_a_link(badges_site):
    ghost = header(badges_site, "ghost")
    assert "personne inconnue « ghost »" in ghost and "personne inconnue « nobody »" in ghost
    assert "None" not in ghost and "/ghost/" not in ghost
    assert "Ben Okafor" in ghost
    for path in badges_site.rglob("*.html"):
        assert 'href="None"' not in path.read_text(encoding="utf-8"), path
