"""Revisions of a runbook, read from git without touching the working tree.

`releve diff` compares two states of the same runbook. A revision is exported
into a temporary folder (the blobs the model reads, through `git ls-tree` and
one `git cat-file --batch`), so the ordinary `load_runbook` parses it: the
diff never parses a source file itself. No checkout, no worktree: the user's
index, branch and uncommitted work are never changed.

Every failure is a `GitError` carrying an i18n key; the CLI prints it as one
line and exits 2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from ..core.files import CONFIG, RunbookFiles
from ..core.settings import load_settings

# Tried in order for the default BASE: the pull request's base branch on a
# GitHub runner, then what `origin/HEAD` points at, then the usual names.
FALLBACK_BRANCHES = ("origin/main", "origin/master", "main", "master")
MODE_FILE, MODE_EXEC, MODE_LINK = "100644", "100755", "120000"


class GitError(Exception):
    """A problem with git or a revision; `key` and `args` name the i18n message."""

    def __init__(self, key: str, **args: str) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args

    def __reduce__(self):  # pickled from the child that reads the base revision
        return (_git_error, (self.key, self.args_))


def _git_error(key: str, args: dict[str, str]) -> GitError:
    return GitError(key, **args)


@dataclass(frozen=True)
class Repo:
    """The git repository holding a runbook, and where the runbook sits inside it."""

    top: Path
    prefix: str  # the runbook root relative to `top`, "" or "sub/dir/"

    def git(self, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
        """Run git in the repository; a failure is a GitError unless `check` is false."""
        try:
            done = subprocess.run(
                ["git", "-C", str(self.top), *args],
                input=input,
                capture_output=True,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
            )
        except OSError:
            raise GitError("diff.no_git") from None
        if check and done.returncode != 0:
            raise GitError("diff.git_failed", command=" ".join(args[:2]))
        return done.stdout if done.returncode == 0 else b""


@dataclass(frozen=True)
class Revision:
    """A commit to compare, or None for the working tree; `label` is what the user typed."""

    label: str
    sha: str | None

    @property
    def short(self) -> str:
        return self.sha[:8] if self.sha else ""


def open_repo(root: Path) -> Repo:
    """The repository holding `root`; GitError when git is missing or `root` is not in one."""
    if shutil.which("git") is None:
        raise GitError("diff.no_git")
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel", "--show-prefix"],
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},
        )
    except OSError:
        raise GitError("diff.no_git") from None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if done.returncode != 0 or not lines:
        raise GitError("diff.not_a_repo", path=str(root))
    prefix = lines[1] if len(lines) > 1 else ""
    return Repo(Path(lines[0]), prefix)


def resolve(repo: Repo, name: str) -> Revision:
    """The commit a revision name (branch, tag, sha, `HEAD~2`...) points at."""
    if not name or name.startswith("-") or "\n" in name:
        raise GitError("diff.bad_revision", rev=name)
    out = repo.git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
    sha = out.decode().strip()
    if not sha:
        if not repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False):
            raise GitError("diff.no_commit")
        raise GitError("diff.bad_revision", rev=name)
    return Revision(name, sha)


def default_branch(repo: Repo) -> str:
    """The branch pull requests go into: the PR's base on GitHub, origin/HEAD, else main/master."""
    candidates = []
    base_ref = os.environ.get("GITHUB_BASE_REF", "").strip()
    if base_ref:
        candidates += [f"origin/{base_ref}", base_ref]
    origin_head = repo.git("symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD", check=False)
    if origin_head.strip():
        candidates.append(origin_head.decode().strip())
    candidates += FALLBACK_BRANCHES
    for name in dict.fromkeys(candidates):
        if repo.git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False):
            return name
    raise GitError("diff.no_default_branch")


