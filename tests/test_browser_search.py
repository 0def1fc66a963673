"""Headless Chromium types in the header search box like a person, on sites built by Relève.

The sample runbook (French) is built once for the module; small runbooks cover English
stemming and the canary secrets.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from pagefind_fixture import decoded, fragments, fragments_in
from sample_site import sample_build
from vault_helpers import enrolled

from conftest import SCREENSHOTS, mkdocs_build
from releve.model import load_runbook
from releve.render.search import build_index
from releve.render.search.pagefind import parts_of
from releve.vault import ops, store

pytestmark = pytest.mark.browser

ITEMS = ".md-search-result__item"
TITLES = ".md-search-result__item > a:first-child h1"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample runbook, built once (without PDF binders, which search does not need)."""
    return sample_build(tmp_path_factory).root


@pytest.fixture
def site_url(sample, serve):
    return serve(sample / "site")


def search(page, query: str, shortcut: str = "/") -> list[str]:
    """Open the box with Material's keyboard shortcut, type, wait for the results' titles."""
    page.keyboard.press(shortcut)
    page.keyboard.type(query, delay=40)
    return titles(page)


def titles(page) -> list[str]:
    page.wait_for_selector('.md-search-result[aria-busy="false"]', timeout=15_000)
    return [t.strip() for t in page.locator(TITLES).all_inner_texts()]


def test_first_name_without_accents_finds_her_and_her_procedures(sample, site_url, chromium):
    runbook = load_runbook(sample)
    elodie = runbook.team.people["elodie"]
    hers = {p.title for p in runbook.owned_by("elodie") + runbook.backed_up_by("elodie")}
    assert len(hers) >= 5
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url)
    found = search(page, "elodie")
    assert found[0] == elodie.name  # her own page first, for her own name
    assert set(found[1:6]) <= hers, found  # then the procedures she owns or backs up
    total = int(page.locator(".md-search-result__meta").inner_text().split()[0])
    assert len(found) == min(total, 10)  # ten at a time, as Material does
    if total > 10:  # the next ones when scrolled to the end
        page.locator(".md-search__scrollwrap").evaluate("el => el.scrollTop = el.scrollHeight")
        page.wait_for_function(f"document.querySelectorAll('{ITEMS}').length > 10")
    first = page.locator(ITEMS).first
    assert first.locator("mark").first.inner_text() == "Élodie"  # highlight in the excerpt
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-elodie.png"))
    # Enter opens the best result, as in Material.
    page.keyboard.press("Enter")
    page.wait_for_url("**/people/elodie/**")
    page.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("relancer", ["Relance de paiement au jour 7", "Relance de paiement au jour 14"]),
        ("facturer", ["Factures hebdomadaires (Bélanger)"]),
        ("conges", ["Préparer une absence planifiée"]),  # the body says « congé »
        ("telephonique", ["Réponse à la ligne téléphonique"]),
    ],
)
def test_french_stems_and_accent_free_words(site_url, chromium, query, expected):
    page = chromium.new_page()
    page.goto(site_url)
    found = search(page, query, shortcut="s")
    assert set(expected) <= set(found[: len(expected) + 1]), found
    page.close()


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("samir", "Samir Haddad"),
        ("belanger", "Rénovations Bélanger inc."),
        ("clinique", "Clinique dentaire de la Rivière"),
        ("facturation", "Service : Facturation"),
    ],
)
def test_people_clients_and_services_come_first_for_their_name(site_url, chromium, query, first):
    page = chromium.new_page()
    page.goto(site_url)
    found = search(page, query)
    assert found[0] == first, found
    page.close()


FRONT = """\
title: {title}
service: {service}
owner: ana
backup: [ben]
priority: urgent
success_criteria: [ok]
"""


