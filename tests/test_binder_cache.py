"""The binder cache (`.releve-cache/binders/`): a build reuses every binder whose content did
not change, renders again those that hold an edit or whose plan a new day moves, never
serves a damaged, linked or committed entry, never writes through a link, and says how
many of each it wrote."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from binder_fixture import pdf_pages, write_runbook

from conftest import mkdocs_build
from releve.core.cache import CACHE_DIR
from releve.core.settings import load_settings
from releve.i18n import t
from releve.model import load_runbook
from releve.render.binder import publish as site_binders

DAY = date(2026, 11, 23)
ALL = {"runbook.pdf", "runbook.html", "person-ana.pdf", "person-ben.pdf", "person-chloe.pdf",
       "client-acme.pdf", "client-globex.pdf"}  # fmt: skip


def publish(root: Path, site: Path, today: date = DAY):
    """Publish the binders into a fresh site folder; (what was done, files by name)."""
    settings = load_settings(root)
    left_out: set[str] = set()
    done = site_binders.publish(load_runbook(root, settings), settings, today, site, left_out)
    assert done.reused + done.rendered == len(ALL) and sorted(done.uris) == sorted(
        f"binders/{name}" for name in ALL
    )
    files = {p.name: p.read_bytes() for p in (site / "binders").iterdir()}
    assert set(files) == ALL
    return done, files


def rendered(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {name for name in after if after[name] != before[name]}


@pytest.fixture
def root(make_runbook):
    return write_runbook(make_runbook, "en")


def test_nothing_changed_reuses_every_binder(root, tmp_path):
    first, files = publish(root, tmp_path / "one")
    assert (first.reused, first.rendered) == (0, 7)
    again, same = publish(root, tmp_path / "two")
    assert (again.reused, again.rendered) == (7, 0)
    assert same == files


def test_an_edit_renders_again_only_the_binders_that_hold_it(root, tmp_path):
    _, before = publish(root, tmp_path / "one")
    invoice = root / "procedures/globex/invoice.md"  # chloe's, ben backs up, for Globex
    invoice.write_text(invoice.read_text().replace("GLOBEX-ONLY-TEXT", "EDITED-GLOBEX-TEXT"))
    done, after = publish(root, tmp_path / "two")
    holders = {"runbook.pdf", "runbook.html", "person-chloe.pdf", "person-ben.pdf",
               "client-globex.pdf"}  # fmt: skip
    assert (done.reused, done.rendered) == (2, 5)
    assert rendered(before, after) == holders  # ana's and Acme's binders do not hold it
    assert "EDITED-GLOBEX-TEXT" in "".join(pdf_pages(tmp_path / "two/binders/client-globex.pdf"))


def test_an_edit_outside_every_binder_reuses_them_all(root, tmp_path):
    _, before = publish(root, tmp_path / "one")
    (root / "docs" / "index.md").write_text("# Our own home page\n")
    mkdocs = root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + "extra:\n  note: a setting binders do not read\n")
    done, after = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (7, 0) and after == before


def test_a_day_that_moves_a_plan_renders_that_binder_again(root, tmp_path):
    """Chloé has no absence: her binder plans from the build day, so the next day moves it.
    Ana and Ben are away on fixed dates: their plans, and every other binder, stay."""
    _, before = publish(root, tmp_path / "one", DAY)
    done, after = publish(root, tmp_path / "two", date(2026, 11, 24))
    assert rendered(before, after) == {"person-chloe.pdf"}
    assert (done.reused, done.rendered) == (6, 1)
    cover = pdf_pages(tmp_path / "two/binders/person-chloe.pdf")[0]
    assert "November 24, 2026" in cover or "Nov 24, 2026" in cover


def test_a_damaged_cached_binder_is_rendered_again(root, tmp_path):
    _, before = publish(root, tmp_path / "one")
    for pdf in (root / CACHE_DIR / "binders").glob("*.pdf"):
        pdf.write_bytes(pdf.read_bytes()[:100])  # truncated: its checksum no longer matches
    done, after = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (1, 6)  # the HTML binder was not damaged
    assert after == before  # rendered again, whole: never the truncated copy
    done, again = publish(root, tmp_path / "three")  # and the cache holds sound copies again
    assert (done.reused, done.rendered) == (7, 0) and again == before


def test_a_damaged_checksum_file_is_rendered_again(root, tmp_path):
    _, before = publish(root, tmp_path / "one")
    metas = sorted((root / CACHE_DIR / "binders").glob("*.json"))
    metas[0].write_text(metas[0].read_text()[:10])  # truncated JSON
    metas[1].write_text(json.dumps({"sha256": "0" * 64, "left_out": []}))  # wrong checksum
    metas[2].write_text(json.dumps({"sha256": None, "left_out": "not a list"}))
    done, after = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (4, 3) and after == before


def test_a_cached_binder_of_other_content_is_never_served(root, tmp_path):
    """An entry whose checksum matches but that a link points elsewhere: not a plain file,
    never followed (a planted link must not make a binder of any file on the disk)."""
    _, before = publish(root, tmp_path / "one")
    folder = root / CACHE_DIR / "binders"
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-planted")
    for pdf in folder.glob("*.pdf"):
        meta = pdf.with_suffix(".json")
        meta.write_text(json.dumps({"sha256": hashlib.sha256(b"%PDF-planted").hexdigest(),
                                    "left_out": []}))  # fmt: skip
        pdf.unlink()
        pdf.symlink_to(outside)
    done, after = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (1, 6) and after == before
    assert outside.read_bytes() == b"%PDF-planted"  # and never written through either


def test_an_unwritable_cache_renders_every_binder(root, tmp_path):
    (root / CACHE_DIR).write_text("not a folder")
    publish(root, tmp_path / "one")
    done, _ = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (0, 7)


def test_a_cache_folder_that_is_a_link_is_never_written_through(root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    publish(root, tmp_path / "one")
    done, _ = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (0, 7)
    assert list(elsewhere.iterdir()) == []


def test_a_binders_folder_that_is_a_link_is_never_written_through(root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / CACHE_DIR).mkdir()
    (root / CACHE_DIR / "binders").symlink_to(elsewhere, target_is_directory=True)
    publish(root, tmp_path / "one")
    done, _ = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (0, 7)
    assert list(elsewhere.iterdir()) == []


def test_a_cache_committed_to_the_repository_is_never_read(root, tmp_path):
    """A pull request could commit binders that do not match its sources, with matching
    checksums: a cache git tracks is not Relève's own, so it is neither read nor written."""
    _, before = publish(root, tmp_path / "one")
    folder = root / CACHE_DIR / "binders"
    planted = b"%PDF-planted"
    for pdf in folder.glob("*.pdf"):
        pdf.write_bytes(planted)
        sha = hashlib.sha256(planted).hexdigest()
        pdf.with_suffix(".json").write_text(json.dumps({"sha256": sha, "left_out": []}))
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "plant"], check=True)
    done, after = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (0, 7)
    assert all(data != planted for data in after.values())
    assert {n: len(d) > 1000 for n, d in after.items()} == {n: True for n in before}


