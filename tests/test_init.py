"""`releve init DIR`: the new repository builds with --strict as it is."""

from __future__ import annotations

import pytest
from sample_site import init_build

from conftest import releve


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_init_builds_strict(tmp_path_factory, lang):
    built = init_build(tmp_path_factory, lang)  # `releve init`, then `mkdocs build --strict`
    target = built.root
    for rel in ("mkdocs.yml", "team.yml", "vault.yml", ".pre-commit-config.yaml",
                ".github/workflows/releve.yml", ".releve/procedure.md", "overrides"):  # fmt: skip
        assert (target / rel).exists(), rel
    assert (target / "procedures").is_dir() and (target / "clients").is_dir()
    assert built.result.returncode == 0, built.result.stderr
    home = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert ("Tableau de bord" if lang == "fr" else "Dashboard") in home


def test_init_refuses_existing_runbook(tmp_path):
    target = tmp_path / "runbook"
    assert releve("init", str(target)).returncode == 0
    again = releve("init", str(target))
    assert again.returncode == 2
    assert "already holds a runbook" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("how", ["dir", "root", "both", "cwd"])
def test_init_accepts_root_like_every_other_command(tmp_path, how):
    target = tmp_path / "runbook"
    args = {
        "dir": [str(target)],
        "root": ["--root", str(target)],
        "both": [str(target), "--root", str(target)],
        "cwd": [],
    }[how]
    if how == "cwd":
        target.mkdir()
    result = releve("init", *args, "--language", "fr", cwd=target if how == "cwd" else tmp_path)
    assert result.returncode == 0, result.stderr
    assert (target / "mkdocs.yml").exists() and (target / "procedures").is_dir()
    assert releve("lint", "--root", str(target)).returncode == 0  # the same folder for both


def test_init_refuses_two_different_folders_and_a_file(tmp_path):
    two = releve("init", str(tmp_path / "a"), "--root", str(tmp_path / "b"))
    assert two.returncode == 2
    assert "two different folders" in two.stderr and len(two.stderr.splitlines()) == 1
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    file = releve("init", "--root", str(tmp_path / "file"))
    assert file.returncode == 2
    assert "is a file" in file.stderr and "Traceback" not in file.stderr
    inside = releve("init", str(tmp_path / "file" / "sub"))
    assert inside.returncode == 2
    assert "cannot write the runbook there" in inside.stderr and "Traceback" not in inside.stderr