def test_relancer_finds_relances_not_the_rest(make_runbook, chromium, serve):
    rb = make_runbook(lang="fr")
    rb.procedure("compta/relances.md", FRONT.format(title="Relances de paiement", service="compta"),
                 "Envoyer les rappels aux clients en retard.\n")  # fmt: skip
    rb.procedure("compta/autre.md", FRONT.format(title="Rapprochement bancaire", service="compta"),
                 "Comparer le relevé et le grand livre.\n")  # fmt: skip
    assert mkdocs_build(rb.root).returncode == 0
    page = chromium.new_page()
    page.goto(serve(rb.root / "site"))
    found = search(page, "relancer")
    assert found == ["Relances de paiement"], found
    page.close()


def test_english_stems_on_an_english_runbook(make_runbook, chromium, serve):
    rb = make_runbook(lang="en")
    rb.procedure("ops/reminders.md", FRONT.format(title="Payment reminders", service="ops"),
                 "Send a reminder to each late client.\n")  # fmt: skip
    rb.procedure("ops/invoices.md", FRONT.format(title="Weekly invoices", service="ops"),
                 "Invoices leave on Monday.\n")  # fmt: skip
    assert mkdocs_build(rb.root).returncode == 0
    page = chromium.new_page()
    page.goto(serve(rb.root / "site"))
    assert search(page, "reminding")[0] == "Payment reminders"
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    page.fill("input.md-search__input", "")
    assert search(page, "invoiced")[0] == "Weekly invoices"
    page.close()


def test_filters_narrow_to_one_client_and_to_a_person(sample, site_url, chromium):
    runbook = load_runbook(sample)
    client = runbook.clients["renovations-belanger"]
    theirs = {p.title for p in runbook.procedures_of_client(client.id)} | {client.name}
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url)
    everything = search(page, "client")
    page.select_option('select[data-filter="client"]', client.name)
    narrowed = titles(page)
    assert narrowed and set(narrowed) <= theirs, narrowed
    assert len(narrowed) < len(everything)
    # Every result says which client it is for.
    for item in page.locator(ITEMS).all()[:5]:
        assert client.name in item.inner_text()
    # Person: owner or backup, with no words typed at all.
    page.select_option('select[data-filter="client"]', "")
    page.fill("input.md-search__input", "")
    page.select_option('select[data-filter="person"]', "Julie Gagnon")
    julies = titles(page)
    expected = sorted(
        (p.title for p in runbook.owned_by("julie") + runbook.backed_up_by("julie")),
        key=str.casefold,
    )
    assert julies == ["Julie Gagnon", *expected][:10], julies  # her page, then A to Z
    meta = page.locator(".md-search-result__meta").inner_text()
    assert meta.startswith(f"{len(expected) + 1} "), meta
    page.screenshot(path=str(SCREENSHOTS / "search-filter.png"))
    page.close()


def test_deep_link_opens_the_results(site_url, chromium):
    page = chromium.new_page()
    page.goto(site_url + "services/?q=relancer")
    found = titles(page)
    assert found[0].startswith("Relance de paiement")
    assert page.locator("#__search").is_checked()
    assert page.input_value("input.md-search__input") == "relancer"
    page.close()


def test_phone_width(site_url, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 844}, is_mobile=True,
                             has_touch=True)  # fmt: skip
    page.goto(site_url)
    page.click("label.md-header__button[for=__search]")  # the magnifier opens the box
    page.wait_for_function(  # it slides in, then sits within the screen
        "(() => { const r = document.querySelector('input.md-search__input')"
        ".getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; })()"
    )
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("relancer", delay=40)
    found = titles(page)
    assert found[0].startswith("Relance de paiement")
    first = page.locator(ITEMS).first
    assert first.is_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    filters = page.locator(".releve-search-filters")
    assert filters.is_visible() and filters.bounding_box()["width"] <= 390
    page.screenshot(path=str(SCREENSHOTS / "search-phone.png"))
    page.locator(ITEMS).first.locator("a").first.click()
    page.wait_for_url("**/relance-jour-*/**")
    page.close()


def filter_options(page) -> dict[str, list[str]]:
    return {
        name: page.locator(f'select[data-filter="{name}"] option').all_inner_texts()
        for name in ("person", "client", "service", "priority")
    }


