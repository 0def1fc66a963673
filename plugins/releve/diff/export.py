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

import contextlib
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from ..core.files import CONFIG, RunbookFiles
from ..core.findings import printable
from ..core.settings import load_settings
from ..model.sources import MAX_BYTES

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


# What one revision may ask of the machine that exports it: a pull request is untrusted
# input, and `mkdocs.yml -> /dev/zero` or a 300 MB blob must cost a line, not the memory.
MAX_CONFIG = 1024 * 1024  # mkdocs.yml, read whole to know which files make the runbook
MAX_BLOB = MAX_BYTES  # the model's own limit: a larger file is reported, never read
MAX_TOTAL = 512 * 1024 * 1024  # bytes written for one revision
MAX_LINK = 4096  # a link's target (PATH_MAX)
OPEN_FOLDERS = 256  # folder descriptors kept open while writing


def _tree(repo: Repo, sha: str) -> list[Entry]:
    """Files of the runbook folder at a commit (paths relative to the runbook root).

    A tree that names the same path twice, or a file (or link) and a folder by the same
    name (`procedures/x.md` and `procedures/x.md/`), cannot come from a checkout: git
    would refuse it, and writing both would write the folder's files through the link.
    Such a revision is refused whole (GitError `diff.hostile_tree`).
    """
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
    _refuse_duplicates(entries)
    return entries


def _refuse_duplicates(entries: list[Entry]) -> None:
    seen: set[PurePosixPath] = set()
    folders: set[PurePosixPath] = set()
    for entry in entries:
        if entry.path in seen or entry.path in folders:
            raise GitError("diff.hostile_tree", path=printable(entry.path.as_posix()))
        seen.add(entry.path)
        folders.update(entry.path.parents)
    clash = seen & folders
    if clash:
        raise GitError("diff.hostile_tree", path=printable(min(clash).as_posix()))


def _sizes(repo: Repo, shas: list[str]) -> dict[str, int]:
    """The size of each blob, asked before any is read (`git cat-file --batch-check`)."""
    if not shas:
        return {}
    out = repo.git("cat-file", "--batch-check", input="".join(f"{s}\n" for s in shas).encode())
    sizes: dict[str, int] = {}
    for line in out.decode("ascii", "replace").splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit():
            sizes[parts[0]] = int(parts[2])
    return sizes


def _stream(repo: Repo, shas: list[str], limit: int) -> Iterator[tuple[str, bytes]]:
    """The content of blobs, one at a time from one `git cat-file --batch`: never more than
    one blob (at most `limit` bytes, checked again in git's own header) in memory."""
    if not shas:
        return
    try:
        proc = subprocess.Popen(
            ["git", "-C", str(repo.top), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except OSError:
        raise GitError("diff.no_git") from None
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout

    def feed() -> None:  # a thread, so a full pipe on either side never blocks the other
        with contextlib.suppress(OSError):
            stdin.write("".join(f"{s}\n" for s in shas).encode())
        with contextlib.suppress(OSError):
            stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for _ in shas:
            header = stdout.readline(200).decode("ascii", "replace").split()
            if len(header) != 3 or header[1] != "blob" or not header[2].isdigit():
                raise GitError("diff.git_failed", command="cat-file --batch")
            size = int(header[2])
            if size > limit:  # asked for by size (`_sizes`): git answered otherwise
                raise GitError("diff.git_failed", command="cat-file --batch")
            data = stdout.read(size)
            stdout.read(1)  # content is followed by a newline
            if len(data) != size:
                raise GitError("diff.git_failed", command="cat-file --batch")
            yield header[0], data
    finally:
        proc.kill()
        stdout.close()
        proc.wait()
        writer.join()


def _safe(path: PurePosixPath) -> bool:
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)


class _Folder:
    """Writes files under a fresh folder, never through a link: every folder is opened
    relative to its parent's descriptor with O_NOFOLLOW | O_DIRECTORY, every file created
    with O_CREAT | O_EXCL | O_NOFOLLOW, every link made with symlinkat. A link already
    written can never be followed by a later write, whatever the tree holds."""

    FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)

    def __init__(self, dest: Path) -> None:
        self.root = os.open(dest, self.FLAGS)
        self.open: dict[tuple[str, ...], int] = {}

    def close(self) -> None:
        for fd in self.open.values():
            os.close(fd)
        self.open.clear()
        os.close(self.root)

    def folder(self, parts: tuple[str, ...]) -> int:
        if not parts:
            return self.root
        fd = self.open.get(parts)
        if fd is not None:
            return fd
        parent = self.folder(parts[:-1])
        with contextlib.suppress(FileExistsError):
            os.mkdir(parts[-1], 0o700, dir_fd=parent)
        fd = os.open(parts[-1], self.FLAGS, dir_fd=parent)  # ELOOP, ENOTDIR: not a folder
        if len(self.open) >= OPEN_FOLDERS:
            for old in self.open.values():
                os.close(old)
            self.open.clear()
        self.open[parts] = fd
        return fd

    def write(self, entry: Entry, data: bytes | None, size: int) -> None:
        """Write `data`, or (None) a sparse file of `size` bytes the model reports as too big."""
        parts = entry.path.parts
        try:
            parent = self.folder(parts[:-1])
            if entry.mode == MODE_LINK:
                if data is None or b"\0" in data:
                    raise OSError("bad link")
                # Kept as a link: the model refuses one that leads outside the root.
                os.symlink(data.decode("utf-8", "surrogateescape"), parts[-1], dir_fd=parent)
                return
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            perms = 0o700 if entry.mode == MODE_EXEC else 0o600
            fd = os.open(parts[-1], flags | getattr(os, "O_CLOEXEC", 0), perms, dir_fd=parent)
            with os.fdopen(fd, "wb") as handle:
                if data is None:
                    handle.truncate(size)
                else:
                    handle.write(data)
        except (OSError, ValueError):
            raise GitError("diff.hostile_tree", path=printable(entry.path.as_posix())) from None


