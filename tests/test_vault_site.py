"""Credential cards on a real site build, and no secret anywhere in site/ or the build log."""

from __future__ import annotations

import base64
import gzip
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pagefind_fixture import fragments
from sample_site import sample_build
from vault_helpers import enrolled

from conftest import REPO, mkdocs_build, new_runbook
from releve.vault import crypto, ops, store

CANARY = "CANARY-site-Xy7#pw é&/+"
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}, "chloe": {"finance"}}
PASS = {"ana": "ana-site-maple-river-lantern", "ben": "ben-site-cedar-compass-kettle"}

FRONT = """\
title: {title}
service: ops
owner: ana
backup: [ben]
priority: urgent
success_criteria: [done]
credentials: {creds}
reviewed: 2026-11-01
"""


def encodings(secret: str) -> set[str]:
    """The secret as it could leak: raw, base64 (every alignment), hex, URL-encoded, JSON."""
    raw = secret.encode("utf-8")
    forms = {
        secret,
        raw.hex(),
        raw.hex().upper(),
        quote(secret),
        quote_plus(secret),
        quote(secret, safe=""),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode()
        skip = (pad * 4 + 2) // 3 + 1  # drop characters that depend on the padding bytes
        forms.add(encoded[skip:-4] if len(encoded) > skip + 8 else encoded)
        urlsafe = base64.urlsafe_b64encode(b"\0" * pad + raw).decode()
        forms.add(urlsafe[skip:-4] if len(urlsafe) > skip + 8 else urlsafe)
    return {f for f in forms if len(f) >= 8}


def assert_nowhere(folder: Path, secrets: list[str], *texts: str) -> int:
    """Scan every file under `folder` (and `texts`) for every encoding; return files scanned.

    Gzipped files (Pagefind's search index) are read decompressed.
    """
    forms = {form for s in secrets for form in encodings(s)}
    scanned = 0
    for path in folder.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            data = raw.decode("utf-8", errors="replace")
            for form in forms:
                assert form not in data, f"{form!r} leaked in {path}"
            scanned += 1
    for text in texts:
        for form in forms:
            assert form not in text, f"{form!r} leaked in the build output"
    return scanned


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Built once: its tests only read it."""
    rb = new_runbook(tmp_path_factory.mktemp("vault-site") / "rb", lang="en")
    rb.procedure("ops/pay.md", FRONT.format(title="Pay suppliers", creds="[bank, ghost]"),
                 "1. Log in with [[cred:bank]] and pay.\n\nWrite `[[cred:mail]]` to reference it.\n"
                 "\n[[cred:also-unknown]]\n")  # fmt: skip
    rb.procedure("ops/reconcile.md", FRONT.format(title="Reconcile <accounts>", creds="[bank]"))
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY, today=date(2026, 10, 2),
                label="Bank <portal>", url="https://bank.example/")  # fmt: skip
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "user-" + CANARY, field="username",
                today=date(2026, 10, 2))  # fmt: skip
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "mail", "ops", "mail-" + CANARY,
                url="javascript:alert(1)", label="Mail", today=date(2026, 9, 1))  # fmt: skip
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    store.write_atomic(rb.root / "vault.yml", store.dump(v))
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    return rb.root, result, v


def page(root: Path, rel: str) -> str:
    return (root / "site" / rel / "index.html").read_text(encoding="utf-8")


def test_front_matter_and_inline_references_render_cards(site):
    root, _, _ = site
    html = page(root, "procedures/ops/pay")
    cards = re.findall(r'<span class="releve-card releve-cred"[^>]*data-cred="([^"]+)"', html)
    assert cards == ["bank"]  # each card once, in the block after the header
    assert 'id="cred-bank"' in html and 'href="#cred-bank"' in html
    # The inline reference links to that card, inside its sentence.
    assert re.search(r'Log in with <a class="releve-cred-ref" href="#cred-bank">[^<]*<span[^>]*>'
                     r"[^<]*</span> Bank &lt;portal&gt;</a> and pay", html)  # fmt: skip
    assert "Bank &lt;portal&gt;" in html and "Bank <portal>" not in html
    assert "Ana Lima" in html and "Ben Okafor" in html  # holders, by name
    assert "Oct 2, 2026" in html  # last rotated
    assert 'href="https://bank.example/"' in html
    assert "Reconcile &lt;accounts&gt;" in html and "../reconcile/" in html  # also used in
    assert html.count('data-cred-unknown="ghost"') == 1
    assert 'data-cred-unknown="also-unknown"' in html
    assert "<code>[[cred:mail]]</code>" in html  # code spans are left alone
    assert ">Reveal</button>" in html
    strings = re.search(r'data-i18n="([^"]+)"', html).group(1)
    assert "Wrong passphrase" in strings.replace("&#39;", "'")
    other = page(root, "procedures/ops/reconcile")
    assert "Pay suppliers" in other and 'data-vault="../../../assets/releve/vault.json"' in other


def test_unsafe_urls_are_never_links(site):
    root, _, _ = site
    for path in (root / "site").rglob("*.html"):
        assert 'href="javascript:' not in path.read_text(encoding="utf-8")


def test_sealed_data_is_a_json_file_outside_the_search_index(site):
    root, _, v = site
    published = json.loads((root / "site/assets/releve/vault.json").read_text(encoding="utf-8"))
    assert set(published["credentials"]) == {"bank", "mail"}
    assert published["audiences"]["ops"]["slots"].keys() == {"ana", "ben"}
    assert published["audiences"]["ops"]["generation"] == 1
    assert published["people"]["ana"]["public"] == crypto.b64(v.people["ana"].public)
    sealed = crypto.b64(v.credentials["bank"].fields["password"].value)
    assert published["credentials"]["bank"]["fields"]["password"]["value"] == sealed
    assert published["credentials"]["bank"]["fields"]["password"]["generation"] == 1
    wrapped = crypto.b64(v.audiences["ops"].slots["ana"].key)
    index = " ".join(page["content"] for page in fragments(root / "site").values())
    assert "Bank <portal>" in index  # the card's clear metadata is searchable...
    for path in (root / "site").rglob("*"):
        if path.is_file() and path.name != "vault.json":
            text = path.read_text(encoding="utf-8", errors="replace")
            assert sealed not in text and wrapped not in text, path  # ...the sealed data is not


def test_no_secret_in_site_or_build_output(site):
    root, result, _ = site
    assert (root / "site/sitemap.xml").exists()
    assert list((root / "site/pagefind/fragment").glob("*.pf_fragment"))  # scanned, gunzipped
    secrets = [CANARY, "user-" + CANARY, "mail-" + CANARY, *PASS.values()]
    scanned = assert_nowhere(root / "site", secrets, result.stdout, result.stderr)
    assert scanned > 10


def test_encodings_catch_a_planted_leak(tmp_path):
    (tmp_path / "a.txt").write_text("x" + base64.b64encode(b"ab" + CANARY.encode()).decode())
    with pytest.raises(AssertionError):
        assert_nowhere(tmp_path, [CANARY])
    (tmp_path / "a.txt").write_text(quote(CANARY))
    with pytest.raises(AssertionError):
        assert_nowhere(tmp_path, [CANARY])


def test_build_needs_no_key_and_survives_a_broken_vault(make_runbook, monkeypatch):
    monkeypatch.delenv("RELEVE_PASSPHRASE", raising=False)
    rb = make_runbook(lang="fr")
    rb.procedure("ops/a.md", FRONT.format(title="A", creds="[nope]"), "Voir [[cred:nope]].\n")
    rb.write("vault.yml", "version: 2\naudiences: {ops: {slots: {ana: 12}}}\ncredentials: [x]\n")
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    html = page(rb.root, "procedures/ops/a")
    assert "fiche d&#39;accès inconnue" in html or "fiche d'accès inconnue" in html


def test_sample_runbook_cards_and_demo_values_stay_sealed(tmp_path_factory):
    built = sample_build(tmp_path_factory, binders=True)  # the sample as it is
    result = built.result
    assert result.returncode == 0, result.stderr
    v = store.load(built.root / "vault.yml")
    assert v.problems == [] and v.credentials and v.version == 2
    site = built.site
    html = "".join(p.read_text(encoding="utf-8") for p in (site / "procedures").rglob("*.html"))
    for cred_id in v.credentials:
        assert f'data-cred="{cred_id}"' in html
    assert "data-cred-unknown" not in html
    script = (REPO / "scripts" / "seal-sample-vault.sh").read_text(encoding="utf-8")
    demo_values = re.findall(r'"(DEMO-ONLY-[^"]+)"', script)
    demo_passphrases = re.findall(r'\]="([^"]+)"', script)
    assert len(demo_values) >= 7 and len(demo_passphrases) == 4
    assert_nowhere(site, demo_values + demo_passphrases, result.stdout, result.stderr)
