"""The vault core: cryptography, operations, file layout and atomic writes (no CLI, no site)."""

from __future__ import annotations

import copy
import dataclasses
import os
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from releve.vault import crypto, ops, store
from releve.vault.crypto import MIN_ITERATIONS, Refused
from releve.vault.ops import VaultError

FAST = {"iterations": 1000, "weak_for_tests": True}  # test-only: the CLI never passes these
DAY = date(2026, 11, 23)
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
    return ops.add(vault, PEOPLE, me, PASS[me], cred_id, audience, value, today=DAY, **FAST, **kw)


@pytest.fixture
def vault() -> store.Vault:
    v = add(store.Vault(), "bank", label="Bank", url="https://bank.example/")
    v = add(v, "bank", field="username", value="ana@example.com")
    v = add(v, "mail", label="Mail", value="mail-" + CANARY)
    v = add(v, "ledger", audience="finance", label="Ledger", value="ledger-" + CANARY)
    return ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben", PASS["ben"], **FAST)


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


def test_real_iteration_count_is_the_default_and_the_minimum():
    v = ops.add(store.Vault(), PEOPLE, "ana", PASS["ana"], "x", "ops", CANARY, today=DAY)
    slot = v.audiences["ops"]["ana"]
    assert slot.iterations == MIN_ITERATIONS == 600_000
    assert len(slot.salt) == 16 and len(slot.nonce) == 12
    assert ops.reveal(v, "ana", PASS["ana"], "x") == {"password": CANARY}
    with pytest.raises(ValueError):
        crypto.wrap(crypto.new_data_key(), PASS["ana"], "ops", "ana", iterations=599_999)


def test_fresh_nonce_and_salt_every_time():
    key = crypto.new_data_key()
    a, b = crypto.seal(key, CANARY, b"ad"), crypto.seal(key, CANARY, b"ad")
    assert a.nonce != b.nonce and a.value != b.value
    s1 = crypto.wrap(key, PASS["ana"], "ops", "ana", **FAST)
    s2 = crypto.wrap(key, PASS["ana"], "ops", "ana", **FAST)
    assert s1.salt != s2.salt and s1.nonce != s2.nonce


def test_passphrase_is_nfc_normalised():
    composed = unicodedata.normalize("NFC", "élodie-démo-bouleau-fanal-grève")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    v = ops.add(store.Vault(), {"elo": {"ops"}}, "elo", decomposed, "x", "ops", CANARY,
                today=DAY, **FAST)  # fmt: skip
    assert ops.reveal(v, "elo", composed, "x") == {"password": CANARY}


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
    v = copy.deepcopy(vault)
    _set_field(v, TAMPER_FIELD[how](_field(v)))
    refused("vault.tampered", ops.reveal, v, "ana", PASS["ana"], "bank", "password")


TAMPER_SLOT = {
    "salt": lambda s: dataclasses.replace(s, salt=flip(s.salt)),
    "iterations": lambda s: dataclasses.replace(s, iterations=s.iterations + 1),
    "wrapped key": lambda s: dataclasses.replace(s, key=flip(s.key, 5)),
    "slot nonce": lambda s: dataclasses.replace(s, nonce=flip(s.nonce)),
}


@pytest.mark.parametrize("how", sorted(TAMPER_SLOT))
def test_tampered_slot_is_refused(vault, how):
    v = copy.deepcopy(vault)
    v.audiences["ops"]["ana"] = TAMPER_SLOT[how](v.audiences["ops"]["ana"])
    refused("vault.wrong_passphrase", ops.reveal, v, "ana", PASS["ana"], "bank")
    assert ops.reveal(v, "ben", PASS["ben"], "bank", "password") == {"password": CANARY}


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
    v = copy.deepcopy(vault)
    entry = v.credentials.pop("bank")
    setattr(entry, key, value)
    v.credentials[entry.id] = entry
    refused("vault.tampered", ops.reveal, v, "ana", PASS["ana"], entry.id, "password")


def test_edited_metadata_in_the_file_text_is_refused(vault, tmp_path):
    text = store.dump(vault)
    assert 'label: "Bank"' in text
    edited = store.parse(text.replace('label: "Bank"', 'label: "Bank (new)"'))
    assert edited.problems == []
    refused("vault.tampered", ops.reveal, edited, "ana", PASS["ana"], "bank")


