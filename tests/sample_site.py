"""Sites built once per test session, shared by the tests that only read them.

Each is built as a user would: a real `mkdocs build` (or `properdocs`, see conftest) of a
copy in a tmp folder. Tests that change files or need another configuration build their
own. With pytest-xdist each worker builds a site the first time one of its tests asks.

- `sample_build`: the French sample (Letter, today = conftest.TODAY unless asked);
  `binder: false` keeps it fast unless `binders=True` (the sample exactly as it is);
- `init_build`: what `releve init --language LANG` writes, built with --strict.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO, TODAY, mkdocs_build, releve


@dataclass(frozen=True)
class Built:
    root: Path
    result: subprocess.CompletedProcess  # the build's, for its exit code and log

    @property
    def site(self) -> Path:
        return self.root / "site"


_BUILT: dict[tuple, Built] = {}


def copy_sample(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "team.yml", "vault.yml"):
        shutil.copy(REPO / name, dest / name)
    for name in ("procedures", "clients", "docs", "overrides"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    return dest


def sample_build(tmp_path_factory, *, today: str = TODAY, binders: bool = False) -> Built:
    """The sample built as of `today`; PDF binders only with `binders` (as it is)."""
    key = ("sample", today, binders)
    if key not in _BUILT:
        root = copy_sample(tmp_path_factory.mktemp("sample") / "rb")
        if not binders:
            config = (root / "mkdocs.yml").read_text(encoding="utf-8")
            assert "  - releve:\n" in config
            (root / "mkdocs.yml").write_text(
                config.replace("  - releve:\n", "  - releve:\n      binder: false\n"),
                encoding="utf-8",
            )
        result = mkdocs_build(root, today=today)
        assert result.returncode == 0, result.stderr
        _BUILT[key] = Built(root, result)
    return _BUILT[key]


def sample_site(tmp_path_factory, today: str = TODAY) -> Path:
    """The built site folder of the sample (French, Letter, no binders)."""
    return sample_build(tmp_path_factory, today=today).site


def init_build(tmp_path_factory, lang: str) -> Built:
    """`releve init DIR --language LANG`, then `mkdocs build --strict` in DIR."""
    key = ("init", lang)
    if key not in _BUILT:
        root = tmp_path_factory.mktemp(f"init-{lang}") / "runbook"
        done = releve("init", str(root), "--language", lang)
        assert done.returncode == 0, done.stderr
        _BUILT[key] = Built(root, mkdocs_build(root, "--strict"))
    return _BUILT[key]


for _builder in (sample_build, sample_site, init_build):
    _builder.builds_site = True  # conftest marks the modules that import one `build`
