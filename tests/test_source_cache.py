"""The source cache (`.releve-cache/`): a warm `releve lint` reads only what changed, and a
cache is never stale: an edit, a file swapped in with the same mtime, a new Relève version,
a corrupt, crafted or unwritable cache all give the findings of a cold run."""

from __future__ import annotations

import os
import pickle
import time
from datetime import date
from pathlib import Path

import pytest

import releve
from conftest import GOOD
from conftest import releve as run_releve
from releve.lint import lint_runbook
from releve.model import load_runbook, source_cache
from releve.model.source_cache import CACHE_DIR, SOURCES, SourceCache

TODAY = date(2026, 11, 23)
SECRET = "Wi-Fi password: Xk8#pq2!Lm9v"
RACY_NS = source_cache.RACY_NS


@pytest.fixture(autouse=True)
def no_racy_window(monkeypatch):
    """Files written by a test are seconds old: keep them (the window is tested below)."""
    monkeypatch.setattr(source_cache, "RACY_NS", 0)


@pytest.fixture
def runbook(make_runbook):
    rb = make_runbook()
    rb.procedure("ops/triage.md", GOOD, "1. Open the inbox.\n2. Sort it.\n")
    rb.procedure("ops/secret.md", GOOD.replace("Triage the inbox", "Router"), SECRET + "\n")
    rb.procedure("ops/glued.md", GOOD.replace("Triage the inbox", "Glued"),
                 "Before you start:\n- open the inbox\n")  # fmt: skip
    rb.write("clients/acme.md", "---\nname: Acme\n---\nA client.\n")
    return rb


def lint(root: Path) -> tuple[list, SourceCache]:
    cache = SourceCache.open(root)
    runbook = load_runbook(root, cache=cache)
    findings = lint_runbook(runbook, TODAY)
    cache.save()
    return findings, cache


def cold(root: Path) -> list:
    return lint_runbook(load_runbook(root), TODAY)


def test_a_warm_run_parses_nothing_and_finds_the_same(runbook):
    first, cache = lint(runbook.root)
    assert cache.misses == 4 and cache.hits == 0
    assert (runbook.root / CACHE_DIR / SOURCES).is_file()
    again, cache = lint(runbook.root)
    assert cache.hits == 4 and cache.misses == 0
    assert again == first == cold(runbook.root)
    codes = {f.code for f in again}
    assert {"RB009", "RB020"} <= codes  # facts remembered with the pages come back too


def test_the_folder_ignores_itself(runbook):
    lint(runbook.root)
    folder = runbook.root / CACHE_DIR
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")


def test_an_edit_is_read_again(runbook):
    lint(runbook.root)
    path = runbook.root / "procedures/ops/secret.md"
    path.write_text(path.read_text().replace(SECRET, "Ask Ana for the Wi-Fi."))
    findings, cache = lint(runbook.root)
    assert cache.misses == 1 and cache.hits == 3
    assert "RB009" not in {f.code for f in findings}
    assert findings == cold(runbook.root)


