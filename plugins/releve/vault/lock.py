"""One writer at a time: an advisory lock around every read-modify-write of vault.yml.

Two `releve vault add` run together would each read the file, add their entry
and write it back: the second rename would silently drop the first entry. A
writer therefore takes an exclusive `flock` on the folder holding the vault
(not on the file, which each write replaces by a rename), reads the file again
under the lock, applies its change and writes. A second writer waits (a few
seconds by default, `RELEVE_LOCK_WAIT` to change it) and then fails with a clear
message; nothing is ever lost. The kernel releases the lock when the process
ends, even on `kill -9`, so a crash never leaves the vault locked. Readers
need no lock: a rename replaces the file at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory lock, one writer at a time
    fcntl = None  # type: ignore[assignment]

DEFAULT_WAIT = 10.0  # seconds: several commands queued behind one another still pass
POLL = 0.05


class Busy(Exception):
    """Another command held the lock for longer than we were willing to wait."""


def wait_seconds() -> float:
    try:
        value = float(os.environ.get("RELEVE_LOCK_WAIT", DEFAULT_WAIT))
    except ValueError:
        return DEFAULT_WAIT
    return value if value >= 0 else DEFAULT_WAIT


@contextmanager
def locked(vault_path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the writers' lock of the folder of `vault_path` for the duration of the block."""
    if fcntl is None:
        yield
        return
    wait = wait_seconds() if wait is None else wait
    fd = os.open(vault_path.parent, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(vault_path.name) from None
                time.sleep(POLL)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
