"""Symbolic links must stay inside the runbook, or the build refuses in one line.

A link under docs/ to /proc/self/environ would publish the build machine's
environment in the site and its search index; a link under procedures/ or to
team.yml could do the same. Links that stay inside the runbook keep working, and
a loop is one clear line, never a traceback or a hang.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import GOOD, mkdocs_build, releve

CANARY = "RELEVE_ENV_CANARY_71d3"


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook()
    rb.procedure("a.md", GOOD)
    rb.write("docs/index-notes.md", "# Notes\n\nNothing secret.\n")
    return rb


def assert_refused(done, name: str, site: Path) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = [x for x in done.stderr.splitlines() if name in x]
    assert len(lines) == 1, done.stderr
    assert not (site / "search" / "search_index.json").exists()


def build(root: Path, *args: str):
    env_before = os.environ.get(CANARY)
    os.environ[CANARY] = "leaked-if-published"
    try:
        return mkdocs_build(root, *args)
    finally:
        if env_before is None:
            del os.environ[CANARY]


def test_link_to_proc_environ_is_refused(rb):
    (rb.root / "docs" / "env.txt").symlink_to("/proc/self/environ")
    (rb.root / "docs" / "env.md").symlink_to("/proc/self/environ")
    done = build(rb.root)
    assert_refused(done, "docs/env", rb.root / "site")
    assert CANARY not in done.stderr
    site = rb.root / "site"
    if site.exists():
        for path in site.rglob("*"):
            if path.is_file():
                assert CANARY.encode() not in path.read_bytes(), path


def test_folder_link_outside_is_refused(rb, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(f"# {CANARY}\n", encoding="utf-8")
    (rb.root / "docs" / "shared").symlink_to(outside)
    assert_refused(build(rb.root, "--strict"), "docs/shared", rb.root / "site")


def test_link_through_an_inside_folder_is_followed_and_checked(rb, tmp_path):
    other = rb.root / "other"
    other.mkdir()
    (other / "fine.md").write_text("# Fine\n", encoding="utf-8")
    (other / "hostname.txt").symlink_to("/etc/hostname")
    (rb.root / "docs" / "other").symlink_to(other)
    assert_refused(build(rb.root), "docs/other/hostname.txt", rb.root / "site")


def test_procedure_and_team_links_outside_are_refused(rb, tmp_path):
    outside = tmp_path / "team.yml"
    outside.write_text((rb.root / "team.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (rb.root / "team.yml").unlink()
    (rb.root / "team.yml").symlink_to(outside)
    assert_refused(build(rb.root), "team.yml", rb.root / "site")


def test_loops_are_one_line(rb):
    (rb.root / "docs" / "loop.md").symlink_to("loop.md")
    assert_refused(build(rb.root), "docs/loop.md", rb.root / "site")


def test_procedure_loops_are_one_line_in_lint_and_build(rb):
    (rb.root / "procedures" / "self.md").symlink_to("self.md")
    (rb.root / "procedures" / "up").symlink_to("..")
    lint = releve("lint", "--root", str(rb.root))
    assert "Traceback" not in lint.stderr
    assert [x for x in lint.stdout.splitlines() if "procedures/self.md" in x]
    assert_refused(build(rb.root), "procedures/self.md", rb.root / "site")


def test_link_to_a_folder_holding_docs_is_a_loop(rb):
    # MkDocs follows folder links: docs/up/docs/up/... would publish vault.yml and mkdocs.yml.
    (rb.root / "docs" / "up").symlink_to("..", target_is_directory=True)
    assert_refused(build(rb.root), "docs/up", rb.root / "site")


def test_links_inside_the_runbook_keep_working(rb):
    more = rb.root / "more"
    more.mkdir()
    (more / "guide.md").write_text("# Guide\n\nShared guide.\n", encoding="utf-8")
    (rb.root / "docs" / "procedure-a.md").symlink_to(rb.root / "procedures" / "a.md")
    (rb.root / "docs" / "more").symlink_to("../more", target_is_directory=True)
    done = build(rb.root)
    assert done.returncode == 0, done.stderr
    assert (rb.root / "site" / "procedure-a" / "index.html").exists()
    assert (rb.root / "site" / "more" / "guide" / "index.html").exists()