@pytest.mark.parametrize(
    "title",
    [
        "Triage the big inbox",  # another size
        "Triage the INBOX",
    ],
)  # the same size: ctime, inode tell
def test_a_file_swapped_with_the_same_mtime_is_read_again(runbook, title):
    lint(runbook.root)
    path = runbook.root / "procedures/ops/triage.md"
    before = path.stat()
    swap = path.with_name("swap.tmp")
    swap.write_text(path.read_text().replace("Triage the inbox", title))
    os.utime(swap, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(swap, path)
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert (path.stat().st_size == before.st_size) == (title == "Triage the INBOX")
    cache = SourceCache.open(runbook.root)
    titles = [p.title for p in load_runbook(runbook.root, cache=cache).procedures]
    assert title in titles and "Triage the inbox" not in titles
    assert cache.misses == 1


def test_an_edit_in_place_with_the_mtime_set_back_is_read_again(runbook):
    lint(runbook.root)
    path = runbook.root / "procedures/ops/triage.md"
    before = path.stat()
    path.write_text(path.read_text().replace("Triage the inbox", "Triage the INBOX"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_ino == before.st_ino
    runbook_ = load_runbook(runbook.root, cache=SourceCache.open(runbook.root))
    assert "Triage the INBOX" in [p.title for p in runbook_.procedures]


def test_another_releve_version_empties_the_cache(runbook, monkeypatch):
    lint(runbook.root)
    # Make the stored parse wrong, as another version might have parsed it differently.
    cache = SourceCache.open(runbook.root)
    key = "procedure:procedures/ops/triage.md"
    stamp, blob, facts = cache._entries[key]
    page, found = source_cache._loads(blob)
    page.title = "Parsed by another version"
    cache._entries[key] = (stamp, source_cache._dumps((page, found)), facts)
    data = {"signature": source_cache.signature(runbook.root), "entries": cache._entries}
    (runbook.root / CACHE_DIR / SOURCES).write_bytes(pickle.dumps(data))
    stale = load_runbook(runbook.root, cache=SourceCache.open(runbook.root))
    assert "Parsed by another version" in [p.title for p in stale.procedures]  # the fixture works

    monkeypatch.setattr(releve, "__version__", releve.__version__ + ".post1")
    cache = SourceCache.open(runbook.root)
    fresh = load_runbook(runbook.root, cache=cache)
    assert cache.hits == 0 and cache.misses == 4
    assert "Parsed by another version" not in [p.title for p in fresh.procedures]


def test_a_runbook_moved_elsewhere_does_not_read_its_old_cache(runbook, tmp_path):
    lint(runbook.root)
    moved = tmp_path / "moved"
    runbook.root.rename(moved)
    cache = SourceCache.open(moved)
    runbook_ = load_runbook(moved, cache=cache)
    assert cache.hits == 0
    assert all(p.source.is_relative_to(moved) for p in runbook_.procedures)


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", pickle.dumps({"signature": 1}),
                                     pickle.dumps([1, 2, 3])])  # fmt: skip
def test_a_corrupt_cache_is_ignored(runbook, garbage):
    lint(runbook.root)
    (runbook.root / CACHE_DIR / SOURCES).write_bytes(garbage)
    findings, cache = lint(runbook.root)
    assert cache.hits == 0 and findings == cold(runbook.root)
    _, cache = lint(runbook.root)  # and written again
    assert cache.hits == 4


def test_a_corrupt_entry_is_parsed_again(runbook):
    lint(runbook.root)
    cache = SourceCache.open(runbook.root)
    key = "procedure:procedures/ops/triage.md"
    stamp, _blob, facts = cache._entries[key]
    cache._entries[key] = (stamp, b"\x80\x05garbage", facts)
    data = {"signature": source_cache.signature(runbook.root), "entries": cache._entries}
    (runbook.root / CACHE_DIR / SOURCES).write_bytes(pickle.dumps(data))
    findings, cache = lint(runbook.root)
    assert cache.misses == 1 and findings == cold(runbook.root)


class Boom:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_crafted_cache_cannot_run_code(runbook):
    (runbook.root / CACHE_DIR).mkdir()
    data = {"signature": source_cache.signature(runbook.root), "entries": {"x": Boom()}}
    (runbook.root / CACHE_DIR / SOURCES).write_bytes(pickle.dumps(data))
    findings, cache = lint(runbook.root)
    assert not (runbook.root / "pwned").exists() and not Path("pwned").exists()
    assert cache.hits == 0 and findings == cold(runbook.root)


def test_an_unwritable_cache_is_ignored(runbook, tmp_path):
    (runbook.root / CACHE_DIR).write_text("a file where the folder should be")
    findings, _ = lint(runbook.root)
    assert findings == cold(runbook.root)
    assert (runbook.root / CACHE_DIR).read_text() == "a file where the folder should be"


def test_the_cache_is_never_written_through_a_link(runbook, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (runbook.root / CACHE_DIR).symlink_to(elsewhere)
    findings, _ = lint(runbook.root)
    assert findings == cold(runbook.root)
    assert list(elsewhere.iterdir()) == []


def test_linked_sources_are_parsed_every_time(runbook, tmp_path):
    target = runbook.root / "procedures/ops/triage.md"
    link = runbook.root / "procedures/ops/link.md"
    (runbook.root / "real.md").write_text(target.read_text().replace("Triage the inbox", "Linked")
                                          .replace("ops/triage", "x"))  # fmt: skip
    link.symlink_to(runbook.root / "real.md")
    lint(runbook.root)
    _, cache = lint(runbook.root)
    assert cache.misses == 1  # the link


def test_files_changed_a_moment_ago_are_not_kept(runbook, monkeypatch):
    """Two writes within one tick of the file system's clock share their times: a file
    changed within the racy window is parsed again next time."""
    monkeypatch.setattr(source_cache, "RACY_NS", RACY_NS)
    lint(runbook.root)
    _, cache = lint(runbook.root)
    assert cache.hits == 0 and cache.misses == 4


def test_releve_lint_writes_and_reads_its_cache(runbook):
    """The command itself, in a subprocess where the racy window applies: files are kept
    once they are a few seconds old, and a run with nothing changed rewrites nothing."""
    time.sleep(RACY_NS / 1e9 + 0.1)
    first = run_releve("lint", "--format", "json", "--root", str(runbook.root))
    saved = (runbook.root / CACHE_DIR / SOURCES).stat()
    second = run_releve("lint", "--format", "json", "--root", str(runbook.root))
    assert first.returncode == second.returncode == 1  # RB009 is an error
    assert first.stdout == second.stdout and "RB009" in second.stdout
    assert second.stderr == ""
    assert (runbook.root / CACHE_DIR / SOURCES).stat().st_mtime_ns == saved.st_mtime_ns


def test_a_long_first_run_shared_with_another_process_gives_the_same(tmp_path):
    """`releve lint` parses half of many files (and finds what rules keep) in a forked
    process: the same pages, findings and facts as one process, and a cache that hits."""
    import sys
    from functools import partial

    from releve.core.settings import load_settings
    from releve.lint.engine import prime

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    root = generate(tmp_path / "big", source_cache.PARALLEL_FROM + 20)
    settings = load_settings(root)
    runs = []
    for workers in (1, 2):
        cache = SourceCache(root)
        runbook = load_runbook(root, settings, cache, then=partial(prime, settings),
                               workers=workers)  # fmt: skip
        runs.append((runbook, [p.facts for p in runbook.procedures], cache))
    (one, facts_one, _), (two, facts_two, cache) = runs
    assert two.procedures == one.procedures and two.findings == one.findings
    assert facts_two == facts_one and all(facts_two)
    assert all(p.source.is_file() for p in two.procedures)
    cache.save()
    again = SourceCache.open(root)
    load_runbook(root, settings, again)
    assert again.misses == 0 and again.hits == len(two.procedures) + len(two.clients)
