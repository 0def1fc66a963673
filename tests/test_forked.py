"""Derived content computed on the other core (core/forked.py, mkdocs/derived.py).

A fork is only taken by a process with one thread; pytest-xdist workers have more, so
these tests run their forks in a fresh Python process, as `mkdocs build` does."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ENGINE, REPO, TODAY, engine_command, mkdocs_build

PLUGINS = str(REPO / "plugins")


def _python(code: str, cwd: Path | None = None, env: dict | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": PLUGINS, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="one core")
def test_the_result_comes_from_a_child_process():
    out = _python("""
        import os
        from releve.core.forked import Forked, can_fork
        assert can_fork()
        job = Forked(lambda: os.getpid())
        print(job.result() != os.getpid(), job.result() == job.result())
    """)
    assert out.split() == ["True", "True"]


def test_a_failing_child_leaves_the_work_to_the_parent():
    out = _python("""
        import os, signal
        from releve.core.forked import Forked
        parent = os.getpid()

        def only_here():
            if os.getpid() != parent:
                raise RuntimeError("in the child")
            return "parent"

        def killed():
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            return "parent"

        print(Forked(only_here).result(), Forked(killed).result())
    """)
    assert out.split() == ["parent", "parent"]


def test_an_error_is_the_parents_own_exception():
    out = _python("""
        from releve.core.forked import Forked
        def broken():
            raise ValueError("bad input")
        try:
            Forked(broken).result()
        except ValueError as error:
            print("ValueError", error)
    """)
    assert out.strip() == "ValueError bad input"


def test_no_fork_with_threads_running():
    out = _python("""
        import os, threading, time
        from releve.core.forked import Forked, can_fork
        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
        print(can_fork(), Forked(lambda: os.getpid()).result() == os.getpid())
        stop.set()
    """)
    assert out.split() == ["False", "True"]


def _same_tree(left: Path, right: Path) -> list[str]:
    """Files that differ or exist on one side only."""
    out = []
    compared = filecmp.dircmp(left, right)
    out += [f"only {left.name}: {n}" for n in compared.left_only]
    out += [f"only {right.name}: {n}" for n in compared.right_only]
    for name in compared.common_files:
        if not filecmp.cmp(left / name, right / name, shallow=False):
            out.append(str((left / name).relative_to(left)))
    for name in compared.common_dirs:
        out += [f"{name}/{d}" for d in _same_tree(left / name, right / name)]
    return out


def test_a_forked_build_writes_the_same_site(sample_copy, tmp_path):
    """The sample built with the derived content from a child, and without any fork: every
    page and data file is the same, byte for byte. (Pagefind's own files are left out: two
    builds of the same pages name their fragments differently.)"""
    forked = mkdocs_build(sample_copy)
    assert forked.returncode == 0, forked.stderr
    (sample_copy / "site").rename(tmp_path / "forked")
    # The same build in one process: `can_fork` says no.
    _python(
        f"""
        import sys
        import releve.core.forked as forked
        forked.can_fork = lambda: False
        sys.argv = [{str(engine_command())!r}, "build", "-q"]
        from {ENGINE}.__main__ import cli
        try:
            cli()
        except SystemExit as done:
            assert not done.code, done.code
        """,
        cwd=sample_copy,
        env={"RELEVE_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert (sample_copy / "site" / "index.html").is_file()
    for site in (tmp_path / "forked", sample_copy / "site"):
        shutil.rmtree(site / "pagefind")
    assert _same_tree(tmp_path / "forked", sample_copy / "site") == []