def merge_base(repo: Repo, head: Revision | None = None) -> Revision:
    """The default BASE: where the current work left the default branch."""
    head = head or resolve(repo, "HEAD")
    branch = default_branch(repo)
    out = repo.git("merge-base", branch, head.sha or "HEAD", check=False).decode().strip()
    if not out:
        raise GitError("diff.no_merge_base", branch=branch)
    return Revision(branch, out)  # shown as the branch: where the work left it


def holds_runbook(repo: Repo, revision: Revision, root: Path) -> bool:
    """Whether the runbook folder has mkdocs.yml or team.yml at `revision` (None: on disk)."""
    names = ("mkdocs.yml", "team.yml")
    if revision.sha is None:
        return any((root / name).is_file() for name in names)
    paths = [repo.prefix + name for name in names]
    return bool(repo.git("ls-tree", "--name-only", revision.sha, "--", *paths, check=False).strip())


@dataclass(frozen=True)
class Entry:
    mode: str
    sha: str
    path: PurePosixPath  # relative to the runbook root


def _tree(repo: Repo, sha: str) -> list[Entry]:
    """Files of the runbook folder at a commit (paths relative to the runbook root)."""
    args = ["ls-tree", "-r", "-z", "--full-tree", sha]
    if repo.prefix:
        args += ["--", repo.prefix]
    out = repo.git(*args)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, _kind, blob = meta.decode().split(" ")
        path = raw_path.decode("utf-8", "surrogateescape")[len(repo.prefix) :]
        entries.append(Entry(mode, blob, PurePosixPath(path)))
    return entries


def _blobs(repo: Repo, shas: list[str]) -> dict[str, bytes]:
    """The content of blobs, read with one `git cat-file --batch`."""
    if not shas:
        return {}
    out = repo.git("cat-file", "--batch", input="".join(f"{s}\n" for s in shas).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        header_end = out.index(b"\n", pos)
        sha, _kind, size = out[pos:header_end].decode().split(" ")
        start = header_end + 1
        blobs[sha] = out[start : start + int(size)]
        pos = start + int(size) + 1  # content is followed by a newline
    return blobs


def _safe(path: PurePosixPath) -> bool:
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)


def _write(dest: Path, entry: Entry, content: bytes) -> None:
    target = dest / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if entry.mode == MODE_LINK:
        # Kept as a link: the model refuses one that leads outside the root, as in a checkout.
        target.symlink_to(content.decode("utf-8", "surrogateescape"))
    else:
        target.write_bytes(content)


def export(repo: Repo, sha: str, dest: Path) -> None:
    """Write into `dest` the files of the runbook at commit `sha` (`core/files.py`)."""
    entries = [
        e for e in _tree(repo, sha) if e.mode in (MODE_FILE, MODE_EXEC, MODE_LINK) and _safe(e.path)
    ]
    config = [e for e in entries if e.path.as_posix() == CONFIG]
    for entry in config:
        _write(dest, entry, _blobs(repo, [entry.sha])[entry.sha])
    # The runbook's files as this revision's mkdocs.yml names them: the same list the lint
    # scans (docs/ included), so a finding of the lint is a finding of the diff.
    listed = RunbookFiles.of(dest, load_settings(dest))
    chosen = [e for e in entries if listed.holds(e.path) and e not in config]
    blobs = _blobs(repo, list(dict.fromkeys(e.sha for e in chosen)))
    for entry in chosen:
        _write(dest, entry, blobs[entry.sha])


def scratch() -> str | None:
    """Where to export: TMPDIR when the user set one, else a RAM-backed /dev/shm if there is
    one (writing and removing 2,000 small files on disk costs about a second of kernel time),
    else the system default."""
    if os.environ.get("TMPDIR"):
        return None
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


@contextmanager
def exported(repo: Repo, revision: Revision) -> Iterator[Path]:
    """A temporary folder holding the runbook at `revision`, removed afterwards."""
    assert revision.sha is not None
    with TemporaryDirectory(prefix="releve-diff-", dir=scratch()) as tmp:
        root = Path(tmp) / "runbook"
        root.mkdir()
        export(repo, revision.sha, root)
        yield root
