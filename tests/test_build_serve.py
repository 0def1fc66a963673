"""`releve build` and `releve serve`: the site engine in process, with only `releve` on PATH.

Marked `build`: they run the engine named by RELEVE_ENGINE (`--engine`), so
`.ci/run` runs them under MkDocs and again under ProperDocs.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ENGINE, GOOD, TODAY, VENV_BIN, mkdocs_build
from releve.cli import build_cmd
from releve.cli.main import main

pytestmark = pytest.mark.build


def only_releve(tmp_path: Path) -> dict:
    """An environment whose PATH holds the venv's `releve` and nothing else: no mkdocs,
    no properdocs, no git (as after `pipx install releve`)."""
    bin_dir = tmp_path / "only-releve"
    bin_dir.mkdir(exist_ok=True)
    link = bin_dir / "releve"
    if not link.exists():
        link.symlink_to(VENV_BIN / "releve")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env.update(PATH=str(bin_dir), RELEVE_TODAY=TODAY)
    return env


def run(args: list[str], cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["releve", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook()
    rb.procedure("ops/triage.md", GOOD.replace("backup: [ben]\n", "backup: [ben, chloe]\n"))
    return rb


def site_files(site: Path) -> set[str]:
    """The site's files; Pagefind's content-hashed names with their hash left out."""
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    return {re.sub(r"_[0-9a-f]{7,}\.", "_#.", n) for n in names}


def test_build_with_only_releve_on_path_makes_the_engines_site(rb, tmp_path):
    env = only_releve(tmp_path)
    with pytest.raises(FileNotFoundError):  # really nothing else on this PATH
        subprocess.run([ENGINE, "--version"], env=env, capture_output=True)
    done = run(["build", "--strict", "--engine", ENGINE], rb.root, env)
    assert done.returncode == 0, done.stderr
    ours = rb.root / "site"
    page = (ours / "procedures/ops/triage/index.html").read_text(encoding="utf-8")
    assert "Ana Lima" in page and "Ben Okafor" in page  # the plugin ran: its header card
    assert "Documentation built" in done.stderr
    ours.rename(rb.root / "site-releve")
    theirs = mkdocs_build(rb.root, "--strict")  # the engine's own command, same mkdocs.yml
    assert theirs.returncode == 0, theirs.stderr
    assert site_files(rb.root / "site-releve") == site_files(rb.root / "site")
    same = "procedures/ops/triage/index.html"
    assert (rb.root / "site-releve" / same).read_text("utf-8") == (
        rb.root / "site" / same
    ).read_text("utf-8")


def test_strict_build_fails_on_lint_errors_printed_as_path_line_code(rb, tmp_path):
    env = only_releve(tmp_path)
    rb.procedure("ops/lonely.md", GOOD.replace("backup: [ben]\n", ""))
    plain = run(["build", "--engine", ENGINE], rb.root, env)
    assert plain.returncode == 0, plain.stderr
    assert "procedures/ops/lonely.md:4: RB001" in plain.stderr
    strict = run(["build", "--strict", "--engine", ENGINE], rb.root, env)
    assert strict.returncode == 1
    assert "procedures/ops/lonely.md:4: RB001" in strict.stderr
    assert "Traceback" not in strict.stderr


def test_site_dir_is_relative_to_where_the_command_runs(rb, tmp_path):
    env = only_releve(tmp_path)
    done = run(["build", "-d", "out", "--root", "rb", "--engine", ENGINE], rb.root.parent, env)
    assert done.returncode == 0, done.stderr
    assert (rb.root.parent / "out" / "index.html").is_file()
    assert not (rb.root / "site").exists()


def test_build_outside_a_runbook_is_one_line(tmp_path):
    done = run(["build", "--engine", ENGINE], tmp_path, only_releve(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "holds neither mkdocs.yml nor team.yml" in done.stderr


@pytest.mark.parametrize(
    ("requested", "installed", "message"),
    [
        ("properdocs", {"mkdocs": "1.6.1"}, "pipx inject releve properdocs"),
        ("mkdocs", {}, "MkDocs is not installed"),
        ("mkdocs", {"mkdocs": "2.0.0"}, "MkDocs 2.0.0 is installed"),
        ("auto", {"mkdocs": "2.0.1"}, "--engine properdocs"),
        ("properdocs", {"properdocs": "2.1"}, "ProperDocs 2.1 is installed"),
    ],
)
def test_a_missing_or_unsupported_engine_is_one_clear_line(
    make_runbook, monkeypatch, capsys, requested, installed, message
):
    rb = make_runbook()
    monkeypatch.setattr(build_cmd, "installed", installed.get)
    monkeypatch.setattr(build_cmd, "run_engine", lambda *a: pytest.fail("the engine ran"))
    code = main(["build", "--engine", requested, "--root", str(rb.root)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1 and err.startswith("releve: ")


def test_auto_prefers_properdocs_when_installed(monkeypatch):
    monkeypatch.setattr(build_cmd, "installed", {"mkdocs": "1.6.1", "properdocs": "1.6.7"}.get)
    assert build_cmd.choose("auto", "en") == "properdocs"
    monkeypatch.setattr(build_cmd, "installed", {"mkdocs": "1.6.1"}.get)
    assert build_cmd.choose("auto", "en") == "mkdocs"


# --- serve ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, predicate, seconds: float, proc: subprocess.Popen) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve stopped: {proc.stderr.read() if proc.stderr else ''}")
        page = fetch(url)
        if page is not None and predicate(page):
            return page
        time.sleep(0.5)
    pytest.fail(f"{url}: not as expected after {seconds} s")


@pytest.fixture
def serving(tmp_path):
    """Start `releve serve` (PATH: only releve) in a folder; stop it (by its own pid)."""
    started: list[subprocess.Popen] = []

    def start(cwd: Path, *args: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        log = open(tmp_path / f"serve-{port}.log", "w+", encoding="utf-8")  # noqa: SIM115
        proc = subprocess.Popen(
            ["releve", "serve", "-a", f"127.0.0.1:{port}", "--engine", ENGINE, *args],
            cwd=cwd, env=only_releve(tmp_path), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        started.append(proc)
        return proc, f"http://127.0.0.1:{port}/"

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_serve_with_only_releve_on_path_reloads_on_runbook_changes(rb, serving):
    proc, url = serving(rb.root)
    page = url + "procedures/ops/triage/"
    wait_for(page, lambda text: "Triage the inbox" in text, 180, proc)
    source = rb.root / "procedures/ops/triage.md"
    source.write_text(source.read_text("utf-8").replace("Triage the inbox", "Sort the mail"))
    wait_for(page, lambda text: "Sort the mail" in text, 120, proc)
    team = rb.root / "team.yml"  # outside docs_dir: watched through the plugin
    team.write_text(team.read_text("utf-8").replace("Ben Okafor", "Benjamin Okafor"))
    wait_for(page, lambda text: "Benjamin Okafor" in text, 120, proc)


def test_init_next_steps_work_as_printed(tmp_path, serving):
    """`releve init` prints `cd DIR` and `releve serve`: run them as printed (only releve)."""
    env = only_releve(tmp_path)
    done = run(["init", "my runbook"], tmp_path, env)
    assert done.returncode == 0, done.stderr
    steps = [line.split("#")[0].strip() for line in done.stdout.splitlines()
             if line.startswith("  ")]  # fmt: skip
    assert steps == ["cd 'my runbook'", "releve serve"]
    folder = tmp_path / "my runbook"
    assert re.search(r"^git: not found on PATH", done.stdout, re.M)  # no git on this PATH
    proc, url = serving(folder)
    home = wait_for(url, lambda text: "Dashboard" in text, 180, proc)
    assert "Alex Martin" in home or "alex" in home
