"""The vault core, format 2: cryptography, operations, file layout, atomic writes (no CLI)."""

from __future__ import annotations

import copy
import dataclasses
import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vault_helpers import DAY, FAST, enrolled

from releve.vault import crypto, ops, store
from releve.vault.crypto import MIN_ITERATIONS, Refused
from releve.vault.ops import VaultError

PEOPLE = {"ana": {"ops", "finance"}, "ben": {"ops"}, "cleo": {"ops"}, "dan": {"finance"}}
PASS = {
    "ana": "ana-test-maple-river-lantern",
    "ben": "ben-test-cedar-compass-kettle",
    "cleo": "cleo-test-heron-pebble-tuque",
    "dan": "dan-test-birch-beacon-shore",
}
CANARY = "CANARY-s3cr3t-Zq81"


def flip(data: bytes, index: int = 0) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def add(vault, cred_id, audience="ops", value=CANARY, me="ana", **kw):
    return ops.add(vault, PEOPLE, me, PASS[me], cred_id, audience, value, today=DAY, **kw)


@pytest.fixture(scope="module")
def base() -> store.Vault:
    v = enrolled(PEOPLE, PASS)
    v = add(v, "bank", label="Bank", url="https://bank.example/")
    v = add(v, "bank", field="username", value="ana@example.com")
    v = add(v, "mail", label="Mail", value="mail-" + CANARY)
    v = add(v, "ledger", audience="finance", label="Ledger", value="ledger-" + CANARY)
    return ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")


@pytest.fixture
def vault(base) -> store.Vault:
    return copy.deepcopy(base)


def refused(key: str, func, *args, **kw) -> VaultError:
    with pytest.raises(VaultError) as info:
        func(*args, **kw)
    assert info.value.key == key, info.value.key
    return info.value


# --- round trips ------------------------------------------------------------------


def test_round_trip_every_field_and_holder(vault):
    assert ops.reveal(vault, "ana", PASS["ana"], "bank") == {
        "password": CANARY,
        "username": "ana@example.com",
    }
    assert ops.reveal(vault, "ben", PASS["ben"], "mail", "password") == {
        "password": "mail-" + CANARY
    }
    again = store.parse(store.dump(vault))
    assert again.problems == []
    assert ops.reveal(again, "ben", PASS["ben"], "bank", "password") == {"password": CANARY}
    assert again.holders("ops") == ["ana", "ben"] and again.holders("finance") == ["ana"]


def test_enrolment_uses_real_iterations_by_default_and_p256(real_kdf):
    done = ops.enroll(store.Vault(), PEOPLE, "ana", PASS["ana"])
    e = done.vault.people["ana"]
    assert e.iterations == MIN_ITERATIONS == 600_000
    assert len(e.salt) == 16 and len(e.nonce) == 12 and len(e.public) == 65
    assert e.public[0] == 4  # uncompressed P-256 point
    assert len(done.fingerprint.split()) == 5
    private = crypto.unlock(e, PASS["ana"], "ana")
    assert private.curve.name == "secp256r1"
    with pytest.raises(ValueError):
        crypto.seal_private(private, PASS["ana"], "ana", iterations=599_999)


def test_fresh_nonce_salt_and_ephemeral_key_every_time(vault):
    key = crypto.new_data_key()
    a, b = crypto.seal(key, CANARY, b"ad"), crypto.seal(key, CANARY, b"ad")
    assert a.nonce != b.nonce and a.value != b.value
    public = vault.people["ben"].public
    w1 = crypto.wrap_to(key, public, "ops", "ben", 1)
    w2 = crypto.wrap_to(key, public, "ops", "ben", 1)
    assert w1.ephemeral != w2.ephemeral and w1.key != w2.key
    ana = vault.audiences["ops"].slots["ana"]
    ben = vault.audiences["ops"].slots["ben"]
    assert ana.ephemeral != ben.ephemeral  # one ephemeral key per wrap
    e1 = crypto.seal_private(crypto.unlock(vault.people["ana"], PASS["ana"], "ana"), "p" * 20,
                             "ana", **FAST)  # fmt: skip
    assert e1.salt != vault.people["ana"].salt


