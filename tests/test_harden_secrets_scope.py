"""RB009 scans everything the site publishes, and can never be silenced.

team.yml (absence notes, names, roles, every field), free pages and files under
docs/, vault labels and URLs: each canary below must become an RB009 finding at
its file and line, and the build must refuse to publish it, strict or not, even
with `releve_ignore: {RB009: ...}` or `severity: {RB009: off}`.
"""

from __future__ import annotations

from datetime import date

import pytest
from binder_fixture import FAST, PASS, PEOPLE, TEAM

from conftest import GOOD, mkdocs_build
from releve.core.settings import load_settings
from releve.lint import lint_runbook
from releve.model import load_runbook
from releve.vault import ops, store

TODAY = date(2026, 11, 23)
NOTE = "Soleil2024!"


def rb009(root) -> list[tuple[str, int]]:
    settings = load_settings(root)
    found = lint_runbook(load_runbook(root, settings), TODAY, settings)
    return sorted((f.path, f.line) for f in found if f.code == "RB009" and f.severity == "error")


def test_team_fields_are_scanned(make_runbook):
    team = TEAM.replace(
        "note: holidays}", 'note: "vacances ; mot de passe du portail : Soleil2024!"}'
    ).replace("roles: [finance]}", "roles: [finance, ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5]}")
    rb = make_runbook(team=team)
    rb.procedure("a.md", GOOD)
    assert rb009(rb.root) == [("team.yml", 4), ("team.yml", 6)]
    done = mkdocs_build(rb.root)
    assert done.returncode == 1 and "team.yml" in done.stderr, done.stderr
    assert NOTE not in done.stderr and not (rb.root / "site" / "people").exists()


def test_free_pages_and_files_under_docs_are_scanned(make_runbook):
    rb = make_runbook()
    rb.procedure("a.md", GOOD)
    rb.write("docs/notes.md", "# Notes\n\nWi-Fi du bureau\u00a0: mot de passe Erable2026\n")
    rb.write("docs/guides/config.json", '{\n  "user": "ops",\n  "password": "Soleil2024!"\n}\n')
    rb.write("docs/ok.md", "# Rien à signaler\n\nMot de passe : voir [[cred:wifi]].\n")
    assert rb009(rb.root) == [("docs/guides/config.json", 3), ("docs/notes.md", 3)]
    done = mkdocs_build(rb.root)
    assert done.returncode == 1 and "docs/notes.md" in done.stderr, done.stderr
    assert not (rb.root / "site" / "notes").exists()


def test_vault_labels_and_urls_are_scanned(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.procedure("a.md", GOOD)
    v = ops.enroll(store.Vault(), PEOPLE, "ana", PASS["ana"], **FAST).vault
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "sealed-value",
                today=TODAY, label="Banque (mdp : Chat#Noir88)", **FAST)  # fmt: skip
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "ftp", "ops", "sealed-value", today=TODAY,
                label="FTP", url="https://ops:S3cr3tPass@ftp.example.com/", **FAST)  # fmt: skip
    store.write_atomic(rb.root / "vault.yml", store.dump(v))
    found = rb009(rb.root)
    assert [path for path, _ in found] == ["vault.yml", "vault.yml"], found
    done = mkdocs_build(rb.root)
    assert done.returncode == 1 and "vault.yml" in done.stderr, done.stderr
    assert "S3cr3tPass" not in done.stderr and "Chat#Noir88" not in done.stderr


@pytest.mark.parametrize("strict", [False, True])
def test_rb009_cannot_be_ignored(make_runbook, strict):
    rb = make_runbook()
    rb.procedure(
        "a.md",
        GOOD + 'releve_ignore:\n  RB009: "the team agreed"\n',
        "Mot de passe : Soleil2024!\n",
    )
    settings = load_settings(rb.root)
    found = lint_runbook(load_runbook(rb.root, settings), TODAY, settings)
    assert any(f.code == "RB009" and f.severity == "error" for f in found)
    assert any(f.code == "RB016" for f in found)
    done = mkdocs_build(rb.root, *(["--strict"] if strict else []))
    assert done.returncode == 1, done.stderr
    assert not (rb.root / "site" / "procedures").exists()


@pytest.mark.parametrize("level", ["off", "warning"])
def test_rb009_severity_cannot_be_lowered(make_runbook, level):
    rb = make_runbook()
    mkdocs = (rb.root / "mkdocs.yml").read_text(encoding="utf-8")
    (rb.root / "mkdocs.yml").write_text(
        mkdocs + f"      severity:\n        RB009: {level}\n", encoding="utf-8"
    )
    rb.procedure("a.md", GOOD, "Mot de passe : Soleil2024!\n")
    assert rb009(rb.root) == [("procedures/a.md", 10)]
    done = mkdocs_build(rb.root)
    assert done.returncode == 1, done.stderr
