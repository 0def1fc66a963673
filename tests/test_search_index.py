"""Relève's search at build time: Pagefind replaces lunr, marks only reader pages, and fails
in one clear line. The browser side is in test_browser_search.py."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from pagefind_fixture import fragments, fragments_in
from sample_site import init_build

from conftest import engine_command, mkdocs_build
from releve.render.search import (
    CLIENT,
    PERSON,
    PROCEDURE,
    SearchIndexError,
    SearchPage,
    build_index,
    mark_page,
)
from releve.render.search import pagefind as index_module
from releve.render.search.pagefind import incomplete

PROC = """\
title: Weekly invoices
service: billing
clients: [acme]
owner: ana
backup: [ben, chloe]
priority: urgent
success_criteria: [Invoices sent]
reviewed: 2026-11-01
"""
CLIENT_MD = "---\nname: Acme <inc.>\n---\nFiles live in the shared Drive.\n"
TAKEOVER = "the search box uses Relève's search"


def small(make_runbook, config: str | None = None):
    rb = make_runbook(lang="en")
    if config is not None:
        (rb.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    rb.procedure("billing/invoices.md", PROC, "## Steps\n\n1. Send the invoices.\n")
    rb.write("clients/acme.md", CLIENT_MD)
    rb.write("docs/about.md", "# About us\n\nWe answer the phone.\n")
    return rb


def config(plugins: str) -> str:
    return (
        "site_name: Test runbook\ntheme:\n  name: material\n  language: en\n  font: false\n"
        f"plugins:\n{plugins}"
    )


def test_a_search_entry_keeps_working_and_relève_says_so_once(make_runbook):
    rb = small(make_runbook)  # the minimal mkdocs.yml lists `- search`
    result = mkdocs_build(rb.root, "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(TAKEOVER) == 1, result.stderr
    site = rb.root / "site"
    assert not (site / "search" / "search_index.json").exists()  # no lunr index
    assert (site / "pagefind" / "pagefind.js").exists()
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="md-search releve-search"' in html
    assert 'data-md-component="search"' not in html  # Material's script leaves the box alone
    assert 'for="__search"' in html  # the header's magnifier, for phones
    assert "assets/releve/search.js" in html


def test_no_search_entry_still_gets_the_box(make_runbook):
    rb = small(make_runbook, config("  - releve:\n      binder: false\n"))
    result = mkdocs_build(rb.root, "--strict")
    assert result.returncode == 0, result.stderr
    assert TAKEOVER not in result.stderr  # nothing to say: nothing was listed
    site = rb.root / "site"
    assert (site / "pagefind" / "pagefind.js").exists()
    assert 'class="md-search releve-search"' in (site / "index.html").read_text("utf-8")
    assert "index of 7 pages" in result.stderr  # procedure, client, service, 3 people, about


def test_search_false_leaves_material_search(make_runbook):
    rb = small(
        make_runbook, config("  - search\n  - releve:\n      binder: false\n      search: false\n")
    )
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    site = rb.root / "site"
    assert (site / "search" / "search_index.json").exists()
    assert not (site / "pagefind").exists()
    html = (site / "index.html").read_text("utf-8")
    assert 'data-md-component="search"' in html and "releve/search.js" not in html


def test_search_turned_off_in_mkdocs_yml_stays_off(make_runbook):
    rb = small(
        make_runbook,
        config("  - search:\n      enabled: false\n  - releve:\n      binder: false\n"),
    )
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    site = rb.root / "site"
    assert not (site / "pagefind").exists() and not (site / "search").exists()
    assert "md-search" not in (site / "index.html").read_text("utf-8")


def test_only_pages_a_reader_looks_for_are_indexed(make_runbook):
    rb = small(make_runbook)
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    pages = fragments(rb.root / "site")
    people = {f"/people/{p}/" for p in ("ana", "ben", "chloe")}
    assert set(pages) == {
        "/procedures/billing/invoices/",
        "/clients/acme/",
        "/services/billing/",
        "/about/",
        *people,
    }  # not the dashboard, indexes, coverage matrix, gap calendar, risks or agenda
    kinds = {url: page["meta"]["kind"] for url, page in pages.items()}
    assert kinds["/procedures/billing/invoices/"] == "procedure"
    assert kinds["/clients/acme/"] == "client" and kinds["/about/"] == "page"
    assert {kinds[u] for u in people} == {"person"}


def test_procedure_card_is_words_and_filters(make_runbook):
    rb = small(make_runbook)
    assert mkdocs_build(rb.root).returncode == 0
    pages = fragments(rb.root / "site")
    page = pages["/procedures/billing/invoices/"]
    text = page["content"]
    assert "Owner Ana Lima" in text and "Backups Ben Okafor Chloé Dubois" in text
    assert "Priority urgent" in text
    assert page["meta"]["title"] == "Weekly invoices"
    assert page["filters"] == {
        "person": ["Ana Lima", "Ben Okafor", "Chloé Dubois"],  # owner or backup
        "client": ["Acme <inc.>"],
        "service": ["Billing"],
        "priority": ["urgent"],
    }
    assert text.count("Acme <inc.>") == 1  # the card's client row is not counted twice
    # Each person, client and service page is in its own filter, under its own name.
    assert pages["/people/ana/"]["filters"] == {"person": ["Ana Lima"]}
    assert pages["/clients/acme/"]["filters"] == {"client": ["Acme <inc.>"]}
    assert pages["/services/billing/"]["filters"] == {"service": ["Billing"]}
    # Lists of procedures on a person's page repeat the procedures: not searched there.
    assert "Weekly invoices" not in pages["/people/ana/"]["content"]
    assert "¶" not in text and "Print" not in text  # permalink signs, buttons


def test_mark_page_marks_only_materials_article():
    html = (
        '<html><body><nav>Menu</nav><article class="md-content__inner md-typeset">'
        '<h1 id="x">Élodie<a class="headerlink">¶</a></h1><dl><dt>Roles</dt><dd>ops</dd></dl>'
        "</article></body></html>"
    )
    marked = mark_page(html, SearchPage(PERSON, "Élodie <B>"))
    assert '<article class="md-content__inner md-typeset" data-pagefind-body' in marked
    assert 'data-pagefind-meta="kind:person"' in marked
    assert '<h1 data-pagefind-weight="10" id="x">' in marked
    assert 'data-pagefind-filter="person">Élodie &lt;B&gt;</span>' in marked
    assert 'data-pagefind-meta="name" data-pagefind-filter' in marked
    assert "<dt>Roles</dt> <dd>ops</dd> </dl>" in marked  # words apart, layout unchanged
    assert marked.startswith("<html><body><nav>Menu</nav>")
    procedure = mark_page(html, SearchPage(PROCEDURE))
    assert "data-pagefind-weight" not in procedure and "data-pagefind-filter" not in procedure
    assert mark_page("<html><body><main>x</main></body></html>", SearchPage(CLIENT, "A")) == (
        "<html><body><main>x</main></body></html>"
    )


def test_missing_pagefind_binary_is_one_clear_line(make_runbook):
    rb = small(make_runbook)
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(rb.root / "no-such-pagefind")}
    result = subprocess.run([str(engine_command()), "build"], cwd=rb.root, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode != 0
    assert "search index not written: the Pagefind binary was not found" in result.stderr
    assert "pip install 'pagefind[bin]'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_releve_init_site_searches_with_pagefind(tmp_path_factory, lang):
    built = init_build(tmp_path_factory, lang)  # `releve init`, then `mkdocs build --strict`
    target = built.root
    assert not re.search(r"^  - search(:|$)", (target / "mkdocs.yml").read_text("utf-8"), re.M)
    assert built.result.returncode == 0, built.result.stderr
    assert (target / "site/pagefind/pagefind.js").exists()
    assert not (target / "site/search/search_index.json").exists()
    entry = (target / "site/pagefind/pagefind-entry.json").read_text("utf-8")
    assert f'"{lang}"' in entry  # stemming in the runbook's language


@pytest.mark.slow
def test_mkdocs_serve_builds_the_index(make_runbook):
    rb = small(make_runbook)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RELEVE_TODAY": "2026-11-23", "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [str(engine_command()), "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=rb.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                url = f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json"
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "mkdocs serve never served the index"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_build_index_runs_inside_an_event_loop(tmp_path):
    site = tiny_site(tmp_path)

    async def inside_a_loop():  # e.g. a build started from async code or a test harness
        return build_index(site, "en")

    # In a thread of its own: this thread may already run Playwright's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result().pages == 1
    assert fragments(site)["/a/"]["meta"]["title"] == "Invoices"


def tiny_site(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html lang="en"><body><article data-pagefind-body><h1>Invoices</h1>'
        "<p>Send them on Monday.</p></article></body></html>",
        encoding="utf-8",
    )
    return site


def test_bundle_is_checked_whole_and_trimmed(tmp_path):
    site = tiny_site(tmp_path)
    build_index(site, "en")
    out = site / "pagefind"
    assert incomplete(out) is None
    assert not (out / "pagefind-ui.js").exists()  # Relève drives pagefind.js itself
    assert (out / "pagefind.js").exists() and (out / "pagefind-highlight.js").exists()
    fragment = next((out / "fragment").glob("*.pf_fragment"))
    fragment.write_bytes(fragment.read_bytes()[:-12])
    assert incomplete(out) == f"fragment/{fragment.name} is cut short"
    fragment.write_bytes(b"")
    assert incomplete(out) == f"fragment/{fragment.name} is empty"
    (out / "pagefind-entry.json").write_text("", encoding="utf-8")
    assert incomplete(out) == "pagefind-entry.json unreadable"


def test_an_incomplete_bundle_is_written_again(tmp_path, monkeypatch):
    site = tiny_site(tmp_path)
    real, runs = index_module._index_once, []

    def flaky(site_dir, out, language):  # the binary stopped before its files were whole
        pages = real(site_dir, out, language)
        runs.append(out)
        if len(runs) == 1:
            (out / "pagefind-entry.json").write_text("", encoding="utf-8")
        return pages

    monkeypatch.setattr(index_module, "_index_once", flaky)
    build_index(site, "en")
    assert len(runs) == 2 and incomplete(site / "pagefind") is None


def test_a_bundle_never_whole_is_one_clear_error(tmp_path, monkeypatch):
    site = tiny_site(tmp_path)
    real = index_module._index_once

    def broken(site_dir, out, language):
        pages = real(site_dir, out, language)
        (out / "pagefind.js").write_bytes(b"")
        return pages

    monkeypatch.setattr(index_module, "_index_once", broken)
    with pytest.raises(
        SearchIndexError, match=r"incomplete index 3 times \(pagefind.js is empty\)"
    ):
        build_index(site, "en")


def test_the_index_made_from_search_copies_is_the_index_of_the_pages(
    make_runbook, tmp_path, monkeypatch
):
    """The build hands Pagefind a small copy of each marked page (its language and marked
    article): every indexed page is what indexing the built pages themselves gives."""
    rb = small(make_runbook)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # where the build keeps the copies
    done = mkdocs_build(rb.root)
    assert done.returncode == 0, done.stderr
    site = rb.root / "site"
    direct = tmp_path / "direct"
    direct.mkdir()
    for path in site.rglob("*.html"):  # the built pages, indexed as they are
        target = direct / path.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    build_index(direct, "en")
    built = fragments(site)
    assert len(built) >= 4 and built == fragments(direct)
    assert list(temporary.iterdir()) == []  # the copies are gone


def pages_site(tmp_path, marked: int, unmarked: int = 0):
    """A site of `marked` pages Pagefind is to index and `unmarked` ones it is not."""
    site = tmp_path / "site"
    for number in range(marked + unmarked):
        page = site / f"p{number:02d}" / "index.html"
        page.parent.mkdir(parents=True)
        body = f"<h1>Task {number}</h1><p>Send invoice {number} to the client.</p>"
        if number < marked:
            body = f"<article data-pagefind-body>{body}</article>"
        page.write_text(f'<html lang="en"><body>{body}</body></html>', encoding="utf-8")
    return site


def test_a_large_index_comes_in_parts_that_hold_every_page_once(tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # where the pages of each run are linked
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    whole = pages_site(tmp_path / "whole", 10, unmarked=3)
    parted = pages_site(tmp_path / "parted", 10, unmarked=3)
    assert build_index(whole, "en").parts == 1
    assert index_module.parts_of(whole / "pagefind") == []
    stats = build_index(parted, "en", part_pages=3)
    listed = index_module.parts_of(parted / "pagefind")
    assert stats.parts == 4 and listed == ["part-1", "part-2", "part-3"]
    bundles = [parted / "pagefind" / part for part in ["", *listed]]
    # Dealt in turn (so that every part has a share of every kind of page), never an
    # unmarked page: a part of those alone would have Pagefind index their whole bodies.
    urls = [sorted(fragments_in(bundle)) for bundle in bundles]
    assert urls == [["/p00/", "/p04/", "/p08/"], ["/p01/", "/p05/", "/p09/"],
                    ["/p02/", "/p06/"], ["/p03/", "/p07/"]]  # fmt: skip
    assert fragments(parted) == fragments(whole)
    assert incomplete(parted / "pagefind") is None
    for bundle in bundles:  # each part is a bundle Pagefind's script can merge
        assert (bundle / "pagefind-entry.json").exists()
        assert not (bundle / "pagefind-ui.js").exists()
    # The first bundle's script and WebAssembly search every part: one copy of each.
    assert (bundles[0] / "pagefind.js").exists() and list(bundles[0].glob("wasm.*"))
    for part in bundles[1:]:
        assert not (part / "pagefind.js").exists() and not list(part.glob("wasm.*"))
    assert list(temporary.iterdir()) == []  # the pages linked for each run are gone


def test_a_part_cut_short_or_unlisted_is_seen(tmp_path):
    site = pages_site(tmp_path, 4)
    build_index(site, "en", part_pages=2)
    out = site / "pagefind"
    entry = out / "part-1" / "pagefind-entry.json"
    saved = entry.read_text(encoding="utf-8")
    entry.write_text("{", encoding="utf-8")
    assert incomplete(out) == "part-1/pagefind-entry.json unreadable"
    entry.write_text(saved, encoding="utf-8")
    assert incomplete(out) is None
    parts = out / index_module.PARTS
    for listed in ('{"parts": ["../elsewhere/"]}', "[]", ""):
        parts.write_text(listed, encoding="utf-8")
        assert incomplete(out) == "releve-parts.json unreadable", listed
    parts.unlink()
    assert incomplete(out) == "releve-parts.json unreadable"


def test_a_part_written_incomplete_is_indexed_again(tmp_path, monkeypatch):
    site = pages_site(tmp_path, 4)
    real, runs = index_module._index_once, []

    def flaky(site_dir, out, language):
        pages = real(site_dir, out, language)
        runs.append(out.name)
        if runs == ["pagefind", "part-1"]:  # the second part of the first attempt
            (out / "pagefind-entry.json").write_text("", encoding="utf-8")
        return pages

    monkeypatch.setattr(index_module, "_index_once", flaky)
    assert build_index(site, "en", part_pages=2).pages == 4
    assert runs == ["pagefind", "part-1"] * 2 and incomplete(site / "pagefind") is None
