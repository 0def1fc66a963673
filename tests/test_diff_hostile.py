"""`releve diff` on hostile revisions: trees no checkout makes, built with `git mktree`.

A pull request is untrusted input that `releve diff` exports into a temporary folder.
Nothing it holds may write outside that folder (a canary `.bashrc` in a temporary
HOME stays as it was), follow a link while writing, or make the export read a huge
file whole.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from diff_fixture import GitRunbook, git

from conftest import releve
from releve.diff.export import GitError, Repo, export

NO_CI = {"GITHUB_BASE_REF": ""}
CANARY = "# CANARY bashrc: must never change\n"


def blob(top: Path, data: bytes) -> str:
    done = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=top, input=data,
                          capture_output=True, check=True)  # fmt: skip
    return done.stdout.decode().strip()


def mktree(top: Path, entries: list[tuple[str, str, str, str]]) -> str:
    """A tree from (mode, kind, sha, name) rows, as given: duplicates and all."""
    text = "".join(f"{mode} {kind} {sha}\t{name}\n" for mode, kind, sha, name in entries)
    done = subprocess.run(["git", "mktree"], cwd=top, input=text.encode(), capture_output=True,
                          check=True)  # fmt: skip
    return done.stdout.decode().strip()


def commit(top: Path, tree: str, parent: str) -> str:
    return git(top, "commit-tree", tree, "-p", parent, "-m", "hostile").strip()


def base_tree(top: Path) -> dict[str, tuple[str, str, str]]:
    """The root tree of HEAD as name -> (mode, kind, sha)."""
    out = git(top, "ls-tree", "HEAD")
    rows = {}
    for line in out.splitlines():
        meta, name = line.split("\t")
        mode, kind, sha = meta.split()
        rows[name] = (mode, kind, sha)
    return rows


def with_root(top: Path, extra: dict[str, tuple[str, str, str]], rows=None) -> str:
    rows = dict(rows or base_tree(top))
    rows.update(extra)
    return mktree(top, [(m, k, s, n) for n, (m, k, s) in sorted(rows.items())])


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text(CANARY, encoding="utf-8")
    return home


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"")
        for p in sorted(folder.rglob("*"))
    }


def run_diff(rb: GitRunbook, home: Path, *revs: str) -> subprocess.CompletedProcess:
    return releve("diff", *revs, "--format", "text", cwd=rb.root,
                  env={**NO_CI, "HOME": str(home)})  # fmt: skip


@pytest.fixture
def rb(tmp_path) -> GitRunbook:
    return GitRunbook(tmp_path / "repo")


def test_link_and_folder_of_the_same_name_write_nothing_outside(rb, home, tmp_path):
    """The attack of issue 21: `procedures/x.md -> HOME` and `procedures/x.md/.bashrc`,
    named by the revision's mkdocs.yml as its team file."""
    top = rb.top
    before = snapshot(home)
    link = blob(top, str(home).encode())
    evil = blob(top, b"echo pwned\n")
    inner = mktree(top, [("100644", "blob", evil, ".bashrc")])
    procs = base_tree(top)["procedures"][2]
    proc_rows = [(*line.split("\t")[0].split(), line.split("\t")[1])
                 for line in git(top, "ls-tree", procs).splitlines()]  # fmt: skip
    procedures = mktree(top, [*proc_rows, ("120000", "blob", link, "x.md"),
                              ("040000", "tree", inner, "x.md")])  # fmt: skip
    config = rb.read("mkdocs.yml").replace(
        "  - releve:\n", "  - releve:\n      team_file: procedures/x.md/.bashrc\n"
    )
    tree = with_root(
        top,
        {
            "procedures": ("040000", "tree", procedures),
            "mkdocs.yml": ("100644", "blob", blob(top, config.encode())),
        },
    )
    sha = commit(top, tree, git(top, "rev-parse", "HEAD").strip())
    done = run_diff(rb, home, "HEAD", sha)
    assert snapshot(home) == before
    assert done.returncode == 2, done.stdout + done.stderr
    assert "procedures/x.md" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    # As BASE too (read in the forked child).
    done = run_diff(rb, home, sha, "HEAD")
    assert done.returncode == 2 and snapshot(home) == before


def test_the_same_path_twice_is_refused(rb, home):
    top = rb.top
    one, two = blob(top, b"one\n"), blob(top, b"two\n")
    docs = mktree(top, [("100644", "blob", one, "a.md"), ("100644", "blob", two, "a.md")])
    sha = commit(top, with_root(top, {"docs": ("040000", "tree", docs)}),
                 git(top, "rev-parse", "HEAD").strip())  # fmt: skip
    done = run_diff(rb, home, "HEAD", sha)
    assert done.returncode == 2 and "docs/a.md" in done.stderr


def test_a_folder_link_and_files_under_it(rb, home):
    """`procedures/ops -> HOME` beside `procedures/ops/pwn.md`: refused, HOME untouched."""
    top = rb.top
    before = snapshot(home)
    link = blob(top, str(home).encode())
    inner = mktree(top, [("100644", "blob", blob(top, b"pwn\n"), "pwn.md")])
    procedures = mktree(top, [("120000", "blob", link, "ops"), ("040000", "tree", inner, "ops")])
    sha = commit(top, with_root(top, {"procedures": ("040000", "tree", procedures)}),
                 git(top, "rev-parse", "HEAD").strip())  # fmt: skip
    done = run_diff(rb, home, "HEAD", sha)
    assert done.returncode == 2 and snapshot(home) == before
    assert not (home / "pwn.md").exists()


