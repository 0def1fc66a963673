"""Writers take turns: parallel `releve vault add` never lose a credential; a writer that
waits too long fails with one clear line; a killed writer never leaves the vault locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from vault_helpers import DAY, enrolled

from conftest import MINIMAL_MKDOCS, TODAY, VENV_BIN, RunbookFactory, releve
from releve.vault import load, ops, store
from releve.vault.lock import locked

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
"""
PEOPLE = {"ana": {"ops"}}
PASS = {"ana": "ana-lock-maple-river-lantern"}
ENV = {"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS["ana"], "RELEVE_TODAY": TODAY}


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "rb"
    root.mkdir()
    (root / "docs").mkdir()
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", TEAM)
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "first", "ops", "v0", today=DAY)
    store.write_atomic(root / "vault.yml", store.dump(v))
    return root


def start_add(root, cred_id: str, value: str, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "releve"), "vault", "add", cred_id, "--audience", "ops", "--root",
         str(root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **ENV, **env},
    )  # fmt: skip


def test_six_parallel_adds_keep_every_credential(root):
    procs = [start_add(root, f"cred-{i}", f"value-{i}") for i in range(6)]
    for i, proc in enumerate(procs):  # all six are started before any gets its value
        proc.stdin.write(f"value-{i}\n")
        proc.stdin.close()
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    v = load(root / "vault.yml")
    assert v.problems == []
    assert sorted(v.credentials) == ["cred-0", "cred-1", "cred-2", "cred-3", "cred-4",
                                     "cred-5", "first"]  # fmt: skip
    for i in range(6):
        assert ops.reveal(v, "ana", PASS["ana"], f"cred-{i}") == {"password": f"value-{i}"}
    assert [p.name for p in root.iterdir() if p.name.startswith(".vault")] == []  # no temp file


def test_a_writer_that_waits_too_long_fails_clearly_and_writes_nothing(root):
    before = (root / "vault.yml").read_bytes()
    with locked(root / "vault.yml"):
        started = time.monotonic()
        r = releve("vault", "add", "late", "--audience", "ops", "--root", str(root),
                   env={**ENV, "RELEVE_LOCK_WAIT": "0.5"}, stdin="late-value\n")  # fmt: skip
        waited = time.monotonic() - started
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "releve: vault.yml is being changed by another `releve vault` command; nothing was "
        "changed: try again in a moment"
    ]
    assert waited >= 0.5
    assert (root / "vault.yml").read_bytes() == before
    r = releve("vault", "add", "late", "--audience", "ops", "--root", str(root), env=ENV,
               stdin="late-value\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "late" in load(root / "vault.yml").credentials


def test_a_writer_waits_for_the_lock_then_goes_on(root):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from releve.vault.lock import locked\n"
         "with locked(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(1.5)",
         str(root / "vault.yml")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    r = releve("vault", "add", "after", "--audience", "ops", "--root", str(root), env=ENV,
               stdin="after-value\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    holder.wait(timeout=30)
    assert "after" in load(root / "vault.yml").credentials


def test_a_killed_writer_never_leaves_the_vault_locked(root):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from releve.vault.lock import locked\n"
         "with locked(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(600)",
         str(root / "vault.yml")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    r = releve("vault", "add", "after-kill", "--audience", "ops", "--root", str(root),
               env={**ENV, "RELEVE_LOCK_WAIT": "2"}, stdin="v\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