def test_passphrase_is_nfc_normalised():
    composed = unicodedata.normalize("NFC", "élodie-démo-bouleau-fanal-grève")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    people = {"elo": {"ops"}}
    v = ops.enroll(store.Vault(), people, "elo", decomposed, **FAST).vault
    v = ops.add(v, people, "elo", composed, "x", "ops", CANARY, today=DAY)
    assert ops.reveal(v, "elo", decomposed, "x") == {"password": CANARY}


def test_wrong_passphrase_is_refused(vault):
    refused("vault.wrong_passphrase", ops.reveal, vault, "ana", PASS["ben"], "bank")
    refused("vault.wrong_passphrase", ops.reveal, vault, "ana", PASS["ana"] + " ", "bank")


# --- tampering --------------------------------------------------------------------


def _field(vault, cred_id="bank", name="password") -> crypto.Sealed:
    return vault.credentials[cred_id].fields[name]


def _set_field(vault, sealed, cred_id="bank", name="password"):
    vault.credentials[cred_id].fields[name] = sealed


TAMPER_FIELD = {
    "ciphertext": lambda s: dataclasses.replace(s, value=flip(s.value, 0)),
    "tag": lambda s: dataclasses.replace(s, value=flip(s.value, len(s.value) - 1)),
    "nonce": lambda s: dataclasses.replace(s, nonce=flip(s.nonce, 3)),
    "truncated": lambda s: dataclasses.replace(s, value=s.value[:-1]),
}


@pytest.mark.parametrize("how", sorted(TAMPER_FIELD))
def test_tampered_field_is_refused(vault, how):
    _set_field(vault, TAMPER_FIELD[how](_field(vault)))
    refused("vault.tampered", ops.reveal, vault, "ana", PASS["ana"], "bank", "password")


def test_a_generation_number_changed_by_hand_is_refused(vault):
    # the field claims the current generation of another key: the AD no longer matches
    v = copy.deepcopy(vault)
    v = add(v, "other", value="x")
    v.audiences["ops"] = dataclasses.replace(v.audiences["ops"], generation=2)
    for person, wrap in list(v.audiences["ops"].slots.items()):
        v.audiences["ops"].slots[person] = dataclasses.replace(wrap, generation=2)
    for entry in v.entries_of("ops"):
        for name, sealed in list(entry.fields.items()):
            entry.fields[name] = dataclasses.replace(sealed, generation=2)
    refused("vault.altered_wrap", ops.reveal, v, "ana", PASS["ana"], "bank")
    # the field alone renumbered: seen without a passphrase, and refused when opened
    v = copy.deepcopy(vault)
    _set_field(v, dataclasses.replace(_field(v), generation=7))
    refused("vault.stale_field", ops.reveal, v, "ana", PASS["ana"], "bank", "password")


TAMPER_WRAP = {
    "ephemeral key": lambda w: dataclasses.replace(w, ephemeral=crypto.wrap_to(
        b"k" * 32, w.ephemeral, "x", "y", 1).ephemeral),
    "wrapped key": lambda w: dataclasses.replace(w, key=flip(w.key, 5)),
    "wrap nonce": lambda w: dataclasses.replace(w, nonce=flip(w.nonce)),
}  # fmt: skip


@pytest.mark.parametrize("how", sorted(TAMPER_WRAP))
def test_tampered_wrap_is_refused(vault, how):
    slots = vault.audiences["ops"].slots
    slots["ana"] = TAMPER_WRAP[how](slots["ana"])
    refused("vault.altered_wrap", ops.reveal, vault, "ana", PASS["ana"], "bank")
    assert ops.reveal(vault, "ben", PASS["ben"], "bank", "password") == {"password": CANARY}


def test_an_ephemeral_key_off_the_curve_is_refused(vault):
    slots = vault.audiences["ops"].slots
    slots["ana"] = dataclasses.replace(slots["ana"], ephemeral=flip(slots["ana"].ephemeral, 40))
    refused("vault.altered_wrap", ops.reveal, vault, "ana", PASS["ana"], "bank")


