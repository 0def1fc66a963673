"""vault.yml's clear metadata is parsed once (the model's parser), and the lint, the site,
coverage and `releve vault` read the same answer from it: who holds an audience, which
key generations are gone, which format-1 keys are left, and what makes a vault invalid.

Vaults are built with the real operations and test-only PBKDF2 iterations (the
rules read here never need a passphrase).
"""

from __future__ import annotations

import json
import pickle
import re
from datetime import date

import pytest
from vault_helpers import FAST, enrolled, legacy_vault

from conftest import MINIMAL_MKDOCS, TODAY, RunbookFactory, releve
from releve.core.settings import Settings
from releve.coverage.compute import able_people
from releve.lint.engine import lint_runbook
from releve.model import load_runbook, vault_parse
from releve.vault import check_vault, crypto, ops, store
from releve.vault.audit import audit

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: cleo, name: Cléo Roy, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
"""
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}, "cleo": {"ops"}, "chloe": {"finance"}}
PASS = {
    "ana": "ana-meta-maple-river-lantern",
    "ben": "ben-meta-cedar-compass-kettle",
    "cleo": "cleo-meta-heron-pebble-tuque",
    "chloe": "chloe-meta-birch-beacon-shore",
}
CANARY = "CANARY-meta-4Rw9"
DAY = date(2026, 11, 2)
BANK = """\
title: Pay the bills
service: ops
owner: cleo
backup: [ben, ana]
priority: urgent
success_criteria: [paid]
credentials: [bank]
reviewed: 2026-11-01
"""
LEDGER = """\
title: Close the ledger
service: finance
owner: chloe
backup: [ben]
priority: important
success_criteria: [closed]
credentials: [ledger]
reviewed: 2026-11-01
"""


def runbook_with(root, vault_text: str):
    root.mkdir()
    (root / "docs").mkdir()
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", TEAM)
    f.procedure("ops/bank.md", BANK)
    f.procedure("finance/ledger.md", LEDGER)
    (root / "vault.yml").write_text(vault_text, encoding="utf-8")
    return root


def clean_vault() -> store.Vault:
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY, today=DAY, label="Bank")
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    return ops.add(v, PEOPLE, "chloe", PASS["chloe"], "ledger", "finance", CANARY, today=DAY)


def merged_vault() -> str:
    """After merges: cleo's wrap of a revoked generation of `ops` came back with a parallel
    grant, and `finance` moved to a generation whose wraps were lost."""
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY, today=DAY)
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo")
    stale = v.audiences["ops"].slots["cleo"]
    v = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo").vault
    assert v.audiences["ops"].generation == 2
    v.audiences["ops"].slots["cleo"] = stale
    v = ops.add(v, PEOPLE, "chloe", PASS["chloe"], "ledger", "finance", CANARY, today=DAY)
    v.audiences["finance"].generation = 2
    return store.dump(v)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_one_answer_to_who_holds_an_audience(tmp_path):
    root = runbook_with(tmp_path / "rb", merged_vault())
    runbook = load_runbook(root)
    vault = store.load(root / "vault.yml")
    assert vault.problems == []
    holders = {"ops": ["ana", "ben"], "finance": []}
    # the model, and the pages' credential cards
    assert {a: runbook.holders(a) for a in holders} == holders
    assert runbook.credentials["bank"].holders == holders["ops"]
    assert runbook.credentials["ledger"].holders == []
    # coverage: who can do the task
    able = {p.id: set(able_people(runbook, p)) for p in runbook.procedures}
    assert able == {"bank": {"ana", "ben"}, "ledger": set()}
    # RB017: the owners and backups who cannot
    lint = lint_runbook(runbook, date.fromisoformat(TODAY))
    flagged = {(f.args["credential"], f.args["person"]) for f in lint if f.code == "RB017"}
    assert flagged == {("bank", "cleo"), ("ledger", "chloe"), ("ledger", "ben")}
    # vault audit, in process and as the command prints it
    assert audit(vault, runbook, DAY, Settings()).access == {"bank": ["ana", "ben"], "ledger": []}
    done = releve("vault", "audit", "--format", "json", "--root", str(root))
    assert json.loads(done.stdout)["access"] == {"bank": ["ana", "ben"], "ledger": []}
    # vault check: nobody holds finance's key; cleo's key opens nothing
    checked = check_vault(vault, runbook)
    assert [f.args["id"] for f in checked if f.key == "vault.no_holder"] == ["ledger"]
    stale = {(f.key, f.line) for f in checked if f.key.startswith("vault.stale")}
    text = (root / "vault.yml").read_text(encoding="utf-8")
    assert ("vault.stale_wrap_found", line_of(text, "      cleo: {generation: 1")) in stale
    # ... and the lint reports the same dead key generations at the same lines
    assert {(f.key, f.line) for f in lint if f.key.startswith("vault.stale")} == stale
    # vault list
    listed = releve("vault", "list", "--root", str(root)).stdout.splitlines()
    assert [row.split("\t")[4] for row in listed] == ["ana, ben", "-"]


def test_the_model_keeps_no_sealed_byte(tmp_path):
    root = runbook_with(tmp_path / "rb", store.dump(clean_vault()))
    text = (root / "vault.yml").read_text(encoding="utf-8")
    runbook = load_runbook(root)
    public = {crypto.b64(p.public) for p in store.parse(text).people.values()}
    # Signatures are clear too: they vouch for keys, and the lint verifies them (RB026).
    public |= set(re.findall(r'signature: "([A-Za-z0-9+/]+={0,2})"', text))
    assert public - {crypto.b64(p.public) for p in store.parse(text).people.values()}
    sealed = set(re.findall(r'"([A-Za-z0-9+/]{16,}={0,2})"', text)) - public
    assert sealed, "no sealed item found in vault.yml: the test is out of date"
    kept = repr(runbook.vault) + repr(runbook.credentials)
    kept_bytes = pickle.dumps((runbook.vault, runbook.credentials))
    for item in sealed:
        assert item not in kept
        assert crypto.unb64(item) not in kept_bytes


# --- what `releve vault` refuses, the lint reports at the same line ---------------------


def reported_by_both(root, line: int, message: str) -> None:
    """`releve lint` and `releve vault check` both fail on `message` at vault.yml:`line`."""
    lint = releve("lint", "--root", str(root))
    assert lint.returncode == 1, lint.stdout
    assert re.search(rf"^vault\.yml:{line}:\d+: error RB008 {re.escape(message)}", lint.stdout,
                     re.M), lint.stdout  # fmt: skip
    check = releve("vault", "check", "--root", str(root))
    assert check.returncode == 1, check.stderr
    assert re.search(rf"^vault\.yml:{line}: RB008 {re.escape(message)}", check.stderr,
                     re.M), check.stderr  # fmt: skip


def test_a_version_3_vault_in_lint_and_check(tmp_path):
    text = store.dump(clean_vault()).replace("version: 2\n", "version: 3\n")
    root = runbook_with(tmp_path / "rb", text)
    line = line_of(text, "version: 3")
    reported_by_both(root, line, "unsupported vault format version 3")
    listed = releve("vault", "list", "--root", str(root))
    assert listed.returncode == 2 and "unsupported vault format version 3" in listed.stderr


def test_a_slot_that_is_not_base64_in_lint_and_check(tmp_path):
    v = clean_vault()
    key = crypto.b64(v.audiences["ops"].slots["ben"].key)
    text = store.dump(v).replace(key, "not base64!")
    root = runbook_with(tmp_path / "rb", text)
    line = line_of(text, "not base64!")
    reported_by_both(root, line, "'audiences.ops.slots.ben.key' is not valid base64")
    add = releve(
        "vault",
        "add",
        "mail",
        "--audience",
        "ops",
        "--root",
        str(root),
        stdin="value\n",
        env={"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS["ana"]},
    )
    assert add.returncode == 2 and "'audiences.ops.slots.ben.key'" in add.stderr, add.stderr
    assert (root / "vault.yml").read_text(encoding="utf-8") == text


EDITS = {  # each used to pass one of the lint and `releve vault`, and not the other
    "version_3": ("version: 2\n", "version: 3\n"),
    "version_missing": ("version: 2\n", ""),
    "bad_base64": ("nonce: \"", "nonce: \"*"),
    "no_label": ('    label: "Bank"\n', ""),
    "label_number": ('    label: "Bank"\n', "    label: 12\n"),
    "rotated_time": ("    rotated: 2026-11-02\n", "    rotated: 2026-11-02 10:00:00\n"),
    "rotated_1850": ("    rotated: 2026-11-02\n", "    rotated: 1850-11-02\n"),
    "rotate_every_0": ("    rotated: 2026-11-02\n",
                       "    rotated: 2026-11-02\n    rotate_every: 0\n"),
    "no_fields": ("    fields:\n      password:", "    old:\n      password:"),
    "unknown_top_key": ("credentials:\n", "notes: {}\ncredentials:\n"),
    "audience_keys": ("    generation: 1\n", "    generation: 1\n    owner: ana\n"),
    "long_id": ("  bank:\n", f"  {'b' * 101}:\n"),
}  # fmt: skip


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_lint_and_vault_commands_agree_on_validity(tmp_path, edit):
    base = store.dump(clean_vault())
    old, new = EDITS[edit]
    assert old in base
    text = base.replace(old, new, 1)
    root = runbook_with(tmp_path / "rb", text)
    refused = store.load(root / "vault.yml").problems
    assert refused, "the vault commands accept this edit: the test is out of date"
    lint = [f for f in load_runbook(root).findings if f.path == "vault.yml" and f.code == "RB008"]
    assert {(f.line, f.key) for f in refused} <= {(f.line, f.key) for f in lint}
    assert refused[0].line > 1 or edit == "version_missing"  # at the line to edit


def test_format_1_keys_are_one_warning_in_lint_and_check(tmp_path):
    v = legacy_vault({"ops": ["ana", "ben"]}, PASS, [("bank", "ops", "password", CANARY)], **FAST)
    root = runbook_with(tmp_path / "rb", store.dump(v))
    runbook = load_runbook(root)
    lint = [f.text() for f in runbook.findings if f.code == "RB019"]
    check = [f.text() for f in check_vault(store.load(root / "vault.yml"), runbook)
             if f.code == "RB019"]  # fmt: skip
    assert lint == check and len(lint) == 1
    assert "ana (ops), ben (ops)" in lint[0] and lint[0].startswith("vault.yml:")


def test_the_parser_checks_the_lengths_crypto_writes():
    for name in ("KEY_BYTES", "NONCE_BYTES", "SALT_BYTES", "TAG_BYTES", "PUBLIC_BYTES",
                 "PRIVATE_BYTES"):  # fmt: skip
        assert getattr(vault_parse, name) == getattr(crypto, name), name
