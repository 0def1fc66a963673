"""Sites built once per test run, shared by the tests that only read them.

Each is built as a user would: a real `mkdocs build` (or `properdocs`, see conftest) of a
copy in a tmp folder. Tests that change files or need another configuration build their
own. Under pytest-xdist the workers share them too: the first to need a site builds it in
the run's tmp folder while the others wait for it (a file lock), then all read it.

- `sample_build`: the French sample (Letter, today = conftest.TODAY unless asked);
  `binder: false` keeps it fast unless `binders=True` (the sample exactly as it is);
- `init_build`: what `releve init --language LANG` writes, built with --strict.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Callable
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


_BUILT: dict[str, Built] = {}


def _once(
    tmp_path_factory, name: str, build: Callable[[Path], subprocess.CompletedProcess]
) -> Built:
    """`build(root)` once per run: the first worker builds, the others wait and reuse it."""
    if name not in _BUILT:
        run = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            run = run.parent  # popen-gwN/..: the folder of this run, shared by its workers
        shared = run / "shared-sites"
        shared.mkdir(exist_ok=True)
        root, record = shared / name / "rb", shared / f"{name}.json"
        with open(shared / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not record.exists():
                shutil.rmtree(root.parent, ignore_errors=True)  # what a failed attempt left
                done = build(root)
                fields = ("args", "returncode", "stdout", "stderr")
                record.write_text(json.dumps({f: getattr(done, f) for f in fields}), "utf-8")
            result = subprocess.CompletedProcess(**json.loads(record.read_text("utf-8")))
        _BUILT[name] = Built(root, result)
    return _BUILT[name]


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

    def build(root: Path) -> subprocess.CompletedProcess:
        copy_sample(root)
        if not binders:
            config = (root / "mkdocs.yml").read_text(encoding="utf-8")
            assert "  - releve:\n" in config
            (root / "mkdocs.yml").write_text(
                config.replace("  - releve:\n", "  - releve:\n      binder: false\n"),
                encoding="utf-8",
            )
        return mkdocs_build(root, today=today)

    built = _once(tmp_path_factory, f"sample-{today}{'-binders' if binders else ''}", build)
    assert built.result.returncode == 0, built.result.stderr
    return built


def sample_site(tmp_path_factory, today: str = TODAY) -> Path:
    """The built site folder of the sample (French, Letter, no binders)."""
    return sample_build(tmp_path_factory, today=today).site


def init_build(tmp_path_factory, lang: str) -> Built:
    """`releve init DIR --language LANG`, then `mkdocs build --strict` in DIR."""

    def build(root: Path) -> subprocess.CompletedProcess:
        done = releve("init", str(root), "--language", lang)
        assert done.returncode == 0, done.stderr
        return mkdocs_build(root, "--strict")

    return _once(tmp_path_factory, f"init-{lang}", build)


for _builder in (sample_build, sample_site, init_build):
    _builder.builds_site = True  # conftest marks the modules that import one `build`