def _fill(repo: Repo, folder: _Folder, entries: list[Entry], limit: int) -> None:
    """Write `entries`: blobs over `limit` bytes as sparse placeholders, never read."""
    sizes = _sizes(repo, list(dict.fromkeys(e.sha for e in entries)))
    for entry in entries:
        if entry.sha not in sizes:
            raise GitError("diff.git_failed", command="cat-file --batch-check")
        if entry.mode == MODE_LINK and sizes[entry.sha] > MAX_LINK:
            raise GitError("diff.hostile_tree", path=printable(entry.path.as_posix()))
    total = sum(sizes[e.sha] for e in entries if sizes[e.sha] <= limit)
    if total > MAX_TOTAL:
        raise GitError("diff.revision_too_big", limit=MAX_TOTAL // (1024 * 1024))
    by_sha: dict[str, list[Entry]] = {}
    for entry in entries:
        if sizes[entry.sha] > limit:
            folder.write(entry, None, sizes[entry.sha])
        else:
            by_sha.setdefault(entry.sha, []).append(entry)
    for sha, data in _stream(repo, list(by_sha), limit):
        for entry in by_sha.pop(sha, []):
            folder.write(entry, data, len(data))
    if by_sha:
        raise GitError("diff.git_failed", command="cat-file --batch")


def export(repo: Repo, sha: str, dest: Path) -> None:
    """Write into `dest` (a fresh, empty folder) the files of the runbook at commit `sha`
    (`core/files.py`), without ever following a link (`_Folder`)."""
    entries = [
        e for e in _tree(repo, sha) if e.mode in (MODE_FILE, MODE_EXEC, MODE_LINK) and _safe(e.path)
    ]
    config = [e for e in entries if e.path.as_posix() == CONFIG]
    folder = _Folder(dest)
    try:
        if config and config[0].mode == MODE_LINK:
            raise GitError("diff.config_link", path=CONFIG)
        if config and _sizes(repo, [config[0].sha]).get(config[0].sha, 0) > MAX_CONFIG:
            raise GitError("diff.too_big", path=CONFIG, limit=MAX_CONFIG // (1024 * 1024))
        _fill(repo, folder, config, MAX_CONFIG)
        # The runbook's files as this revision's mkdocs.yml names them: the same list the
        # lint scans (docs/ included), so a finding of the lint is a finding of the diff.
        # A name in it that leads outside the runbook (`/home/x`, `../x`) matches nothing.
        listed = RunbookFiles.of(dest, load_settings(dest))
        chosen = [e for e in entries if listed.holds(e.path) and e not in config]
        _fill(repo, folder, chosen, MAX_BLOB)
    finally:
        folder.close()


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
