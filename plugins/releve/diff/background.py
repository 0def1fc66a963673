"""Run one job in a forked child while the parent does another: the two sides of a diff.

Loading and linting a 2,000-procedure runbook costs about a second of CPU;
`releve diff` does it twice, for two revisions that do not depend on each
other. On Linux the base revision is read in a forked child (it inherits the
imported modules, so it starts at once) and sent back pickled through a
pipe, while the parent reads the head: on two cores the diff takes the time
of one side. Elsewhere, or when fork fails, the job simply runs in process.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def start(job: Callable[[], T]) -> Callable[[], T]:
    """Start `job` now; the returned function waits for its result (or raises its error)."""
    if sys.platform != "linux" or os.environ.get("RELEVE_NO_FORK"):
        return _now(job)
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError:
        return _now(job)
    if pid == 0:  # the child: do the job, send the outcome, leave without cleanup handlers
        os.close(read)
        code = 0
        try:
            payload = pickle.dumps(("ok", job()), pickle.HIGHEST_PROTOCOL)
        except BaseException as err:  # sent to the parent, which raises it
            code = 1
            try:
                payload = pickle.dumps(("error", err), pickle.HIGHEST_PROTOCOL)
            except Exception:
                payload = pickle.dumps(("error", RuntimeError(type(err).__name__)))
        try:
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(write)

    def wait() -> T:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        if not data:
            raise RuntimeError("the background job ended without an answer")
        kind, value = pickle.loads(data)
        if kind == "error":
            raise value
        return value

    return wait


def _now(job: Callable[[], T]) -> Callable[[], T]:
    result = job()
    return lambda: result
