"""Key generations: a git merge of `revoke` with a parallel `add` (or `grant`) is caught
without a passphrase, by `releve vault check` and the lint, with a way to recover."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from vault_helpers import DAY, FAST, enrolled

from conftest import MINIMAL_MKDOCS, RunbookFactory, releve
from releve.core.settings import load_settings
from releve.model import load_runbook
from releve.vault import check_vault, crypto, load, ops, store

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: cleo, name: Cléo Roy, roles: [ops]}
"""
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}, "cleo": {"ops"}}
PASS = {
    "ana": "ana-merge-maple-river-lantern",
    "ben": "ben-merge-cedar-compass-kettle",
    "cleo": "cleo-merge-heron-pebble-tuque",
}
CANARY = "CANARY-merge-81Zq"
GIT = [
    "git",
    "-c",
    "user.name=T",
    "-c",
    "user.email=t@example.invalid",
    "-c",
    "commit.gpgsign=false",
]


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, env=env)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A runbook in git: Ana, Ben and Cléo hold `ops`; one credential, `bank`."""
    root = tmp_path / "rb"
    root.mkdir()
    (root / "docs").mkdir()
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", TEAM)
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY, today=DAY, label="Bank")
    for to in ("ben", "cleo"):
        v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", to)
    store.write_atomic(root / "vault.yml", store.dump(v))
    assert git(root, "init", "-q", "-b", "main").returncode == 0
    git(root, "add", "-A")
    assert git(root, "commit", "-qm", "base").returncode == 0
    return root


def change(root: Path, func) -> None:
    v = load(root / "vault.yml")
    assert v.problems == []
    store.write_atomic(root / "vault.yml", store.dump(func(v)))


def merge_revoke_with(root: Path, parallel) -> subprocess.CompletedProcess:
    """Branch `revoke`: Ana revokes Ben. Branch `parallel`: `parallel(vault)`. Merge both."""
    git(root, "checkout", "-q", "-b", "parallel")
    change(root, parallel)
    git(root, "commit", "-qam", "parallel change")
    git(root, "checkout", "-q", "main")
    change(root, lambda v: ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "ben").vault)
    git(root, "commit", "-qam", "revoke ben")
    return git(root, "merge", "-q", "--no-edit", "parallel")


def add_agenda(v: store.Vault) -> store.Vault:
    # "agenda" sorts before "bank": the new block does not touch the lines revoke changed
    return ops.add(v, PEOPLE, "cleo", PASS["cleo"], "agenda", "ops", "agenda-" + CANARY,
                   today=DAY, label="Agenda")  # fmt: skip


def test_a_clean_merge_of_revoke_with_add_is_caught_without_a_passphrase(repo):
    merged = merge_revoke_with(repo, add_agenda)
    assert merged.returncode == 0, merged.stdout + merged.stderr  # git saw no conflict
    text = (repo / "vault.yml").read_text(encoding="utf-8")
    v = store.parse(text)
    assert v.problems == []  # the file is well formed: only the generations tell
    assert v.audiences["ops"].generation == 2
    assert v.credentials["agenda"].fields["password"].generation == 1

    r = releve("vault", "check", "--root", str(repo))
    assert r.returncode == 1
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "generation: 1, nonce" in ln)
    stale = [ln for ln in r.stderr.splitlines() if "'agenda'" in ln]
    assert len(stale) == 1 and stale[0].startswith(f"vault.yml:{line}: RB008"), r.stderr
    assert "generation 1" in stale[0] and "now 2" in stale[0]
    assert "--replace" in stale[0] and "git worktree add" in stale[0]  # how to recover
    assert CANARY not in r.stdout + r.stderr

    lint = releve("lint", "--format", "json", "--root", str(repo))
    found = [f for f in json.loads(lint.stdout) if f["code"] == "RB008"]
    assert [(f["path"], f["line"]) for f in found] == [("vault.yml", line)]
    assert lint.returncode == 1

    # Recover as the message says: the value from the commit before the merge...
    before = repo.parent / "before"
    assert git(repo, "worktree", "add", "-q", str(before), "parallel").returncode == 0
    env = {"RELEVE_USER": "cleo", "RELEVE_PASSPHRASE": PASS["cleo"]}
    shown = releve("vault", "show", "agenda", "--root", str(before), env=env)
    assert shown.stdout == "agenda-" + CANARY + "\n", shown.stderr
    # ...added again under the current key
    r = releve("vault", "add", "agenda", "--audience", "ops", "--replace", "--root", str(repo),
               env=env, stdin=shown.stdout)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert releve("vault", "check", "--root", str(repo)).returncode == 0
    r = releve("vault", "show", "agenda", "--root", str(repo), env=env)
    assert r.stdout == "agenda-" + CANARY + "\n"
    r = releve("vault", "show", "agenda", "--root", str(repo), env={**env, "RELEVE_USER": "ben",
               "RELEVE_PASSPHRASE": PASS["ben"]})  # fmt: skip
    assert r.returncode == 1  # ben was revoked


def test_showing_a_dead_generation_value_says_why(repo):
    assert merge_revoke_with(repo, add_agenda).returncode == 0
    env = {"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS["ana"]}
    r = releve("vault", "show", "agenda", "--root", str(repo), env=env)
    assert r.returncode == 1 and "no longer exists" in r.stderr
    r = releve("vault", "check", "--root", str(repo), env=env)
    assert r.returncode == 1 and "opened 1 value" in r.stdout
    assert "key generation that no longer exists" in r.stderr


def test_the_model_holders_are_the_current_generation(repo):
    """`Credential.holders` (read by coverage's access rule) after a merge of revoke with a
    parallel grant: the stale wrap does not count, and check names it."""
    people = {**PEOPLE, "dora": {"ops"}}
    team = TEAM + "  - {id: dora, name: Dora Mensah, roles: [ops]}\n"
    (repo / "team.yml").write_text(team, encoding="utf-8")
    change(repo, lambda v: enrolled(people, {"dora": "dora-merge-pebble-words"}, vault=v))
    git(repo, "commit", "-qam", "dora enrols")

    def grant_dora(v):
        return ops.grant(v, people, "cleo", PASS["cleo"], "ops", "dora")

    merged = merge_revoke_with(repo, grant_dora)
    if merged.returncode != 0:  # git may see the audience block as a conflict: take both
        text = (repo / "vault.yml").read_text(encoding="utf-8")
        assert "<<<<<<<" in text
        git(repo, "checkout", "--theirs", "vault.yml")
        ours = store.parse(git(repo, "show", "main:vault.yml").stdout)
        theirs = store.parse((repo / "vault.yml").read_text(encoding="utf-8"))
        ours.audiences["ops"].slots["dora"] = theirs.audiences["ops"].slots["dora"]
        store.write_atomic(repo / "vault.yml", store.dump(ours))
    runbook = load_runbook(repo, load_settings(repo))
    assert runbook.credentials["bank"].holders == ["ana", "cleo"]
    v = load(repo / "vault.yml")
    assert v.audiences["ops"].slots["dora"].generation == 1
    findings = check_vault(v, runbook)
    assert [f.key for f in findings] == ["vault.stale_wrap_found"]
    assert "grant --audience ops --to dora" in findings[0].message("en")
    env = {"RELEVE_USER": "dora", "RELEVE_PASSPHRASE": "dora-merge-pebble-words"}
    r = releve("vault", "show", "bank", "--root", str(repo), env=env)
    assert r.returncode == 1 and "grant --audience ops --to dora" in r.stderr


def test_revoke_leaves_dead_generation_values_as_they_were():
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY, today=DAY)
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo")
    stale = crypto.Sealed(b"n" * 12, b"v" * 20, 1)
    v = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "ben").vault  # generation 2
    v.credentials["bank"].fields["old"] = stale
    done = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo")  # generation 3
    assert done.stale == [("bank", "old")] and done.n == 1
    assert done.vault.credentials["bank"].fields["old"] == stale
    assert ops.reveal(done.vault, "ana", PASS["ana"], "bank", "password") == {"password": CANARY}


def test_an_audience_nobody_can_open_starts_a_new_generation():
    """After the last holder re-enrolled (lost passphrase), the next add starts generation 2
    for her; the old values are then reported as sealed under a dead key."""
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY, today=DAY)
    v = ops.enroll(v, PEOPLE, "ana", "ana-lost-it-brand-new-words", again=True, **FAST).vault
    assert v.holders("ops") == []
    v = ops.add(v, PEOPLE, "ana", "ana-lost-it-brand-new-words", "mail", "ops", "m", today=DAY)
    assert v.audiences["ops"].generation == 2 and v.holders("ops") == ["ana"]
    from releve.vault.check import stale_findings

    assert [f.args["id"] for f in stale_findings(v)] == ["bank"]
