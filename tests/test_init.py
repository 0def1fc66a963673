"""`releve init DIR`: the new repository builds with --strict as it is."""

from __future__ import annotations

import pytest

from conftest import mkdocs_build, releve


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_init_builds_strict(tmp_path, lang):
    target = tmp_path / "runbook"
    result = releve("init", str(target), "--language", lang)
    assert result.returncode == 0, result.stderr
    for rel in ("mkdocs.yml", "team.yml", "vault.yml", ".pre-commit-config.yaml",
                ".github/workflows/releve.yml", ".releve/procedure.md", "overrides"):  # fmt: skip
        assert (target / rel).exists(), rel
    assert (target / "procedures").is_dir() and (target / "clients").is_dir()
    built = mkdocs_build(target, "--strict")
    assert built.returncode == 0, built.stderr
    home = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert ("Tableau de bord" if lang == "fr" else "Dashboard") in home


def test_init_refuses_existing_runbook(tmp_path):
    target = tmp_path / "runbook"
    assert releve("init", str(target)).returncode == 0
    again = releve("init", str(target))
    assert again.returncode == 2
    assert "already holds a runbook" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
