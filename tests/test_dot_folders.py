"""Nothing of `.git`, nor of any dot-folder, is ever published, whatever the link.

`docs/meta -> ../.git` stays inside the runbook, so the outside-link check let it
through, and the site published the repository's history, secrets removed from the
files included. A link into a dot-folder is refused in one line; a dot-folder under
docs/ is left out of the site even when `exclude_docs` would publish it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import GOOD, mkdocs_build
from releve.model.sources import hidden_part, unsafe_links

CANARY = "CANARYdotgit7Qx2"


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook()
    rb.procedure("a.md", GOOD)
    rb.write("docs/notes.md", "# Notes\n\nNothing secret.\n")
    subprocess.run(["git", "init", "-q"], cwd=rb.root, check=True)
    (rb.root / ".git" / "description").write_text(f"{CANARY}\n", encoding="utf-8")
    (rb.root / ".env").write_text(f"TOKEN={CANARY}\n", encoding="utf-8")
    return rb


def published(site: Path) -> bool:
    return site.exists() and any(
        CANARY.encode() in p.read_bytes() for p in site.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("docs/meta", "../.git"),
        ("docs/env.md", "../.env"),
        ("docs/git-description", "../.git/description"),
    ],
)
def test_a_link_into_a_dot_folder_is_refused(rb, link, target):
    (rb.root / link).symlink_to(target)
    assert unsafe_links(rb.root, [rb.root / "docs"]) == [link]
    done = mkdocs_build(rb.root)
    assert done.returncode == 1, done.stderr
    lines = [x for x in done.stderr.splitlines() if link in x]
    assert len(lines) == 1 and "hidden folders" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not published(rb.root / "site")


def test_a_dot_folder_in_docs_is_never_published(rb):
    """Even with `exclude_docs` emptied, which MkDocs reads as "publish dot-files too"."""
    rb.write("docs/.private/notes.md", f"# {CANARY}\n")
    rb.write("docs/.well-hidden.txt", f"{CANARY}\n")
    config = rb.root / "mkdocs.yml"
    config.write_text(config.read_text() + "exclude_docs: ''\n", encoding="utf-8")
    done = mkdocs_build(rb.root)
    assert done.returncode == 0, done.stderr
    assert (rb.root / "site" / "notes" / "index.html").exists()
    assert not published(rb.root / "site")


def test_the_runbook_own_dot_files_are_not_links(rb):
    """`.github/CODEOWNERS` is a real file in a dot-folder: nothing to refuse."""
    rb.write(".github/CODEOWNERS", "* @someone\n")
    assert unsafe_links(rb.root, [rb.root / ".github" / "CODEOWNERS", rb.root / "docs"]) == []


def test_hidden_part():
    assert hidden_part(".git/config") and hidden_part("docs/.env") and hidden_part(".env")
    assert not hidden_part("docs/notes.md") and not hidden_part("../docs/x")


def test_the_pages_listed_are_what_rglob_finds(tmp_path):
    """The loader lists pages from each folder's listing, without looking files up one by
    one: the same pages as `rglob("*.md")` (files and links; hidden folders, folders named
    like pages, folder links, broken links and a FIFO included in the tree)."""
    import os

    from releve.model.loader import _pages_under

    (tmp_path / "a" / "b").mkdir(parents=True)
    for folder in ("a-b", ".hidden", "folder.md"):
        (tmp_path / folder).mkdir()
    for name in ("x.md", "a/y.md", "a/b/z.md", "a-b/w.md", ".hidden/h.md", ".md", "a/n.txt",
                 "a/UP.MD"):  # fmt: skip
        (tmp_path / name).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "into-a")
    os.symlink(tmp_path / "a", tmp_path / "into-a.md")
    os.symlink(tmp_path / "nowhere", tmp_path / "broken.md")
    os.symlink(tmp_path / "x.md", tmp_path / "same.md")
    os.mkfifo(tmp_path / "pipe.md")
    expected = sorted(p for p in tmp_path.rglob("*.md") if p.is_file() or p.is_symlink())
    assert sorted(_pages_under(tmp_path)) == expected
    assert len(expected) == 9
