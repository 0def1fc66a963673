"""The pieces of `releve serve`'s incremental rebuilds, one at a time.

`render/incremental.py` decides what an edit changes (engine-free); `mkdocs/serving.py`
keeps the session (background refresh, the search bundle swapped in whole). The whole
of it, on real builds, is in test_incremental_build.py and test_incremental_serve.py.
"""

from __future__ import annotations

import shutil
import threading
from datetime import date

from pagefind_fixture import fragments

from conftest import GOOD
from releve.core.settings import load_settings
from releve.mkdocs.serving import Refresher, ServeSession, refresh_search, setup_of
from releve.render.incremental import SUMMARIES, plan
from releve.render.search import build_index, swap_in
from releve.render.search import pagefind as index_module
from releve.render.search.pagefind import parts_of
from releve.render.site_content import SiteContent

DAY = date(2026, 11, 23)
OTHER = GOOD.replace("title: Triage the inbox", "title: Pay the rent").replace(
    "service: ops", "service: finance"
)


def load(root) -> SiteContent:
    return SiteContent.load(root, load_settings(root), DAY)


def runbook(make_runbook):
    f = make_runbook()
    f.procedure("ops/triage.md", GOOD)
    f.procedure("finance/rent.md", OTHER.replace("owner: ana", "owner: chloe"))
    return f


def test_nothing_changed_rewrites_nothing(make_runbook):
    f = runbook(make_runbook)
    done = plan(load(f.root), load(f.root))
    assert not done.everything and not done.uris


def test_first_build_and_shared_inputs_rewrite_everything(make_runbook):
    f = runbook(make_runbook)
    before = load(f.root)
    assert plan(None, before).everything
    f.write("team.yml", (f.root / "team.yml").read_text().replace("Ana Lima", "Ana Lima-Roy"))
    assert plan(before, load(f.root)).everything
    assert plan(load(f.root), load(f.root)).everything is False


def test_a_title_edit_names_the_pages_that_show_the_procedure(make_runbook):
    f = runbook(make_runbook)
    before = load(f.root)
    f.procedure("ops/triage.md", GOOD.replace("Triage the inbox", "Triage the mailbox"))
    done = plan(before, load(f.root))
    assert not done.everything
    assert "procedures/ops/triage.md" in done
    assert {"services/ops.md", "people/ana.md", "people/ben.md"} <= done.uris
    assert done.uris >= SUMMARIES
    assert "procedures/finance/rent.md" not in done  # another service, other people
    assert "services/finance.md" not in done
    assert "people/chloe.md" not in done


def test_an_owner_change_names_the_old_and_the_new_owner(make_runbook):
    f = runbook(make_runbook)
    before = load(f.root)
    f.procedure("ops/triage.md", GOOD.replace("owner: ana", "owner: chloe"))
    done = plan(before, load(f.root))
    assert {"people/ana.md", "people/chloe.md"} <= done.uris


def test_a_deleted_procedure_is_planned_away(make_runbook):
    f = runbook(make_runbook)
    before = load(f.root)
    (f.root / "procedures/finance/rent.md").unlink()
    done = plan(before, load(f.root))
    assert {"procedures/finance/rent.md", "services/finance.md", "people/chloe.md"} <= done.uris


def test_a_new_engine_setup_rewrites_everything(make_runbook, tmp_path):
    f = runbook(make_runbook)
    session = ServeSession()
    config = f.root / "mkdocs.yml"
    first = setup_of(str(config), [], ["nav"])
    assert session.plan(load(f.root), first).everything  # the first build
    assert not session.plan(load(f.root), setup_of(str(config), [], ["nav"])).everything
    assert session.plan(load(f.root), setup_of(str(config), [], ["other nav"])).everything
    config.write_text(config.read_text() + "\nextra: {a: 1}\n")
    assert session.plan(load(f.root), setup_of(str(config), [], ["other nav"])).everything
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    before = setup_of(str(config), [str(overrides)], ["other nav"])
    (overrides / "main.html").write_text("{% extends 'base.html' %}")
    assert setup_of(str(config), [str(overrides)], ["other nav"]) != before


def test_a_newer_build_drops_an_older_refresh():
    refresher = Refresher()
    release = threading.Event()
    written: list[str] = []

    def slow(current):
        release.wait(10)
        if current():
            written.append("old")

    def quick(current):
        if current():
            written.append("new")

    refresher.start([slow])
    refresher.start([quick])  # a newer build finished meanwhile
    release.set()
    refresher.wait(10)
    assert written == ["new"]


def test_a_failed_job_is_logged_and_the_next_one_runs(caplog):
    refresher = Refresher()
    done: list[str] = []

    def broken(current):
        raise RuntimeError("Pagefind is missing")

    refresher.start([broken, lambda current: done.append("next")])
    refresher.wait(10)
    assert done == ["next"]  # the calendar is written even when search failed
    assert "Pagefind is missing" in caplog.text  # said once, the server goes on


def test_the_search_bundle_is_swapped_in_whole(tmp_path):
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "old-chunk.pf_index").write_text("old")
    staging = site / "pagefind.new-1"
    staging.mkdir()
    (staging / "new-chunk.pf_index").write_text("new")
    swap_in(site, staging)
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == ["new-chunk.pf_index"]
    assert sorted(p.name for p in site.iterdir()) == ["pagefind"]


def test_a_refreshed_index_in_parts_replaces_every_part_of_the_old_one(tmp_path, monkeypatch):
    """Under serve the index is written beside the site, then swapped in: its parts go with
    it, and no part of the previous index (which had more) stays behind."""
    monkeypatch.setattr(index_module, "PART_PAGES", 2)
    site, copies = tmp_path / "site", tmp_path / "copies"
    for number in range(6):
        page = copies / f"p{number}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html lang="en"><body><article data-pagefind-body><h1>Task {number}'
                        "</h1></article></body></html>", encoding="utf-8")  # fmt: skip
    build_index(site, "en", pages=copies)
    assert parts_of(site / "pagefind") == ["part-1", "part-2"]
    for number in (4, 5):
        shutil.rmtree(copies / f"p{number}")
    said = []
    refresh_search(site, copies, "en", lambda pages, seconds: said.append(pages))(lambda: True)
    assert said == [4] and parts_of(site / "pagefind") == ["part-1"]
    assert sorted(p.name for p in (site / "pagefind").glob("part-*")) == ["part-1"]
    assert sorted(fragments(site)) == ["/p0/", "/p1/", "/p2/", "/p3/"]
    assert sorted(p.name for p in site.iterdir()) == ["pagefind"]  # no staging left


def test_a_failed_build_makes_the_next_one_full(make_runbook):
    f = runbook(make_runbook)
    session = ServeSession()
    setup = setup_of(str(f.root / "mkdocs.yml"), [], [])
    session.plan(load(f.root), setup)
    assert not session.plan(load(f.root), setup).everything
    session.forget()  # what the plugin does on a build error
    assert session.plan(load(f.root), setup).everything
