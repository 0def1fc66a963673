"""Binders published with a real site build: PDFs present and linked; `binder: false` makes none."""

from __future__ import annotations

import re
from pathlib import Path

from binder_fixture import CANARY, TITLES, pdf_pages, toc_entries, write_runbook

from conftest import mkdocs_build

EXPECTED = ["client-acme.pdf", "client-globex.pdf", "person-ana.pdf", "person-ben.pdf",
            "person-chloe.pdf", "runbook.pdf", "runbook.html"]  # fmt: skip


def links_to(page: Path, suffix: str) -> list[Path]:
    """Targets of the page's links ending in `suffix`, resolved against the page's folder."""
    html = page.read_text(encoding="utf-8")
    return [(page.parent / href).resolve() for href in re.findall(r'href="([^"]+)"', html)
            if href.endswith(suffix)]  # fmt: skip


def test_site_publishes_and_links_binders(make_runbook):
    root = write_runbook(make_runbook, "en", binder="true")
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    folder = root / "site" / "binders"
    assert sorted(p.name for p in folder.iterdir()) == sorted(EXPECTED)
    site = root / "site"
    acme = links_to(site / "clients" / "acme" / "index.html", ".pdf")
    assert acme == [(folder / "client-acme.pdf").resolve()]
    ana = links_to(site / "people" / "ana" / "index.html", ".pdf")
    assert ana == [(folder / "person-ana.pdf").resolve()]
    home = site / "index.html"
    assert links_to(home, ".pdf") == [(folder / "runbook.pdf").resolve()]
    assert links_to(home, "runbook.html") == [(folder / "runbook.html").resolve()]
    pages = pdf_pages(folder / "client-globex.pdf")
    assert TITLES["invoice"] in toc_entries(pages, "Contents")
    assert "Acme" not in "".join(pages)
    for path in folder.iterdir():
        data = path.read_bytes().decode("latin-1")
        assert CANARY not in data
    assert CANARY not in "".join(pdf_pages(folder / "runbook.pdf"))
    assert "binders written" in done.stderr


def test_binder_false_builds_none_and_links_none(make_runbook):
    root = write_runbook(make_runbook, "en", binder="false")
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    assert not (site / "binders").exists()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "releve-binder-link" not in html and "binders/" not in html, page
