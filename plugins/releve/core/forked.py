"""Work done on the other core while the build goes on: a forked child process.

MkDocs renders pages one after the other on one core. What Relève derives from
the model (generated pages, the calendar feed, the Today data) does not depend
on those renders, so a build forks a child that computes it while the parent
renders the runbook's own pages; the parent takes the result when MkDocs first
reads one of those files. On a machine with two cores or more that takes the
derived content off the build's critical path.

The child is a fork: it shares the parent's memory as it is (nothing is pickled
on the way in) and hands back its result as one pickle in a private temporary
folder (a file rather than a pipe, so that the child never waits for the parent
to read). Forking is only for a process with a single thread (`mkdocs build`,
`releve build`): a fork of a threaded process (`mkdocs serve`, with its web
server) may inherit a lock held by another thread. Whatever goes wrong in the
child (an exception, a kill, no fork on this system, one core), the parent
computes the same thing itself: the result is the same, only later.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from .atomic import write_atomic

T = TypeVar("T")
RESULT = "result.pickle"


def can_fork() -> bool:
    """Fork only where it helps and is safe: POSIX, two cores or more, one thread."""
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and sys.platform != "darwin"  # macOS: fork without exec is unsafe for system libraries
    )


class Forked(Generic[T]):
    """`compute()` in a child process, started now; `result()` waits for it, or computes
    it here when there is no child or the child failed."""

    def __init__(self, compute: Callable[[], T], fork: bool = True) -> None:
        self._compute = compute
        self._pid: int | None = None
        self._folder: str | None = None
        self._done = False
        self._value: T | None = None
        if fork and can_fork():
            self._start()

    def _start(self) -> None:
        try:
            self._folder = tempfile.mkdtemp(prefix="releve-")
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
        except OSError:
            self._cleanup()
            return
        if pid == 0:  # the child: compute, hand back, leave without running the parent's exit code
            status = 1
            try:
                data = pickle.dumps(self._compute(), protocol=pickle.HIGHEST_PROTOCOL)
                write_atomic(Path(self._folder) / RESULT, data)
                status = 0
            except BaseException:  # the parent computes it again and reports what goes wrong
                pass
            finally:
                os._exit(status)
        self._pid = pid

    def result(self) -> T:
        """The computed value (once; later calls return the same object)."""
        if not self._done:
            self._value = self._collect()
            self._done = True
            self._compute = None  # type: ignore[assignment]  # free what it held
        return self._value  # type: ignore[return-value]

    def _collect(self) -> T:
        if self._pid is not None:
            try:
                _, status = os.waitpid(self._pid, 0)
                if os.waitstatus_to_exitcode(status) == 0 and self._folder:
                    data = (Path(self._folder) / RESULT).read_bytes()
                    return pickle.loads(data)  # written by our own child, never by anyone else
            except (OSError, pickle.UnpicklingError, EOFError, ValueError):
                pass
            finally:
                self._pid = None
                self._cleanup()
        return self._compute()

    def _cleanup(self) -> None:
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __del__(self) -> None:  # a build that failed before reading the result
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.waitpid(self._pid, 0)
        self._cleanup()