def test_old_unused_entries_are_pruned_and_used_ones_kept(root, tmp_path):
    publish(root, tmp_path / "one")
    folder = root / CACHE_DIR / "binders"
    old = folder / ("0" * 64 + ".pdf")
    old.write_bytes(b"%PDF-old")
    long_ago = 1_600_000_000
    os.utime(old, (long_ago, long_ago))
    for entry in folder.glob("[!0]*"):  # this build's entries, made to look old too
        os.utime(entry, (long_ago, long_ago))
    done, _ = publish(root, tmp_path / "two")
    assert (done.reused, done.rendered) == (7, 0)
    assert not old.exists() and len(list(folder.glob("*.pdf"))) == 6


def test_the_build_log_says_how_many_were_reused_and_rendered(make_runbook):
    root = write_runbook(make_runbook, "en", binder="true")
    first = mkdocs_build(root)
    assert first.returncode == 0, first.stderr
    assert "7 binders written" in first.stderr
    assert "(0 reused from the cache, 7 rendered)" in first.stderr
    again = mkdocs_build(root)
    assert again.returncode == 0, again.stderr
    assert "(7 reused from the cache, 0 rendered)" in again.stderr


def test_the_message_in_both_languages():
    args = {"total": 1, "seconds": "0.4", "reused": 0, "rendered": 1}
    assert t("en", "build.binders_written", **args) == (
        "releve: 1 binder written in 0.4 s (0 reused from the cache, 1 rendered)"
    )
    args = {"total": 7, "seconds": "0,4", "reused": 6, "rendered": 1}
    assert t("fr", "build.binders_written", **args) == (
        "releve : 7 cahiers PDF écrits en 0,4 s (6 repris du cache, 1 produit)"
    )
