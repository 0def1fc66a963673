"""The file watcher of `releve serve`: the system's file events rather than polling.

The engine's development server (MkDocs, ProperDocs) polls what it watches every
half second, listing and stat-ing every file each time: at 2,000 procedures an edit
waits a quarter of a second on average before its build even starts, and each look
costs CPU. `releve serve` asks for the platform's native events instead (inotify on
Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows, through watchdog, the
library the engine already uses): an edit starts a build within milliseconds.

The swap happens in the plugin's `on_serve`, before the server starts its observer,
with the server's own `watch`/`unwatch` (the same paths, the same rebuild callback).
It is asked for through the environment (`WATCHER_ENV`), which `releve serve` sets, so a
plain `mkdocs serve` keeps the engine's polling. Two things it takes care of:

- only changes count: the build itself opens and reads every source, and native
  observers report opening and closing too (each would start another build);
- native events do not cross every mount (network shares, some container
  bind-mounts): `releve serve --poll` keeps polling, and so does a system where
  native events cannot be set up (out of inotify watches, say), with a log line.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from functools import cache

WATCHER_ENV = "RELEVE_WATCHER"  # "native" (what `releve serve` sets) or "polling"
NATIVE, POLLING = "native", "polling"


@cache
def changes_only() -> type:
    """The platform's native observer class, reporting only changes: a file written,
    created, removed or moved (a folder too), never one opened or closed after reading.
    Imported here, not with the module: `releve serve` reads the constants above before
    it checks that the engine (and watchdog with it) is installed."""
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )
    from watchdog.observers import Observer

    changes = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent,
               FileClosedEvent, DirCreatedEvent, DirDeletedEvent, DirMovedEvent]  # fmt: skip

    class ChangesOnly(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, event_handler, path, *, recursive=False, follow_symlink=False,
                     event_filter=None):  # fmt: skip
            return super().schedule(
                event_handler, path, recursive=recursive, follow_symlink=follow_symlink,
                event_filter=event_filter or changes,
            )  # fmt: skip

    return ChangesOnly


def native_available() -> bool:
    """Whether this platform has native file events (watchdog falls back to polling)."""
    from watchdog.observers.polling import PollingObserver

    return not issubclass(changes_only(), PollingObserver)


def watch_natively(server, candidates: list[str], say: Callable[[str, str], None]) -> str:
    """Swap the server's polling observer for `changes_only()` when `releve serve` asked for
    it; NATIVE or POLLING, what watches now. `candidates`: every path the server may
    watch so far (the engine's docs_dir, config file and theme folders, the plugin's
    own); each is taken off the polling observer as many times as it was watched and
    put on the native one as many times. Should the polling observer still watch
    something else, nothing changes. `say(key, reason)` logs a fallback."""
    if os.environ.get(WATCHER_ENV) != NATIVE:
        return POLLING
    from watchdog.observers.polling import PollingObserver

    old = getattr(server, "observer", None)
    if not isinstance(old, PollingObserver) or old.is_alive() or not native_available():
        return POLLING
    counts: dict[str, int] = {}
    for path in dict.fromkeys(os.path.abspath(c) for c in candidates):
        with contextlib.suppress(KeyError):  # `unwatch` counts down, then refuses
            while True:
                server.unwatch(path)
                counts[path] = counts.get(path, 0) + 1
    others = bool(old.emitters)  # a path not among the candidates: left as the engine made it
    problem = None if others else _cannot_watch(list(counts))
    if not others and not problem:
        server.observer = changes_only()()
    for path, count in counts.items():  # on the native observer, or back on the polling one
        for _ in range(count):
            server.watch(path)
    if problem:
        say("serve.watch_polling", problem)
    return POLLING if server.observer is old else NATIVE


def _cannot_watch(paths: list[str]) -> str | None:
    """Why native events cannot watch `paths` here (None: they can). Tried on a throwaway
    observer: the server's own starts later, where a failure could not fall back."""
    from watchdog.events import FileSystemEventHandler

    trial = changes_only()()
    try:
        for path in paths:
            trial.schedule(FileSystemEventHandler(), path, recursive=True)
        trial.start()
    except OSError as err:
        return err.strerror or str(err)
    finally:
        with contextlib.suppress(Exception):
            trial.stop()
            trial.join(timeout=5)
    return None
