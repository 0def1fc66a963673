"""Headless Chromium against a served site: search finds procedures by person and stem."""

from __future__ import annotations

import pytest

from conftest import SCREENSHOTS, mkdocs_build

pytestmark = pytest.mark.browser


def search(page, url: str, query: str) -> list[str]:
    page.goto(url)
    page.click("input.md-search__input", timeout=10_000)
    page.locator("input.md-search__input").press_sequentially(query, delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    page.wait_for_timeout(300)
    return page.locator(".md-search-result__item h1").all_inner_texts()


def test_search_person_lists_her_procedures_and_screenshots(sample_copy, chromium, serve):
    result = mkdocs_build(sample_copy)
    assert result.returncode == 0, result.stderr
    url = serve(sample_copy / "site")
    from releve.model import load_runbook

    runbook = load_runbook(sample_copy)
    person = next(iter(runbook.team.people.values()))
    expected = {p.title for p in runbook.owned_by(person.id)}
    assert expected

    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    titles = search(page, url, person.name)
    found = {t.strip() for t in titles}
    assert expected & found, (expected, found)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    proc = runbook.owned_by(person.id)[0]
    page.goto(url + proc.path.removesuffix(".md") + "/")
    assert page.locator(".releve-card").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "procedure.png"), full_page=True)
    client = next(iter(runbook.clients.values()))
    page.goto(url + client.path.removesuffix(".md") + "/")
    assert page.locator(".releve-client").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "client.png"), full_page=True)
    page.close()


def test_french_stemming_relance_finds_relances(make_runbook, chromium, serve):
    rb = make_runbook(lang="fr")
    (rb.root / "mkdocs.yml").write_text(
        (rb.root / "mkdocs.yml")
        .read_text()
        .replace("  - search\n", "  - search:\n      lang: [fr, en]\n"),
        encoding="utf-8",
    )
    rb.procedure(
        "compta/relances.md",
        """\
title: Relances de paiement
service: compta
owner: ana
backup: [ben]
priority: urgent
success_criteria: [ok]
""",
        "Envoyer les rappels aux clients en retard.\n",
    )
    rb.procedure(
        "compta/autre.md",
        """\
title: Rapprochement bancaire
service: compta
owner: ben
backup: [ana]
priority: planned
success_criteria: [ok]
""",
    )
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    url = serve(rb.root / "site")
    page = chromium.new_page()
    titles = search(page, url, "relance")
    assert any("Relances de paiement" in t for t in titles), titles
    assert not any("Rapprochement" in t for t in titles)
    page.close()
