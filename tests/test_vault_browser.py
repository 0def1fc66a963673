"""Headless Chromium reveals a value sealed by Python, with WebCrypto and real iterations."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from conftest import REPO, SCREENSHOTS, mkdocs_build
from releve.vault import MIN_ITERATIONS, ops, store

pytestmark = pytest.mark.browser

TEAM = """\
people:
  - {id: elodie, name: Élodie Bouchard, roles: [ops]}
  - {id: rene, name: René Côté, roles: [ops]}
  - {id: zoe, name: Zoé Martin, roles: [finance]}
"""
# Sealed with one normal form, typed with the other: NFC makes them the same passphrase.
SEALED_AS = {
    "elodie": unicodedata.normalize("NFD", "élodie-démo-bouleau-fanal-grève"),
    "rene": unicodedata.normalize("NFC", "rené-côté-érable-château-forêt"),
}
TYPED_AS = {
    p: unicodedata.normalize("NFD" if p == "rene" else "NFC", s) for p, s in SEALED_AS.items()
}
CANARY = "CANARY-browser-Ünïcödé-4k9&<x>"
SPY = """
window.__extractable = [];
for (const name of ["importKey", "deriveKey", "unwrapKey", "generateKey"]) {
  const original = crypto.subtle[name].bind(crypto.subtle);
  crypto.subtle[name] = (...args) => {
    const index = {importKey: 3, deriveKey: 3, unwrapKey: 5, generateKey: 1}[name];
    window.__extractable.push(args[index]);
    return original(...args);
  };
}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import RunbookFactory

    root = tmp_path_factory.mktemp("browser") / "rb"
    f = RunbookFactory(root)
    f.write("mkdocs.yml", (REPO / "tests" / "conftest.py").read_text(encoding="utf-8")
            .split('MINIMAL_MKDOCS = """\\\n')[1].split('"""')[0].format(lang="fr"))  # fmt: skip
    (root / "docs").mkdir()
    f.write("team.yml", TEAM)
    f.procedure(
        "ops/banque.md",
        """\
        title: Banque
        service: ops
        owner: elodie
        backup: [rene]
        priority: urgent
        success_criteria: [fait]
        credentials: [banque]
        reviewed: 2026-11-01
        """,
        "Se connecter avec la fiche ci-dessus.\n",
    )
    people = {"elodie": {"ops"}, "rene": {"ops"}, "zoe": {"finance"}}
    assert SEALED_AS["elodie"] != TYPED_AS["elodie"] and SEALED_AS["rene"] != TYPED_AS["rene"]
    v = ops.add(store.Vault(), people, "elodie", SEALED_AS["elodie"], "banque", "ops", CANARY,
                today=date(2026, 11, 2), label="Banque « opérations » \"q\" \\ \t",
                url="https://banque.example/")  # fmt: skip
    v = ops.grant(v, people, "elodie", SEALED_AS["elodie"], "ops", "rene", SEALED_AS["rene"])
    assert v.audiences["ops"]["rene"].iterations == MIN_ITERATIONS  # real iterations
    store.write_atomic(root / "vault.yml", store.dump(v))
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def open_card(chromium, url):
    page = chromium.new_page(viewport={"width": 1100, "height": 800})
    page.add_init_script(SPY)
    page.clock.install()
    page.goto(url + "procedures/ops/banque/")
    card = page.locator(".releve-creds .releve-cred")
    card.locator(".releve-reveal").click()
    return page, card


def reveal(card, person, passphrase):
    card.locator("select").select_option(person)
    card.locator("input[type=password]").fill(passphrase)
    card.locator("button[type=submit]").click()


def test_reveal_with_composed_and_decomposed_accents(built, chromium, serve):
    url = serve(built)
    page, card = open_card(chromium, url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "credential-card.png"))
    reveal(card, "elodie", TYPED_AS["elodie"])
    value = card.locator(".releve-reveal-value")
    value.wait_for(timeout=30_000)
    assert value.inner_text() == CANARY
    assert card.locator("input[type=password]").input_value() == ""  # not kept in the form
    assert card.locator(".releve-reveal-copy").count() == 1
    assert "30" in card.locator(".releve-reveal-msg").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "credential-revealed.png"))

    page.clock.run_for(28_000)
    assert card.locator(".releve-reveal-value").count() == 1  # still shown before 30 s
    page.clock.run_for(3_000)
    assert card.locator(".releve-reveal-value").count() == 0  # hidden again
    assert CANARY not in page.content()

    reveal(card, "rene", TYPED_AS["rene"])
    value.wait_for(timeout=30_000)
    assert value.inner_text() == CANARY

    extractable = page.evaluate("window.__extractable")
    assert extractable and all(flag is False for flag in extractable), extractable
    stored = page.evaluate(
        """() => [localStorage, sessionStorage].flatMap(s =>
             Object.keys(s).map(k => k + "=" + s.getItem(k))).join("\\n") + document.cookie"""
    )
    for secret in (CANARY, *SEALED_AS.values(), *TYPED_AS.values()):
        assert secret not in stored
    page.close()


def test_wrong_passphrase_and_person_without_key_are_refused(built, chromium, serve):
    url = serve(built)
    page, card = open_card(chromium, url)
    message = card.locator(".releve-reveal-msg")
    reveal(card, "elodie", TYPED_AS["rene"])
    page.wait_for_function(
        "el => el.textContent.includes('incorrecte')", arg=message.element_handle(), timeout=30_000
    )
    assert "Phrase de passe incorrecte" in message.inner_text()
    assert card.locator(".releve-reveal-value").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "credential-wrong-passphrase.png"))

    reveal(card, "zoe", "zoe-does-not-hold-a-key-here")
    page.wait_for_function(
        "el => el.textContent.includes('Zoé')", arg=message.element_handle(), timeout=30_000
    )
    text = message.inner_text()
    assert "Zoé Martin ne détient aucune clé" in text and "--to zoe" in text
    assert card.locator(".releve-reveal-value").count() == 0
    page.close()


def test_reveal_script_uses_no_storage_and_no_remote_code():
    script = (REPO / "plugins/releve/assets/reveal.js").read_text(encoding="utf-8")
    for api in ("localStorage.", "sessionStorage.", "indexedDB.", "document.cookie", "http"):
        assert api not in script