def test_swapped_audience_is_refused():
    # ana holds both audiences, so only the associated data can tell the swap.
    v = add(store.Vault(), "a", audience="ops")
    v = add(v, "b", audience="finance")
    key_ops = ops.open_key(v, "ops", "ana", PASS["ana"])
    v.audiences["finance"]["ana"] = crypto.wrap(key_ops, PASS["ana"], "finance", "ana", **FAST)
    v.credentials["a"].audience = "finance"  # same data key now, other audience in the AD
    refused("vault.tampered", ops.reveal, v, "ana", PASS["ana"], "a")


def test_slot_moved_to_another_person_or_audience_is_refused(vault):
    v = copy.deepcopy(vault)
    # ben's slot copied in place of ana's: ben's passphrase no longer matches the bound person
    v.audiences["ops"]["ana"] = v.audiences["ops"]["ben"]
    refused("vault.wrong_passphrase", ops.reveal, v, "ana", PASS["ben"], "bank")
    v = copy.deepcopy(vault)
    v.audiences["finance"]["ana"] = v.audiences["ops"]["ana"]
    refused("vault.wrong_passphrase", ops.reveal, v, "ana", PASS["ana"], "ledger")


def test_malformed_sealed_data_is_a_problem_with_its_line(vault):
    text = store.dump(vault)
    salt = crypto.b64(vault.audiences["ops"]["ana"].salt)
    broken = store.parse(text.replace(salt, "not base64!"))
    assert broken.problems
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if salt in ln)
    assert broken.problems[0].line == line


# --- access management ----------------------------------------------------------


def test_grant_gives_access_only_to_people_with_the_role(vault):
    refused(
        "vault.no_role", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "dan", PASS["dan"]
    )
    refused("vault.already_holder", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "ben",
            PASS["ben"])  # fmt: skip
    refused("vault.unknown_person", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "zoe",
            PASS["ben"])  # fmt: skip
    refused("vault.not_holder", ops.grant, vault, PEOPLE, "cleo", PASS["cleo"], "ops", "cleo",
            PASS["cleo"])  # fmt: skip
    refused("vault.wrong_passphrase", ops.grant, vault, PEOPLE, "ben", PASS["ana"], "ops", "cleo",
            PASS["cleo"])  # fmt: skip
    refused("vault.weak_passphrase", ops.grant, vault, PEOPLE, "ana", PASS["ana"], "ops", "cleo",
            "short")  # fmt: skip
    v = ops.grant(vault, PEOPLE, "ben", PASS["ben"], "ops", "cleo", PASS["cleo"], **FAST)
    assert ops.reveal(v, "cleo", PASS["cleo"], "mail")["password"] == "mail-" + CANARY
    refused("vault.not_holder", ops.reveal, v, "cleo", PASS["cleo"], "ledger")


def test_revoke_rotates_the_key_keeps_the_data_and_shuts_out(vault):
    v = ops.grant(vault, PEOPLE, "ana", PASS["ana"], "ops", "cleo", PASS["cleo"], **FAST)
    old_key = ops.open_key(v, "ops", "ben", PASS["ben"])  # what ben could have kept
    given = {"cleo": PASS["cleo"]}
    after, dropped = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "ben", given.get, **FAST)
    assert dropped == []
    assert after.holders("ops") == ["ana", "cleo"]
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
    # the other audience is untouched
    assert after.credentials["ledger"] == v.credentials["ledger"]
    assert after.audiences["finance"] == v.audiences["finance"]


def test_revoke_drops_holders_whose_passphrase_is_not_given(vault):
    v = ops.grant(vault, PEOPLE, "ana", PASS["ana"], "ops", "cleo", PASS["cleo"], **FAST)
    after, dropped = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "ben", **FAST)
    assert dropped == ["cleo"] and after.holders("ops") == ["ana"]
    refused("vault.revoke_self", ops.revoke, v, PEOPLE, "ana", PASS["ana"], "ops", "ana")
    refused("vault.not_holder", ops.revoke, v, PEOPLE, "ana", PASS["ana"], "ops", "dan")
    refused("vault.wrong_passphrase", ops.revoke, v, PEOPLE, "ana", PASS["ben"], "ops", "ben")
    refused("vault.wrong_passphrase", ops.revoke, v, PEOPLE, "ana", PASS["ana"], "ops", "ben",
            lambda _: "not cleo's passphrase at all")  # fmt: skip


