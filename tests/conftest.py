"""Shared fixtures: the sample runbook, and small runbooks written in tmp_path."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import fast_kdf
import pytest

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"
VENV_BIN = Path(sys.executable).parent

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _pythonpath() -> str:
    """The Relève these tests import first, then PYTHONPATH with its entries made absolute:
    `PYTHONPATH=plugins` from a worktree would not reach a `releve` or `mkdocs` started in
    a tmp folder, which would then run the venv's installed copy instead."""
    entries = [str(Path(importlib.util.find_spec("releve").origin).resolve().parent.parent)]
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry and str(Path(entry).resolve()) not in entries:
            entries.append(str(Path(entry).resolve()))
    return os.pathsep.join(entries)


os.environ["PYTHONPATH"] = _pythonpath()


# --- PBKDF2 cost ------------------------------------------------------------------
# Tests seal passphrases with fast_kdf.ITERATIONS, not production's 600,000, in this
# process and in the processes they start (tests/fast_kdf.py); `real_kdf` restores
# production's cost for one test. tests/test_vault_kdf.py checks production's own.


@pytest.fixture(scope="session", autouse=True)
def _fast_kdf():
    with pytest.MonkeyPatch.context() as mp:
        fast_kdf.lower(mp, fast_kdf.ITERATIONS)
        mp.setenv("PYTHONPATH", os.pathsep.join([str(fast_kdf.SITE), os.environ["PYTHONPATH"]]))
        yield


@pytest.fixture
def real_kdf(monkeypatch: pytest.MonkeyPatch) -> int:
    """Production's PBKDF2 cost and minimum for this test and the processes it starts."""
    fast_kdf.lower(monkeypatch, fast_kdf.REAL)
    paths = os.environ["PYTHONPATH"].split(os.pathsep)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p != str(fast_kdf.SITE)))
    return fast_kdf.REAL


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of this repository's sample runbook, safe to modify."""
    dest = tmp_path / "sample"
    dest.mkdir()
    for name in ("mkdocs.yml", "team.yml", "vault.yml"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, dest / name)
    for name in ("procedures", "clients", "docs", "overrides"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    return dest


MINIMAL_MKDOCS = """\
site_name: Test runbook
theme:
  name: material
  language: {lang}
  font: false
  features: [content.action.edit]
plugins:
  - search
  - releve:
      binder: false
"""

# A procedure front-matter that passes the lint, for tests to vary one field at a time.
GOOD = """\
title: Triage the inbox
service: ops
owner: ana
backup: [ben]
priority: important
success_criteria: [Inbox is empty at noon]
reviewed: 2026-11-01
"""

MINIMAL_TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-05}
"""


class RunbookFactory:
    """Write a small runbook into a folder, file by file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def procedure(self, rel: str, front: str, body: str = "Steps.\n") -> Path:
        return self.write(f"procedures/{rel}", f"---\n{textwrap.dedent(front)}---\n{body}")


def new_runbook(root: Path, lang: str = "en", team: str = MINIMAL_TEAM) -> RunbookFactory:
    """A minimal runbook in `root` (mkdocs.yml, team.yml, docs/), to add files to."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang=lang))
    f.write("team.yml", team)
    return f


@pytest.fixture
def make_runbook(tmp_path: Path) -> Callable[..., RunbookFactory]:
    def factory(lang: str = "en", team: str = MINIMAL_TEAM) -> RunbookFactory:
        return new_runbook(tmp_path / "rb", lang, team)

    return factory


# --- the site engine ---------------------------------------------------------
# Build tests (every test module that imports `mkdocs_build`, marked `build`) run the
# engine named by RELEVE_ENGINE: `RELEVE_ENGINE=properdocs pytest -m build` runs them
# again under ProperDocs, as .ci/run does.
ENGINES = ("mkdocs", "properdocs")
ENGINE = os.environ.get("RELEVE_ENGINE", "mkdocs").strip().lower() or "mkdocs"


def engine_command() -> Path:
    """The chosen engine's executable in the venv; a clear failure when it is missing."""
    if ENGINE not in ENGINES:
        pytest.fail(f"RELEVE_ENGINE={ENGINE}: use one of {', '.join(ENGINES)}")
    command = VENV_BIN / ENGINE
    if not command.exists():
        pytest.fail(f"RELEVE_ENGINE={ENGINE} but {command} is missing: run `bash scripts/setup.sh`")
    return command


def pytest_report_header(config) -> str:
    return f"site engine for build tests: {ENGINE} (RELEVE_ENGINE)"


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        module = getattr(item, "module", None)
        values = vars(module).values() if module is not None else ()
        if any(getattr(value, "builds_site", False) is True for value in values):
            item.add_marker(pytest.mark.build)


def mkdocs_build(root: Path, *args: str, today: str = TODAY) -> subprocess.CompletedProcess:
    """Run a real `mkdocs build` (or `properdocs build`, see ENGINE) in `root`, as a user would."""
    env = {**os.environ, "RELEVE_TODAY": today, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(engine_command()), "build", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


mkdocs_build.builds_site = True  # a module that has it is marked `build` (so are sample_site's)


def releve(*args: str, cwd: Path | None = None, today: str = TODAY, stdin: str | None = None,
           env: dict | None = None) -> subprocess.CompletedProcess:  # fmt: skip
    """Run the installed `releve` command."""
    full_env = {**os.environ, "RELEVE_TODAY": today, **(env or {})}
    return subprocess.run(
        [str(VENV_BIN / "releve"), *args],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


# --- headless Chromium ------------------------------------------------------

SCREENSHOTS = REPO / ".artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class StaticServer:
    """Serve a built site on 127.0.0.1 in a background thread."""

    def __init__(self, directory: Path) -> None:
        import functools
        import http.server
        import threading

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output readable
                pass

        handler = functools.partial(Quiet, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers: list[StaticServer] = []

    def start(directory: Path) -> str:
        server = StaticServer(directory)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `bash scripts/system-deps.sh` (apt-get chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def git_runbook(tmp_path: Path) -> Callable[..., object]:
    """A small runbook committed in a real git repository (tests/diff_fixture.py)."""
    from diff_fixture import GitRunbook

    def factory(lang: str = "en", subdir: str = "") -> GitRunbook:
        return GitRunbook(tmp_path / "repo", lang, subdir)

    return factory
