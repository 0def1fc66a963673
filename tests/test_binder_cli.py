"""`releve binder`: PDF or HTML by file name, one-line errors (exit 2), the runbook's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from binder_fixture import CANARY, TITLES, pdf_pages, toc_entries, write_runbook

from conftest import releve


@pytest.fixture
def root(make_runbook) -> Path:
    return write_runbook(make_runbook, "en")


def test_client_pdf(root, tmp_path):
    out = tmp_path / "acme.pdf"
    done = releve("binder", "--client", "acme", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "2 procedures" in done.stdout
    pages = pdf_pages(out)
    assert out.read_bytes().startswith(b"%PDF")
    toc = toc_entries(pages, "Contents")
    assert TITLES["pay"] in toc and TITLES["invoice"] not in toc
    assert CANARY not in "".join(pages)


def test_person_with_period_and_html_output(root, tmp_path):
    out = tmp_path / "ana.html"
    done = releve("binder", "--person", "ana", "--from", "2026-12-03", "--to", "2026-12-03",
                  "-o", str(out), "--root", str(root))  # fmt: skip
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "December 3, 2026 to December 3, 2026" in html
    assert "nobody (coverage gap)" in html and "December 4, 2026" not in html


def test_all_in_french_with_today(make_runbook, tmp_path):
    root = write_runbook(make_runbook, "fr")
    out = tmp_path / "tout.pdf"
    done = releve("binder", "--all", "-o", str(out), "--root", str(root), "--today", "2026-06-01")
    assert done.returncode == 0, done.stderr
    assert "Cahier écrit" in done.stdout
    pages = pdf_pages(out)
    assert "1er juin 2026" in pages[0] and "Table des matières" in pages[1]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--client", "nope"], "unknown client nope; known: acme, globex"),
        (["--person", "zed"], "unknown person zed; known: ana, ben, chloe"),
        (["--person", "ana", "--from", "2026-12-09", "--to", "2026-12-01"], "is after --to"),
        (["--person", "ana", "--from", "tomorrow"], "--from tomorrow: not a date"),
        (["--client", "acme", "--from", "2026-12-01"], "only with --person"),
    ],
)
def test_usage_errors_are_one_line_exit_2(root, tmp_path, args, needle):
    out = tmp_path / "x.pdf"
    done = releve("binder", *args, "-o", str(out), "--root", str(root))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and needle in done.stderr, done.stderr
    assert not out.exists()


def test_subject_is_required_and_exclusive(root, tmp_path):
    out = str(tmp_path / "x.pdf")
    assert releve("binder", "-o", out, "--root", str(root)).returncode == 2
    both = releve("binder", "--all", "--client", "acme", "-o", out, "--root", str(root))
    assert both.returncode == 2


def test_unwritable_target_is_a_clear_error(root, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = releve("binder", "--all", "-o", str(blocker / "sub" / "b.pdf"), "--root", str(root))
    assert done.returncode == 2 and done.stderr.startswith("releve: cannot write")
