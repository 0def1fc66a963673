"""The pieces of `releve serve`'s incremental rebuilds, one at a time.

`render/incremental.py` decides what an edit changes (engine-free); `mkdocs/serving.py`
keeps the session (background refresh, the search bundle swapped in whole). The whole
of it, on real builds, is in test_incremental_build.py and test_incremental_serve.py.
"""

from __future__ import annotations

import threading
from datetime import date

from conftest import GOOD
from releve.core.settings import load_settings
from releve.mkdocs.serving import Refresher, ServeSession, setup_of
from releve.render.incremental import SUMMARIES, plan
from releve.render.search import swap_in
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


def test_a_failed_build_makes_the_next_one_full(make_runbook):
    f = runbook(make_runbook)
    session = ServeSession()
    setup = setup_of(str(f.root / "mkdocs.yml"), [], [])
    session.plan(load(f.root), setup)
    assert not session.plan(load(f.root), setup).everything
    session.forget()  # what the plugin does on a build error
    assert session.plan(load(f.root), setup).everything
