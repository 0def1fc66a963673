"""One build of the French sample per test session, shared by the modules that read it.

A copy of the repository's sample runbook, built once with `mkdocs build` as a
user would (`binder: false` keeps it fast; the binder tests build PDFs themselves).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, mkdocs_build

_BUILT: dict[str, Path] = {}


def copy_sample(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "team.yml", "vault.yml"):
        shutil.copy(REPO / name, dest / name)
    for name in ("procedures", "clients", "docs", "overrides"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    return dest


def sample_site(tmp_path_factory) -> Path:
    """The built site folder of the sample (French, Letter, today = conftest.TODAY)."""
    if "site" not in _BUILT:
        root = copy_sample(tmp_path_factory.mktemp("sample") / "rb")
        config = (root / "mkdocs.yml").read_text(encoding="utf-8")
        (root / "mkdocs.yml").write_text(
            config.replace("  - releve:\n", "  - releve:\n      binder: false\n"), encoding="utf-8"
        )
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stderr
        _BUILT["site"] = root / "site"
    return _BUILT["site"]
