"""Format 1 stays readable (read-only, a lint warning) until every holder runs
`releve vault migrate` with her own passphrase, one at a time."""

from __future__ import annotations

import json

import pytest
from vault_helpers import FAST, legacy_vault

from conftest import MINIMAL_MKDOCS, RunbookFactory, releve
from releve.vault import ops, store

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops, finance]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: cleo, name: Cléo Roy, roles: [ops]}
"""
PEOPLE = {"ana": {"ops", "finance"}, "ben": {"ops"}, "cleo": {"ops"}}
PASS = {
    "ana": "ana-migrate-maple-river-lantern",
    "ben": "ben-migrate-cedar-compass-kettle",
    "cleo": "cleo-migrate-heron-pebble-tuque",
}
CANARY = "CANARY-migrate-Qq73"
VALUES = [
    ("bank", "ops", "password", CANARY),
    ("bank", "ops", "username", "user-" + CANARY),
    ("ledger", "finance", "password", "ledger-" + CANARY),
]


@pytest.fixture
def v1(tmp_path):
    """A format-1 runbook as the previous Relève wrote it: ana and ben hold ops, ana finance."""
    root = tmp_path / "rb"
    root.mkdir()
    (root / "docs").mkdir()
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", TEAM)
    v = legacy_vault({"ops": ["ana", "ben"], "finance": ["ana"]}, PASS, VALUES)
    store.write_atomic(root / "vault.yml", store.dump(v))
    return root


def run(root, *args, who="ana", stdin=None, new=None):
    env = {"RELEVE_USER": who, "RELEVE_PASSPHRASE": PASS[who]}
    if new:
        env["RELEVE_NEW_PASSPHRASE"] = new
    r = releve("vault", *args, "--root", str(root), env=env, stdin=stdin)
    for secret in (CANARY, *PASS.values()):
        assert secret not in r.stderr and (args[0] == "show" or secret not in r.stdout)
    return r


def lint_codes(root) -> list[str]:
    r = releve("lint", "--format", "json", "--root", str(root))
    return [f["code"] for f in json.loads(r.stdout)]


def test_format1_is_readable_read_only_and_warned(v1):
    text = (v1 / "vault.yml").read_text(encoding="utf-8")
    assert text.startswith("# Sealed credentials (Relève vault format 1)") and "version: 1" in text
    assert run(v1, "show", "bank").stdout == CANARY + "\n"
    assert run(v1, "show", "bank", who="ben").stdout == CANARY + "\n"
    assert run(v1, "check").returncode == 0  # a warning, not an error
    r = run(v1, "check")
    assert "RB019" in r.stderr and "ana (finance, ops)" in r.stderr and "ben (ops)" in r.stderr
    assert lint_codes(v1) == ["RB019"]
    for args, who in ((["add", "new", "--audience", "ops"], "ana"),
                      (["grant", "--audience", "ops", "--to", "cleo"], "ana"),
                      (["revoke", "--audience", "ops", "--from", "ben"], "ana"),
                      (["rekey"], "ana"), (["enroll"], "cleo")):  # fmt: skip
        r = run(v1, *args, who=who, stdin="x", new=PASS[who])
        assert r.returncode in (1, 2) and "migrate" in r.stderr, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1
    r = run(v1, "migrate", who="cleo")
    assert r.returncode == 1 and "ana, ben" in r.stderr
    assert (v1 / "vault.yml").read_text(encoding="utf-8") == text  # nothing written


def test_two_holders_migrate_one_at_a_time(v1):
    r = run(v1, "migrate", who="ana")
    assert r.returncode == 0, r.stderr
    assert "finance, ops" in r.stdout and "Still to migrate" in r.stdout and "ben (ops)" in r.stdout
    v = store.parse((v1 / "vault.yml").read_text(encoding="utf-8"))
    assert v.version == 2 and list(v.people) == ["ana"]
    assert v.audiences["ops"].generation == 1 and list(v.audiences["ops"].slots) == ["ana"]
    assert list(v.audiences["ops"].legacy) == ["ben"] and not v.audiences["finance"].legacy
    assert all(s.generation == 1 for e in v.credentials.values() for s in e.fields.values())
    assert lint_codes(v1) == ["RB019"]  # ben is still to migrate

    # In between: both formats open the same values; ana can already add, ben still reads
    assert run(v1, "show", "bank", who="ana").stdout == CANARY + "\n"
    assert run(v1, "show", "bank", who="ben").stdout == CANARY + "\n"
    assert run(v1, "add", "mail", "--audience", "ops", stdin="mail-" + CANARY).returncode == 0
    assert run(v1, "show", "mail", who="ben").stdout == "mail-" + CANARY + "\n"
    r = run(v1, "add", "other", "--audience", "ops", who="ben", stdin="x")
    assert r.returncode == 1 and "migrate --as ben" in r.stderr
    r = run(v1, "migrate", who="ana")
    assert r.returncode == 1 and "nothing to migrate" in r.stderr

    r = run(v1, "migrate", who="ben")
    assert r.returncode == 0, r.stderr
    assert "Migration complete" in r.stdout
    v = store.parse((v1 / "vault.yml").read_text(encoding="utf-8"))
    assert not v.legacy_holders() and list(v.people) == ["ana", "ben"]
    assert v.holders("ops") == ["ana", "ben"]
    assert lint_codes(v1) == []
    assert run(v1, "check").returncode == 0
    for who in ("ana", "ben"):
        assert run(v1, "show", "bank", "--field", "username", who=who).stdout == (
            "user-" + CANARY + "\n"
        )
        assert run(v1, "check", who=who).returncode == 0
    # format 2 from now on: cleo enrols, ben grants with his passphrase alone
    assert run(v1, "enroll", who="cleo", new=PASS["cleo"]).returncode == 0
    assert run(v1, "grant", "--audience", "ops", "--to", "cleo", who="ben").returncode == 0
    assert run(v1, "show", "mail", who="cleo").stdout == "mail-" + CANARY + "\n"


def test_a_wrong_passphrase_migrates_nothing(v1):
    before = (v1 / "vault.yml").read_bytes()
    r = releve("vault", "migrate", "--root", str(v1),
               env={"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS["ben"]})  # fmt: skip
    assert r.returncode == 1 and "wrong passphrase" in r.stderr
    assert (v1 / "vault.yml").read_bytes() == before


def test_revoke_during_migration_drops_unmigrated_holders_with_a_message():
    v = legacy_vault({"ops": ["ana", "ben", "cleo"]}, PASS, VALUES[:1])
    v = ops.migrate(v, PEOPLE, "ana", PASS["ana"], **FAST).vault
    v = ops.migrate(v, PEOPLE, "cleo", PASS["cleo"], **FAST).vault
    done = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo")
    assert done.dropped == ["ben"]  # never enrolled: no public key to wrap to
    assert done.vault.holders("ops") == ["ana"] and not done.vault.legacy_holders()
    assert ops.reveal(done.vault, "ana", PASS["ana"], "bank") == {"password": CANARY}
