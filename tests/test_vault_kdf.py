"""PBKDF2 cost. Production seals passphrases with at least 600,000 iterations and reports
a vault sealed with fewer (`releve vault check`: RB008; `rekey` fixes it), whatever the environment
says. The other tests seal with a cheap count (tests/fast_kdf.py): these check that it
reaches the processes they start, and that `real_kdf` gives production back."""

from __future__ import annotations

from pathlib import Path

import fast_kdf
import pytest
from vault_helpers import DAY, FAST, legacy_vault

from conftest import MINIMAL_MKDOCS, RunbookFactory, releve
from releve.model import load_runbook
from releve.vault import check_vault, crypto, ops, store

TEAM = "people:\n  - {id: ana, name: Ana Lima, roles: [ops]}\n"
PEOPLE = {"ana": {"ops"}}
PASS = "ana-kdf-maple-river-lantern"
NEW = "ana-kdf-cedar-compass-kettle"
ENV = {"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS}


def runbook(root: Path, vault: store.Vault | None = None) -> Path:
    f = RunbookFactory(root)
    root.mkdir()
    (root / "docs").mkdir()
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", TEAM)
    if vault is not None:
        store.write_atomic(root / "vault.yml", store.dump(vault))
    return root


def iterations(root: Path) -> int:
    return store.parse((root / "vault.yml").read_text(encoding="utf-8")).people["ana"].iterations


def weak_vault() -> store.Vault:
    """Ana's private key sealed with 1,000 iterations, one credential she holds."""
    v = ops.enroll(store.Vault(), PEOPLE, "ana", PASS, **FAST).vault
    return ops.add(v, PEOPLE, "ana", PASS, "bank", "ops", "v", today=DAY, label="Bank")


def test_production_seals_with_the_minimum_and_refuses_fewer(real_kdf):
    assert real_kdf == crypto.MIN_ITERATIONS == 600_000
    assert ops.enroll(store.Vault(), PEOPLE, "ana", PASS).vault.people["ana"].iterations == real_kdf
    key = crypto.new_data_key()
    assert crypto.wrap_legacy(key, PASS, "ops", "ana").iterations == real_kdf
    with pytest.raises(ValueError):
        crypto.wrap_legacy(key, PASS, "ops", "ana", iterations=real_kdf - 1)
    with pytest.raises(ValueError):
        ops.enroll(store.Vault(), PEOPLE, "ana", PASS, iterations=real_kdf - 1)


def test_fewer_iterations_are_reported_and_rekey_fixes_them(real_kdf, tmp_path):
    root = runbook(tmp_path / "rb", weak_vault())
    findings = check_vault(store.parse((root / "vault.yml").read_text("utf-8")), load_runbook(root))
    assert [(f.code, f.key, f.args["n"]) for f in findings] == [
        ("RB008", "vault.weak_enrolment", 600_000)
    ]
    check = releve("vault", "check", "--root", str(root))
    assert check.returncode == 1
    assert check.stderr.startswith("vault.yml:6: RB008 ") and "600,000" in check.stderr
    assert "releve vault rekey --as ana" in check.stderr
    # still opened with the iterations it was sealed with, and fixed as the message says
    show = releve("vault", "show", "bank", "--root", str(root), env=ENV)
    assert show.returncode == 0 and show.stdout == "v\n", show.stderr
    rekey = releve("vault", "rekey", "--root", str(root), env={**ENV, "RELEVE_NEW_PASSPHRASE": NEW})
    assert rekey.returncode == 0, rekey.stderr
    assert iterations(root) == 600_000
    assert releve("vault", "check", "--root", str(root)).returncode == 0


def test_a_format1_slot_with_fewer_iterations_is_reported(real_kdf, tmp_path):
    v = legacy_vault({"ops": ["ana"]}, {"ana": PASS}, [("bank", "ops", "password", "v")])
    root = runbook(tmp_path / "rb", v)
    findings = check_vault(store.parse((root / "vault.yml").read_text("utf-8")), load_runbook(root))
    assert ("RB008", "vault.weak_slot") in [(f.code, f.key) for f in findings]


def test_no_environment_variable_lowers_the_cost(real_kdf, tmp_path):
    root = runbook(tmp_path / "rb")
    env = {"RELEVE_USER": "ana", "RELEVE_NEW_PASSPHRASE": PASS}
    for name in ("RELEVE_KDF_ITERATIONS", "RELEVE_ITERATIONS", "RELEVE_WEAK_FOR_TESTS"):
        env[name] = "1000"
    enrolled = releve("vault", "enroll", "--root", str(root), env=env)
    assert enrolled.returncode == 0, enrolled.stderr
    assert iterations(root) == 600_000


def test_the_tests_cheap_count_reaches_the_processes_they_start(tmp_path):
    """Without it every `releve vault` a test runs pays 600,000 iterations: not a failure,
    only slow, so it is checked here."""
    assert crypto.MIN_ITERATIONS == fast_kdf.ITERATIONS < 600_000
    assert ops.enroll(store.Vault(), PEOPLE, "ana", PASS).vault.people["ana"].iterations == (
        fast_kdf.ITERATIONS
    )
    root = runbook(tmp_path / "rb")
    enrolled = releve("vault", "enroll", "--root", str(root),
                      env={"RELEVE_USER": "ana", "RELEVE_NEW_PASSPHRASE": PASS})  # fmt: skip
    assert enrolled.returncode == 0, enrolled.stderr
    assert iterations(root) == fast_kdf.ITERATIONS
    assert releve("vault", "check", "--root", str(root)).returncode == 0  # not reported as weak
