"""The one way Relève writes a file: whole, or not at all.

A crash, a full disk or a ^C in the middle of a write must leave either the
old file or the new one, never half of one: a truncated vault.yml loses every
sealed credential, a truncated binder is the page someone prints during an
outage. So every file Relève writes (the vault, CODEOWNERS, a new procedure,
`releve init`'s scaffold, binders) goes through `write_atomic`: the data goes
to a temporary file in the same folder (same file system, so the rename is
atomic), is flushed to disk (fsync), renamed over the target, and the folder
is flushed so the rename itself survives a power cut. On any failure the
temporary file is removed and the target is untouched.

A failure is one `WriteError` (an `OSError`) naming the target, not the
temporary file: callers print it as one line, `path: No space left on device`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

DEFAULT_MODE = 0o666  # less the umask, as `open()` would create it


class WriteError(OSError):
    """Writing `filename` failed; the file is as it was before (or still absent)."""

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race with threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable; some file systems cannot, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes | str, *, exclusive: bool = False) -> Path:
    """Write `data` (text is UTF-8, line endings as given) to `path`, atomically.

    The folder is created if needed. An existing file keeps its permissions; a new one
    gets the usual `0o666 & ~umask`. A symbolic link at `path` is replaced, never
    written through. With `exclusive`, an existing file is never replaced (like
    `open(path, "x")`): `FileExistsError`, even when another process wins a race.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = None if exclusive else _mode_of(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:64]}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, DEFAULT_MODE & ~_umask() if mode is None else mode)
        if exclusive:
            _link_new(tmp, path)
        else:
            os.replace(tmp, path)
    except FileExistsError:  # the name is taken (exclusive), or a folder is a file
        cls = FileExistsError if exclusive else WriteError
        raise cls(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
    except OSError as err:
        code = err.errno or errno.EIO
        raise WriteError(code, err.strerror or os.strerror(code), str(path)) from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _sync_folder(path.parent)
    return path


def _mode_of(path: Path) -> int | None:
    """Permissions of the file being replaced, kept by the new one; None when it is new."""
    try:
        return path.stat().st_mode & 0o7777
    except (FileNotFoundError, NotADirectoryError):
        return None


# File systems without hard links (some network and FUSE mounts) answer link() so.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV}


def _link_new(tmp: str, path: Path) -> None:
    """Give the written file its name only if that name is free: a hard link fails on an
    existing name, atomically. Without hard links, an exclusive create and a copy (still
    never replacing anything; a crash may then leave a partial new file)."""
    try:
        os.link(tmp, path)
        return
    except OSError as err:
        if err.errno not in _NO_LINKS:
            raise
    with open(tmp, "rb") as source, open(path, "xb") as target:
        target.write(source.read())
        target.flush()
        os.fsync(target.fileno())