def test_rekey_changes_only_my_passphrase(vault):
    new = "ana-new-willow-harbor-candle"
    after = ops.rekey(vault, "ana", PASS["ana"], new, **FAST)
    assert ops.reveal(after, "ana", new, "ledger")["password"] == "ledger-" + CANARY
    assert ops.reveal(after, "ana", new, "bank")["password"] == CANARY
    refused("vault.wrong_passphrase", ops.reveal, after, "ana", PASS["ana"], "bank")
    assert after.audiences["ops"]["ben"] == vault.audiences["ops"]["ben"]
    assert after.credentials == vault.credentials
    refused("vault.wrong_passphrase", ops.rekey, vault, "ana", "guess", new)
    refused("vault.holds_nothing", ops.rekey, vault, "cleo", PASS["cleo"], new)


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
    assert store.dump(vault) == before
    replaced = add(vault, "bank", value="new-value", replace_value=True)
    assert ops.reveal(replaced, "ana", PASS["ana"], "bank", "password") == {"password": "new-value"}


def test_first_add_of_a_new_audience_checks_my_existing_passphrase():
    v = add(store.Vault(), "a", audience="ops")
    refused("vault.wrong_passphrase", ops.add, v, PEOPLE, "ana", "another-long-passphrase-here",
            "b", "finance", "v", today=DAY, **FAST)  # fmt: skip


# --- file layout ----------------------------------------------------------------


def _block(text: str, cred_id: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"  {cred_id}:"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("    ")),
               len(lines))  # fmt: skip
    return "".join(lines[start:end])


def test_dump_is_stable_and_untouched_entries_stay_byte_identical(vault, tmp_path):
    text = store.dump(vault)
    assert store.dump(store.parse(text)) == text
    # a hand-edited entry (comment, other quoting) is kept verbatim while others change
    text = text.replace(
        '  mail:\n    label: "Mail"\n', "  mail:  # the shared inbox\n    label: Mail\n"
    )
    vault = store.parse(text)
    assert vault.problems == []
    ledger, mail, finance = _block(text, "ledger"), _block(text, "mail"), _block(text, "finance")
    steps = [
        lambda v: add(v, "new-one", label="New"),
        lambda v: ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo", PASS["cleo"], **FAST),
        lambda v: ops.rekey(v, "ben", PASS["ben"], "ben-new-passphrase-long-enough", **FAST),
        lambda v: add(v, "bank", value="rotated", replace_value=True),
    ]
    for step in steps:
        vault = store.parse(store.dump(step(vault)))
        out = store.dump(vault)
        for block in (ledger, mail, finance):
            assert block in out
    assert "# the shared inbox" in out
    revoked, _ = ops.revoke(vault, PEOPLE, "ana", PASS["ana"], "ops", "ben", **FAST)
    out = store.dump(revoked)
    assert ledger in out and finance in out
    assert mail not in out  # re-encrypted under the new key: that entry had to change


def test_entries_are_one_line_per_sealed_item_and_no_checksum(vault):
    text = store.dump(vault)
    assert "checksum" not in text and "sha" not in text.lower().replace("shared", "")
    for line in text.splitlines():
        if "nonce:" in line:
            assert line.strip().endswith("}")


def test_scaffold_vault_is_an_empty_vault_in_this_format():
    scaffold = Path(store.__file__).parent.parent / "scaffold" / "vault.yml"
    text = scaffold.read_text(encoding="utf-8")
    parsed = store.parse(text)
    assert parsed.problems == [] and not parsed.credentials and not parsed.audiences
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
    sealed = {"password": crypto.Sealed(b"n" * 12, b"v" * 20)}
    entry = store.Entry("x", label, "ops", url, DAY, sealed, {"used_for": note})
    text = store.dump(store.Vault(credentials={"x": entry}))
    again = store.parse(text)
    if label.strip():
        assert again.problems == []
        assert again.credentials["x"] == entry
        assert store.dump(again) == text
    else:
        assert again.problems  # a blank label is reported, never a crash


def test_ids_with_a_trailing_newline_are_refused():
    refused("vault.bad_id_arg", add, store.Vault(), "bank\n")
