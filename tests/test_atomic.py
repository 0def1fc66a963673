"""One atomic write (core/atomic.py): whole or not at all, for every file Relève writes."""

from __future__ import annotations

import ast
import errno
import os
import stat
from pathlib import Path

import pytest

from conftest import GOOD, REPO
from releve.core import atomic
from releve.core.atomic import WriteError, write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def fail(code: int = errno.ENOSPC):
    def raising(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return raising


def test_writes_text_and_bytes_and_creates_the_folder(tmp_path):
    target = tmp_path / "a" / "b" / "file.txt"
    write_atomic(target, "café\nline\n")
    assert target.read_bytes() == "café\nline\n".encode()
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("broken", ["replace", "fsync", "write"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, broken):
    target = tmp_path / "vault.yml"
    target.write_text("old\n", encoding="utf-8")
    if broken == "write":  # the disk fills up while the data is written
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def write(self, data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: Full(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(atomic.os, broken, fail())
    with pytest.raises(WriteError) as caught:
        write_atomic(target, "new\n")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []
    # one line naming the target, never the temporary file
    assert str(caught.value) == f"{target}: No space left on device"
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)


def test_an_interrupted_write_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "CODEOWNERS"

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "x\n")
    assert list(tmp_path.iterdir()) == []


def test_permissions_kept_or_from_the_umask(tmp_path):
    kept = tmp_path / "kept.yml"
    kept.write_text("old\n", encoding="utf-8")
    kept.chmod(0o640)
    write_atomic(kept, "new\n")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    old = os.umask(0o027)
    try:
        fresh = write_atomic(tmp_path / "fresh.yml", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640  # 0o666 & ~0o027, not mkstemp's 0o600


def test_a_link_is_replaced_never_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("untouched\n", encoding="utf-8")
    folder = tmp_path / "rb"
    folder.mkdir()
    (folder / "CODEOWNERS").symlink_to(outside)
    write_atomic(folder / "CODEOWNERS", "new\n")
    assert outside.read_text(encoding="utf-8") == "untouched\n"
    assert not (folder / "CODEOWNERS").is_symlink()


def test_exclusive_never_replaces(tmp_path):
    target = tmp_path / "new.md"
    write_atomic(target, "first\n", exclusive=True)
    with pytest.raises(FileExistsError) as caught:
        write_atomic(target, "second\n", exclusive=True)
    assert caught.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "first\n"
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(FileExistsError):
        write_atomic(dangling, "x\n", exclusive=True)
    assert not (tmp_path / "nowhere.md").exists()
    assert leftovers(tmp_path) == []


def test_exclusive_without_hard_links(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "link", fail(errno.EPERM))
    target = write_atomic(tmp_path / "new.md", "text\n", exclusive=True)
    assert target.read_text(encoding="utf-8") == "text\n"
    with pytest.raises(FileExistsError):
        write_atomic(target, "again\n", exclusive=True)
    assert leftovers(tmp_path) == []


# --- the binders, the vault, CODEOWNERS, new procedures all go through it ----------


@pytest.fixture
def small(make_runbook):
    rb = make_runbook()
    rb.procedure("ops/a.md", GOOD)
    return rb


def load(rb):
    from releve.core.settings import load_settings
    from releve.model import load_runbook

    settings = load_settings(rb.root)
    return load_runbook(rb.root, settings), settings


@pytest.mark.parametrize("name", ["all.html", "all.pdf"])
def test_binder_write_is_atomic(small, tmp_path, monkeypatch, name):
    from datetime import date

    from releve.render import binder
    from releve.render.binder import pdf

    runbook, settings = load(small)
    book = binder.for_all(runbook, date(2026, 11, 23), settings)
    out = tmp_path / "out"
    out.mkdir()
    target = out / name
    target.write_bytes(b"old binder")
    monkeypatch.setattr(pdf, "pdf_bytes", lambda html, left_out=None, allowed=(): b"%PDF-new")
    monkeypatch.setattr(atomic.os, "replace", fail())
    with pytest.raises(OSError):
        binder.write(runbook, book, settings, target)
    assert target.read_bytes() == b"old binder" and leftovers(out) == []
    monkeypatch.setattr(atomic.os, "replace", os.rename)
    binder.write(runbook, book, settings, target)
    assert target.read_bytes()[:5] in (b"%PDF-", b"<!DOC")
    assert leftovers(out) == []


def test_site_binders_are_written_atomically(small, tmp_path, monkeypatch):
    from datetime import date

    from releve.render.binder import pdf, publish

    runbook, settings = load(small)
    site = tmp_path / "site"
    (site / "binders").mkdir(parents=True)
    (site / "binders" / "runbook.html").write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(pdf, "pdf_bytes", lambda html, left_out=None, allowed=(): b"%PDF-new")
    monkeypatch.setattr(publish.os, "cpu_count", lambda: 1)  # in process, so patches apply
    monkeypatch.setattr(atomic.os, "replace", fail())
    with pytest.raises(OSError):
        publish.publish(runbook, settings, date(2026, 11, 23), site)
    assert (site / "binders" / "runbook.html").read_text(encoding="utf-8") == "old\n"
    assert leftovers(site / "binders") == []


def test_new_procedure_on_a_full_disk_is_one_line(small, monkeypatch, capsys):
    from releve.cli.main import main

    monkeypatch.setattr(atomic.os, "fsync", fail())
    code = main(["new", "ops/b.md", "--owner", "ana", "--backup", "ben", "--root",
                 str(small.root), "--today", "2026-11-23"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == "releve: procedures/ops/b.md: No space left on device", err
    assert sorted(p.name for p in (small.root / "procedures" / "ops").iterdir()) == ["a.md"]


# --- nothing in the package writes a file another way ------------------------------

# Writers allowed to bypass `write_atomic`, and why.
ALLOWED = {
    "core/atomic.py": "the one atomic write itself",
    # A revision exported into a throwaway temporary folder: nobody ever reads a half
    # file there, and an fsync per file would cost seconds on a large runbook.
    "diff/export.py": "scratch export",
    # Copies of the built pages that only Pagefind reads, in a temporary folder removed
    # after the build (same reason).
    "render/search/copies.py": "scratch search copies",
}
WRITERS = {"write_text", "write_bytes", "replace", "rename", "mkstemp", "NamedTemporaryFile"}


def _writes(tree: ast.AST) -> list[int]:
    """Lines that write a file: Path.write_text/bytes, os.replace/rename, temporary files,
    and open() in a writing mode (`open(p, "w")`, `p.open("x")`, `mode="a"`)."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        method = isinstance(func, ast.Attribute)
        name = func.attr if method else getattr(func, "id", "")
        on_os = method and getattr(func.value, "id", "") == "os"
        if name in {"replace", "rename"} and not on_os:
            continue  # str.replace; Path.replace/rename are caught by review, not here
        if name in WRITERS:
            lines.append(node.lineno)
        if name == "open" and not on_os:
            modes = [kw.value for kw in node.keywords if kw.arg == "mode"]
            modes += node.args[0 if method else 1 :][:1]
            if any(isinstance(m, ast.Constant) and set(str(m.value)) & set("wxa+") for m in modes):
                lines.append(node.lineno)
    return lines


def test_every_file_goes_through_write_atomic():
    package = REPO / "plugins" / "releve"
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel in ALLOWED:
            continue
        for line in _writes(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"{rel}:{line}")
    assert found == []
