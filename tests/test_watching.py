"""`releve serve` watches with the system's file events, and only for changes.

The engine's development server (its `LiveReloadServer`, built here as `serve` builds
it, never bound to a port) polls by default; `watch_natively` swaps its observer for
the platform's native one when `releve serve` asks for it, with the same paths, each
as many times as it was watched. Native observers also report files opened and read,
which the build itself does to every source: those must never ask for a build. The
end-to-end check (a real `releve serve` that says it watches natively, and does not
rebuild by itself) is in test_incremental_serve.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from watchdog.observers.polling import PollingObserver

from releve.mkdocs.watching import (
    NATIVE,
    POLLING,
    WATCHER_ENV,
    native_available,
    watch_natively,
)

pytestmark = pytest.mark.skipif(not native_available(), reason="no native file events here")

DEADLINE = 10  # seconds for a write to be reported (a few milliseconds on Linux)


@pytest.fixture
def server(tmp_path):
    """The engine's development server as `serve` makes it (polling), not started."""
    from mkdocs.livereload import LiveReloadServer

    made = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    yield made
    if made.observer.is_alive():
        made.observer.stop()
        made.observer.join(timeout=5)
    made.server_close()


@pytest.fixture
def sources(tmp_path) -> Path:
    folder = tmp_path / "procedures"
    (folder / "ops").mkdir(parents=True)
    (folder / "ops" / "triage.md").write_text("---\ntitle: Triage\n---\nStep one.\n", "utf-8")
    (tmp_path / "team.yml").write_text("people: {}\n", "utf-8")
    return tmp_path


def candidates(sources: Path) -> list[str]:
    """What the plugin hands over: every path the server may watch (some it does not)."""
    return [str(sources / "docs"), str(sources / "mkdocs.yml"), str(sources / "procedures"),
            str(sources / "team.yml")]  # fmt: skip


def test_without_releve_serve_the_engine_keeps_polling(server, sources, monkeypatch):
    monkeypatch.delenv(WATCHER_ENV, raising=False)
    server.watch(str(sources / "procedures"))
    before = server.observer
    assert watch_natively(server, candidates(sources), lambda *_: None) == POLLING
    assert server.observer is before and isinstance(before, PollingObserver)


def test_poll_keeps_polling(server, sources, monkeypatch):
    monkeypatch.setenv(WATCHER_ENV, POLLING)
    server.watch(str(sources / "procedures"))
    assert watch_natively(server, candidates(sources), lambda *_: None) == POLLING
    assert isinstance(server.observer, PollingObserver)


def test_native_events_watch_the_same_paths_as_often(server, sources, monkeypatch):
    monkeypatch.setenv(WATCHER_ENV, NATIVE)
    folder, team = str(sources / "procedures"), str(sources / "team.yml")
    server.watch(folder)
    server.watch(folder)  # the engine and the plugin both watch it: counted, not doubled
    server.watch(team)
    assert watch_natively(server, candidates(sources), lambda *_: None) == NATIVE
    assert not isinstance(server.observer, PollingObserver)
    assert len(server.observer.emitters) == 2
    server.unwatch(folder)
    assert len(server.observer.emitters) == 2  # still watched once more
    server.unwatch(folder)
    server.unwatch(team)
    assert not server.observer.emitters
    with pytest.raises(KeyError):
        server.unwatch(folder)


def wants_build(server) -> bool:
    """Whether the engine's own callback asked for a build (what its build loop waits on)."""
    with server._rebuild_cond:
        return server._want_rebuild


def test_reading_sources_asks_for_no_build_and_writing_one_does(server, sources, monkeypatch):
    monkeypatch.setenv(WATCHER_ENV, NATIVE)
    server.watch(str(sources / "procedures"))
    server.watch(str(sources / "team.yml"))
    assert watch_natively(server, candidates(sources), lambda *_: None) == NATIVE
    server.observer.start()
    page = sources / "procedures" / "ops" / "triage.md"
    for _ in range(3):  # what every build does to every source
        page.read_text(encoding="utf-8")
        (sources / "team.yml").read_bytes()
    time.sleep(1)  # native events arrive within milliseconds; give them ample time
    assert not wants_build(server)

    page.write_text("---\ntitle: Triage the inbox\n---\nStep one.\n", encoding="utf-8")
    started = time.monotonic()
    while not wants_build(server) and time.monotonic() - started < DEADLINE:
        time.sleep(0.05)
    assert wants_build(server)


def test_a_new_file_in_a_new_folder_asks_for_a_build(server, sources, monkeypatch):
    monkeypatch.setenv(WATCHER_ENV, NATIVE)
    server.watch(str(sources / "procedures"))
    watch_natively(server, candidates(sources), lambda *_: None)
    server.observer.start()
    (sources / "procedures" / "finance").mkdir()
    (sources / "procedures" / "finance" / "rent.md").write_text("---\ntitle: Rent\n---\n")
    started = time.monotonic()
    while not wants_build(server) and time.monotonic() - started < DEADLINE:
        time.sleep(0.05)
    assert wants_build(server)


def test_where_native_events_cannot_watch_it_polls_and_says_why(server, sources, monkeypatch):
    monkeypatch.setenv(WATCHER_ENV, NATIVE)
    gone = sources / "procedures"
    server.watch(str(gone))
    server.watch(str(sources / "team.yml"))
    for page in gone.rglob("*.md"):
        page.unlink()
    (gone / "ops").rmdir()
    gone.rmdir()  # watched, then removed: a native watch of it cannot be set up
    said: list[tuple[str, str]] = []

    def say(key: str, reason: str) -> None:
        said.append((key, reason))

    assert watch_natively(server, candidates(sources), say) == POLLING
    assert isinstance(server.observer, PollingObserver)
    assert len(server.observer.emitters) == 2  # both watched again, by polling
    assert [key for key, _reason in said] == ["serve.watch_polling"]
    assert said[0][1]  # the system's reason, in words