TAMPER_ENROLMENT = {
    "salt": lambda e: dataclasses.replace(e, salt=flip(e.salt)),
    "iterations": lambda e: dataclasses.replace(e, iterations=e.iterations + 1),
    "private key": lambda e: dataclasses.replace(e, private=flip(e.private, 9)),
    "nonce": lambda e: dataclasses.replace(e, nonce=flip(e.nonce)),
}


@pytest.mark.parametrize("how", sorted(TAMPER_ENROLMENT))
def test_tampered_enrolment_is_refused(vault, how):
    vault.people["ana"] = TAMPER_ENROLMENT[how](vault.people["ana"])
    refused("vault.wrong_passphrase", ops.reveal, vault, "ana", PASS["ana"], "bank")


def test_a_swapped_public_key_is_caught(vault):
    """Someone replaces Ben's public key with one of their own before a grant: Ben's own
    unlock fails (his sealed private key is bound to his public key), and `check` without
    a passphrase sees a key that is not a P-256 point."""
    intruder = ops.enroll(store.Vault(), PEOPLE, "ben", "intruder-chosen-passphrase", **FAST)
    vault.people["ben"] = dataclasses.replace(
        vault.people["ben"], public=intruder.vault.people["ben"].public
    )
    refused("vault.wrong_passphrase", ops.reveal, vault, "ben", PASS["ben"], "bank")
    flipped = dataclasses.replace(vault.people["ben"], public=flip(vault.people["ben"].public, 30))
    with pytest.raises(Refused):
        crypto.load_public(flipped.public)
    vault.people["cleo"] = dataclasses.replace(vault.people["cleo"], public=flipped.public)
    refused("vault.bad_public", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "cleo")


def test_value_moved_to_another_entry_or_field_is_refused(vault):
    v = copy.deepcopy(vault)
    _set_field(v, _field(vault, "bank"), "mail", "password")  # same audience, same key
    refused("vault.tampered", ops.reveal, v, "ana", PASS["ana"], "mail")
    v = copy.deepcopy(vault)
    _set_field(v, _field(vault, "bank", "password"), "bank", "username")
    refused("vault.tampered", ops.reveal, v, "ana", PASS["ana"], "bank", "username")


@pytest.mark.parametrize("key,value", [("label", "Other bank"), ("url", "https://evil.example/"),
                                       ("url", None), ("id", "bank2")])  # fmt: skip
def test_edited_metadata_is_refused(vault, key, value):
    entry = vault.credentials.pop("bank")
    setattr(entry, key, value)
    vault.credentials[entry.id] = entry
    refused("vault.tampered", ops.reveal, vault, "ana", PASS["ana"], entry.id, "password")


def test_edited_metadata_in_the_file_text_is_refused(vault):
    text = store.dump(vault)
    assert 'label: "Bank"' in text
    edited = store.parse(text.replace('label: "Bank"', 'label: "Bank (new)"'))
    assert edited.problems == []
    refused("vault.tampered", ops.reveal, edited, "ana", PASS["ana"], "bank")


def test_swapped_audience_is_refused(vault):
    # ana holds both audiences: the finance wrap replaced by a wrap of the ops key
    key_ops = ops.open_key(vault, "ops", "ana", PASS["ana"])
    fin = vault.audiences["finance"]
    fin.slots["ana"] = crypto.wrap_to(key_ops, vault.people["ana"].public, "finance", "ana",
                                      fin.generation)  # fmt: skip
    vault.credentials["bank"].audience = "finance"  # same data key now, other audience in the AD
    refused("vault.tampered", ops.reveal, vault, "ana", PASS["ana"], "bank")


def test_wrap_moved_to_another_person_or_audience_is_refused(vault):
    v = copy.deepcopy(vault)
    v.audiences["ops"].slots["ana"] = v.audiences["ops"].slots["ben"]
    refused("vault.altered_wrap", ops.reveal, v, "ana", PASS["ana"], "bank")
    v = copy.deepcopy(vault)
    v.audiences["finance"].slots["ana"] = v.audiences["ops"].slots["ana"]
    refused("vault.altered_wrap", ops.reveal, v, "ana", PASS["ana"], "ledger")


def test_malformed_sealed_data_is_a_problem_with_its_line(vault):
    text = store.dump(vault)
    salt = crypto.b64(vault.people["ana"].salt)
    broken = store.parse(text.replace(salt, "not base64!"))
    assert broken.problems
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if salt in ln)
    assert broken.problems[0].line == line