def test_an_index_in_parts_searches_as_one(sample, tmp_path, serve, chromium):
    """A large runbook's index comes in parts, one Pagefind run each: the browser merges
    them, so that the same words find the same pages, filters list every value and a
    filter narrows across the parts, as with one bundle."""
    whole = sample / "site"
    parted = tmp_path / "site"
    shutil.copytree(whole, parted)
    stats = build_index(parted, "fr", part_pages=9)
    listed = parts_of(parted / "pagefind")
    assert stats.parts >= 3 and len(listed) == stats.parts - 1
    in_parts = [fragments_in(parted / "pagefind" / part) for part in ["", *listed]]
    assert all(in_parts) and sum(map(len, in_parts)) == len(fragments(whole))
    runbook = load_runbook(sample)
    client = runbook.clients["renovations-belanger"]
    theirs = {p.title for p in runbook.procedures_of_client(client.id)} | {client.name}
    seen = {}
    for name, site in (("whole", whole), ("parted", parted)):
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(serve(site))
        found = search(page, "elodie")
        total = page.locator(".md-search-result__meta").inner_text().split()[0]
        options = filter_options(page)
        page.fill("input.md-search__input", "")
        page.keyboard.type("client", delay=40)
        titles(page)
        page.select_option('select[data-filter="client"]', client.name)
        narrowed = titles(page)
        assert narrowed and set(narrowed) <= theirs, (name, narrowed)
        narrowed_total = page.locator(".md-search-result__meta").inner_text().split()[0]
        seen[name] = (found[0], total, options, narrowed_total)
        page.close()
    assert seen["parted"] == seen["whole"]
    assert seen["whole"][0] == runbook.team.people["elodie"].name
    assert all(len(values) > 1 for values in seen["whole"][2].values())


CANARY = "CANARYsealedZq81"
ATTR_CANARY = "CANARYattrWv27"


def test_no_result_leaks_a_canary(make_runbook, chromium, serve):
    rb = make_runbook(lang="en")
    rb.procedure(
        "ops/pay.md",
        "title: Pay suppliers\nservice: ops\nowner: ana\nbackup: [ben]\npriority: urgent\n"
        "success_criteria: [ok]\ncredentials: [bank]\n",
        f'Log in with [[cred:bank]].\n\n<span data-note="{ATTR_CANARY}">Ask Ana.</span>\n',
    )
    people = {"ana": {"ops"}, "ben": {"ops"}, "chloe": {"finance"}}
    passphrase = "ana-maple-river-lantern-kettle"
    vault = enrolled(people, {"ana": passphrase})
    vault = ops.add(vault, people, "ana", passphrase, "bank", "ops", CANARY,
                    today=date(2026, 10, 2), label="Bank portal")  # fmt: skip
    store.write_atomic(rb.root / "vault.yml", store.dump(vault))
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    site = rb.root / "site"
    assert ATTR_CANARY in (site / "procedures/ops/pay/index.html").read_text("utf-8")
    for path, data in decoded(site).items():
        assert CANARY.encode() not in data and ATTR_CANARY.encode() not in data, path
    page = chromium.new_page()
    page.goto(serve(site))
    assert search(page, "bank")[0] == "Pay suppliers"  # the card's clear label is searchable
    for canary in (CANARY, ATTR_CANARY, CANARY[:10].lower()):
        page.fill("input.md-search__input", "")
        page.keyboard.type(canary, delay=10)
        # Pagefind may match a prefix of the query elsewhere ("can" on a person page): what
        # matters is that the page holding the sealed value is not found by it, and that no
        # result shows it.
        assert "Pay suppliers" not in titles(page), canary
        assert canary not in page.locator(".md-search-result").inner_text()
    page.close()


def test_screenshots_light_and_dark(site_url, chromium):
    for scheme in ("default", "slate"):
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(site_url + "procedures/facturation/relance-jour-7/")
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        search(page, "facturer")
        page.screenshot(path=str(SCREENSHOTS / f"search-{scheme}.png"))
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.md-search__scrollwrap')).backgroundColor"
        )
        assert (background == "rgb(255, 255, 255)") == (scheme == "default"), background
        page.close()