def test_a_linked_mkdocs_yml_is_never_read(rb, home):
    top = rb.top
    link = blob(top, b"/dev/zero")
    sha = commit(top, with_root(top, {"mkdocs.yml": ("120000", "blob", link)}),
                 git(top, "rev-parse", "HEAD").strip())  # fmt: skip
    done = run_diff(rb, home, "HEAD", sha)
    assert done.returncode == 2
    assert "mkdocs.yml" in done.stderr and "link" in done.stderr


def test_a_huge_mkdocs_yml_is_not_read(rb, home):
    top = rb.top
    big = blob(top, b"site_name: x\n" + b"#" * (2 * 1024 * 1024) + b"\n")
    sha = commit(top, with_root(top, {"mkdocs.yml": ("100644", "blob", big)}),
                 git(top, "rev-parse", "HEAD").strip())  # fmt: skip
    done = run_diff(rb, home, "HEAD", sha)
    assert done.returncode == 2 and "mkdocs.yml" in done.stderr and "1 MB" in done.stderr


def test_a_linked_mkdocs_yml_in_the_working_tree_to_dev_zero(rb, home):
    """The working tree's own mkdocs.yml -> /dev/zero: settings fall back to defaults."""
    (rb.root / "mkdocs.yml").unlink()
    os.symlink("/dev/zero", rb.root / "mkdocs.yml")
    done = releve("lint", "--format", "json", cwd=rb.root)
    assert done.returncode in (0, 1), done.stderr


def test_files_named_outside_the_runbook_are_neither_written_nor_read(rb, home, tmp_path):
    """team_file and vault_file pointing outside the export (absolute, `..`) match nothing."""
    outside = tmp_path / "outside-team.yml"
    outside.write_text("people:\n  - {id: zed, name: CANARYoutside, roles: [x]}\n")
    config = rb.read("mkdocs.yml").replace(
        "  - releve:\n",
        f"  - releve:\n      team_file: {outside}\n      vault_file: ../../../vault.yml\n",
    )
    rb.write("mkdocs.yml", config)
    rb.commit("outside")
    done = run_diff(rb, home, "HEAD~1", "HEAD")
    assert "CANARYoutside" not in done.stdout + done.stderr
    assert outside.read_text().startswith("people:")
    assert snapshot(home) == {".bashrc": CANARY.encode()}


def test_a_blob_over_the_limit_is_never_read(rb, tmp_path, monkeypatch):
    """A 21 MB file in docs/: written as a sparse placeholder of its size (the model then
    reports it as too big, as it would in a checkout), its bytes never read."""
    from releve.diff import export as module

    top = rb.top
    huge = blob(top, b"a" * (module.MAX_BLOB + 1))
    docs = mktree(top, [("100644", "blob", huge, "big.txt")])
    sha = commit(top, with_root(top, {"docs": ("040000", "tree", docs)}),
                 git(top, "rev-parse", "HEAD").strip())  # fmt: skip
    asked: list[list[str]] = []
    real = module._stream

    def spy(repo, shas, limit):
        asked.append(list(shas))
        return real(repo, shas, limit)

    monkeypatch.setattr(module, "_stream", spy)
    dest = tmp_path / "export"
    dest.mkdir()
    export(Repo(top, ""), sha, dest)
    placeholder = dest / "docs" / "big.txt"
    assert placeholder.stat().st_size == module.MAX_BLOB + 1
    assert placeholder.stat().st_blocks == 0  # sparse: nothing was copied
    assert all(huge not in shas for shas in asked)


def test_the_total_written_is_bounded(rb, tmp_path, monkeypatch):
    from releve.diff import export as module

    monkeypatch.setattr(module, "MAX_TOTAL", 1000)
    top = rb.top
    docs = mktree(top, [("100644", "blob", blob(top, b"x" * 600), f"{n}.txt") for n in "ab"])
    sha = commit(top, with_root(top, {"docs": ("040000", "tree", docs)}),
                 git(top, "rev-parse", "HEAD").strip())  # fmt: skip
    dest = tmp_path / "export"
    dest.mkdir()
    with pytest.raises(GitError) as err:
        export(Repo(top, ""), sha, dest)
    assert err.value.key == "diff.revision_too_big"


def test_an_ordinary_revision_still_exports(rb, tmp_path):
    rb.write("docs/index.md", "# Home\n")
    os.symlink("index.md", rb.root / "docs" / "home.md")
    sha = rb.commit("docs")
    dest = tmp_path / "export"
    dest.mkdir()
    export(Repo(rb.top, ""), sha, dest)
    assert (dest / "docs" / "index.md").read_text() == "# Home\n"
    assert os.readlink(dest / "docs" / "home.md") == "index.md"
    assert (dest / "procedures" / "ops" / "triage.md").is_file()