@pytest.mark.parametrize("edit", [
    ("generation: 1\n", "generation: 0\n"),
    ("generation: 1\n", "generation: one\n"),
    ("    slots:\n", "    slots: 5\n    wraps:\n"),
    ("audiences:\n", "audiences:\n  bad: [a, b]\n"),
    ("people:\n", "people:\n  zed: 12\n"),
])  # fmt: skip
def test_wrong_types_are_problems_never_crashes(vault, edit):
    text = store.dump(vault).replace(*edit, 1)
    assert store.parse(text).problems


# --- access management ----------------------------------------------------------


def test_grant_needs_only_the_granters_passphrase(vault):
    # cleo enrolled herself (fixture); ben grants with his own passphrase alone
    v = ops.grant(vault, PEOPLE, "ben", PASS["ben"], "ops", "cleo")
    assert ops.reveal(v, "cleo", PASS["cleo"], "mail")["password"] == "mail-" + CANARY
    refused("vault.not_holder", ops.reveal, v, "cleo", PASS["cleo"], "ledger")


def test_grant_refusals(vault):
    refused("vault.no_role", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "dan")
    refused("vault.already_holder", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    refused("vault.unknown_person", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "zoe")
    refused("vault.not_holder", ops.grant, vault, PEOPLE, "cleo", PASS["cleo"], "ops", "cleo")
    refused("vault.wrong_passphrase", ops.grant, vault, PEOPLE, "ben", PASS["ana"], "ops", "cleo")
    people = {**PEOPLE, "eve": {"ops"}}
    refused("vault.grantee_not_enrolled", ops.grant, vault, people, "ana", PASS["ana"], "ops",
            "eve")  # fmt: skip


def test_revoke_rotates_rewraps_for_others_without_their_passphrases(vault):
    v = ops.grant(vault, PEOPLE, "ana", PASS["ana"], "ops", "cleo")
    old_key = ops.open_key(v, "ops", "ben", PASS["ben"])  # what ben could have kept
    done = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")  # no passphrase but ana's
    after = done.vault
    assert done.dropped == [] and done.stale == [] and done.n == 3
    assert after.holders("ops") == ["ana", "cleo"]
    assert after.audiences["ops"].generation == v.audiences["ops"].generation + 1
    refused("vault.not_holder", ops.reveal, after, "ben", PASS["ben"], "bank")
    for who in ("ana", "cleo"):
        assert ops.reveal(after, who, PASS[who], "bank") == ops.reveal(
            v, "ana", PASS["ana"], "bank"
        )
        assert ops.reveal(after, who, PASS[who], "mail")["password"] == "mail-" + CANARY
    new_key = ops.open_key(after, "ops", "ana", PASS["ana"])
    assert new_key != old_key
    entry = after.credentials["bank"]
    with pytest.raises(Refused):
        crypto.open_sealed(old_key, entry.fields["password"], ops.field_ad(entry, "password"))
    # the other audience and the enrolments are untouched
    assert after.credentials["ledger"] == v.credentials["ledger"]
    assert after.audiences["finance"] == v.audiences["finance"]
    assert after.people == v.people


def test_revoke_refusals(vault):
    refused("vault.revoke_self", ops.revoke, vault, PEOPLE, "ana", PASS["ana"], "ops", "ana")
    refused("vault.not_holder", ops.revoke, vault, PEOPLE, "ana", PASS["ana"], "ops", "dan")
    refused("vault.wrong_passphrase", ops.revoke, vault, PEOPLE, "ana", PASS["ben"], "ops", "ben")
    refused("vault.not_holder", ops.revoke, vault, PEOPLE, "cleo", PASS["cleo"], "ops", "ben")


def test_rekey_reseals_only_my_private_key(vault):
    new = "ana-new-willow-harbor-candle"
    after = ops.rekey(vault, "ana", PASS["ana"], new, **FAST)
    assert ops.reveal(after, "ana", new, "ledger")["password"] == "ledger-" + CANARY
    assert ops.reveal(after, "ana", new, "bank")["password"] == CANARY
    refused("vault.wrong_passphrase", ops.reveal, after, "ana", PASS["ana"], "bank")
    assert after.people["ana"].public == vault.people["ana"].public
    assert after.audiences == vault.audiences and after.credentials == vault.credentials
    assert {p: e for p, e in after.people.items() if p != "ana"} == {
        p: e for p, e in vault.people.items() if p != "ana"
    }
    refused("vault.wrong_passphrase", ops.rekey, vault, "ana", "guess", new)
    refused("vault.weak_passphrase", ops.rekey, vault, "ana", PASS["ana"], "short")
    refused("vault.not_enrolled", ops.rekey, store.Vault(), "ana", PASS["ana"], new)


def test_enroll_again_drops_my_keys_and_says_who_can_grant(vault):
    refused("vault.already_enrolled", ops.enroll, vault, PEOPLE, "ben", "ben-lost-it-new-words-x")
    done = ops.enroll(vault, PEOPLE, "ben", "ben-lost-it-new-words-x", again=True, **FAST)
    assert done.dropped == {"ops": ["ana"]}
    assert "ben" not in done.vault.audiences["ops"].slots
    refused("vault.not_holder", ops.reveal, done.vault, "ben", "ben-lost-it-new-words-x", "bank")
    regranted = ops.grant(done.vault, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    assert ops.reveal(regranted, "ben", "ben-lost-it-new-words-x", "bank")["password"] == CANARY
    # the sole holder of an audience loses it: nobody is listed to grant again
    lost = ops.enroll(vault, PEOPLE, "ana", "ana-lost-it-new-words-x", again=True, **FAST)
    assert lost.dropped == {"finance": [], "ops": ["ben"]}
    refused("vault.weak_passphrase", ops.enroll, store.Vault(), PEOPLE, "ana", "short")
    refused("vault.unknown_person", ops.enroll, store.Vault(), PEOPLE, "zoe", "z" * 30)


def test_add_refusals_change_nothing(vault):
    before = store.dump(vault)
    refused("vault.field_exists", add, vault, "bank")
    refused("vault.exists", add, vault, "bank", audience="finance")
    refused("vault.no_role", add, vault, "x", audience="finance", me="ben")
    refused("vault.unknown_audience", add, vault, "x", audience="nobody")
    refused("vault.unknown_person", ops.add, vault, PEOPLE, "zoe", "z" * 30, "x", "ops", "v",
            today=DAY)  # fmt: skip
    refused("vault.wrong_passphrase", ops.add, vault, PEOPLE, "ana", "bad", "x", "ops", "v",
            today=DAY)  # fmt: skip
    refused("vault.bad_id_arg", add, vault, "Bad Id")
    refused("vault.meta_differs", add, vault, "bank", field="pin", label="Other")
    refused("vault.not_holder", add, vault, "x", me="cleo")
    people = {**PEOPLE, "eve": {"ops", "extra"}}
    refused("vault.not_enrolled", ops.add, vault, people, "eve", "e" * 30, "x", "extra", "v",
            today=DAY)  # fmt: skip
    assert store.dump(vault) == before
    replaced = add(vault, "bank", value="new-value", replace_value=True)
    assert ops.reveal(replaced, "ana", PASS["ana"], "bank", "password") == {"password": "new-value"}


def test_first_add_of_a_new_audience_checks_my_passphrase(vault):
    people = {**PEOPLE, "dan": {"finance", "hr"}}
    refused("vault.wrong_passphrase", ops.add, vault, people, "dan", "another-long-passphrase",
            "b", "hr", "v", today=DAY)  # fmt: skip
    v = ops.add(vault, people, "dan", PASS["dan"], "b", "hr", "v", today=DAY)
    assert v.audiences["hr"].generation == 1 and v.holders("hr") == ["dan"]


# --- file layout ----------------------------------------------------------------


def _block(text: str, key: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"  {key}:"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("    ")),
               len(lines))  # fmt: skip
    return "".join(lines[start:end])


def test_dump_is_stable_and_untouched_entries_stay_byte_identical(vault):
    text = store.dump(vault)
    assert store.dump(store.parse(text)) == text
    # a hand-edited entry (comment, other quoting) is kept verbatim while others change
    text = text.replace(
        '  mail:\n    label: "Mail"\n', "  mail:  # the shared inbox\n    label: Mail\n"
    )
    vault = store.parse(text)
    assert vault.problems == []
    kept = [_block(text, k) for k in ("ledger", "mail", "finance", "ben", "dan")]
    steps = [
        lambda v: add(v, "new-one", label="New"),
        lambda v: ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo"),
        lambda v: ops.rekey(v, "ana", PASS["ana"], PASS["ana"], **FAST),
        lambda v: add(v, "bank", value="rotated", replace_value=True),
    ]
    for step in steps:
        vault = store.parse(store.dump(step(vault)))
        out = store.dump(vault)
        for block in kept:
            assert block in out
    assert "# the shared inbox" in out
    done = ops.revoke(vault, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    out = store.dump(done.vault)
    assert all(block in out for block in (kept[0], kept[2], kept[3], kept[4]))
    assert kept[1] not in out  # re-encrypted under the new key: that entry had to change


def test_entries_are_one_line_per_sealed_item_and_no_checksum(vault):
    text = store.dump(vault)
    clear = re.sub(r'"[A-Za-z0-9+/]+={0,2}"', '""', text)  # base64 may spell anything
    assert "checksum" not in clear and "sha" not in clear.lower().replace("shared", "")
    for line in text.splitlines():
        if "nonce:" in line:
            assert line.strip().endswith("}")
    assert text.count("public:") == len(PEOPLE)


def test_scaffold_vault_is_an_empty_vault_in_this_format():
    scaffold = Path(store.__file__).parent.parent / "scaffold" / "vault.yml"
    text = scaffold.read_text(encoding="utf-8")
    parsed = store.parse(text)
    assert parsed.problems == [] and not parsed.credentials and not parsed.audiences
    assert parsed.version == 2
    assert store.dump(parsed) == text


def test_interrupted_write_leaves_the_old_vault_readable(vault, tmp_path, monkeypatch):
    path = tmp_path / "vault.yml"
    store.write_atomic(path, store.dump(vault))
    before = path.read_bytes()
    changed = add(vault, "another")

    def crash(src, dst):
        raise OSError("power cut between the temporary file and the rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.write_atomic(path, store.dump(changed))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    reread = store.load(path)
    assert reread.problems == [] and ops.reveal(reread, "ana", PASS["ana"], "bank")
    store.write_atomic(path, store.dump(changed))
    assert "another" in store.load(path).credentials


def test_unreadable_vault_files_are_problems(tmp_path):
    (tmp_path / "latin1.yml").write_bytes("version: 2\n# caf\xe9\n".encode("latin-1"))
    assert store.load(tmp_path / "latin1.yml").problems[0].key == "source.not_utf8"
    (tmp_path / "folder.yml").mkdir()
    assert store.load(tmp_path / "folder.yml").problems[0].key == "source.unreadable"


def test_meta_hash_is_canonical_json():
    import hashlib
    import json

    expected = json.dumps(
        {"audience": "ops", "id": "x", "label": "É \"q\"", "url": None},
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    assert expected == '{"audience":"ops","id":"x","label":"É \\"q\\"","url":null}'
    digest = hashlib.sha256(expected.encode()).hexdigest()
    assert crypto.meta_hash("x", 'É "q"', None, "ops") == digest


# --- any clear metadata survives the file (else its values would no longer open) ---

TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(label=TEXT, url=st.none() | TEXT, note=TEXT)
def test_any_label_and_url_round_trip_through_the_file(label, url, note):
    sealed = {"password": crypto.Sealed(b"n" * 12, b"v" * 20, 1)}
    entry = store.Entry("x", label, "ops", url, DAY, sealed, {"used_for": note})
    text = store.dump(store.Vault(credentials={"x": entry}))
    again = store.parse(text)
    if label.strip():
        assert again.problems == []
        assert again.credentials["x"] == entry
        assert store.dump(again) == text
    else:
        assert again.problems  # a blank label is reported, never a crash


def test_ids_with_a_trailing_newline_are_refused(vault):
    refused("vault.bad_id_arg", add, vault, "bank\n")
