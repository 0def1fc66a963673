"""Phone first, print first: the French sample in headless Chromium.

Computed facts, not screenshots: no page scrolls sideways at 390 px, a procedure's own
text starts in the first screen, and each procedure prints on one Letter page.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sample_site import sample_site

from conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# The first element a procedure's author wrote: what follows the header and credential cards.
BODY_TOP = """() => {
  const article = document.querySelector('.md-content article');
  const own = [...article.children].filter(e => e.matches(
    'p, h2, h3, ol, ul, table, blockquote, div.admonition, .md-typeset__scrollwrap'));
  return own.length ? Math.round(own[0].getBoundingClientRect().top) : null;
}"""
FIRST_STEP = """() => {
  const li = [...document.querySelectorAll('.md-content article ol > li')]
    .find(l => !l.closest('.releve-card, .releve-creds'));
  return li ? Math.round(li.getBoundingClientRect().top) : null;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, serve) -> tuple[Path, str]:
    built = sample_site(tmp_path_factory)
    return built, serve(built)


@pytest.fixture(scope="module")
def serve():
    from conftest import StaticServer

    servers = []

    def start(directory: Path) -> str:
        servers.append(StaticServer(directory))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


def procedure_urls(built: Path) -> list[str]:
    return sorted(p.parent.relative_to(built).as_posix() + "/"
                  for p in (built / "procedures").rglob("index.html"))  # fmt: skip


def test_no_page_scrolls_sideways_on_a_phone(site, chromium):
    built, url = site
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))
    assert len(pages) > 30
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport=PHONE)
    wide = {}
    for rel in pages:
        page.goto(url + rel)
        width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > viewport:
            wide[rel] = width
    page.goto(url + "clients/clinique-riviere/")
    page.screenshot(path=str(SCREENSHOTS / "phone-client.png"), full_page=True)
    page.close()
    assert wide == {}  # page -> its width, when wider than the 390 px screen


def test_a_procedure_starts_in_the_first_screen(site, chromium):
    built, url = site
    page = chromium.new_page(viewport=PHONE)
    late = {}
    for rel in procedure_urls(built):
        page.goto(url + rel)
        top = page.evaluate(BODY_TOP)
        if top is None or top > PHONE["height"] - 120:
            late[rel] = top
    page.goto(url + "procedures/facturation/relance-jour-7/")
    assert page.evaluate(FIRST_STEP) < PHONE["height"]  # the steps themselves, on that page
    assert page.locator("details.releve-criteria").get_attribute("open") is None  # folded
    assert not page.locator(".releve-print").is_visible()  # no Print button on a phone
    page.screenshot(path=str(SCREENSHOTS / "phone-procedure.png"))
    page.close()
    assert late == {}


def test_each_procedure_prints_on_one_letter_page(site, chromium):
    built, url = site
    page = chromium.new_page(viewport=DESKTOP)
    page.goto(url + "procedures/facturation/relance-jour-7/")
    button = page.locator(".releve-print")
    assert button.is_visible() and button.inner_text() == "Imprimer"
    assert page.locator("details.releve-criteria").get_attribute("open") is not None
    counts = {}
    for rel in procedure_urls(built):
        page.goto(url + rel)
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => ['.md-header', '.md-sidebar', '.md-footer',
            '.releve-print', '.releve-reveal', '.md-content__button']
            .every(s => [...document.querySelectorAll(s)].every(e => !e.offsetParent))""")
        assert hidden, rel  # no buttons, navigation or footer on paper
        pdf = page.pdf(format="Letter", print_background=True)
        counts[rel] = len(PdfReader(io.BytesIO(pdf)).pages)
        page.emulate_media(media="screen")
    page.close()
    assert {rel: n for rel, n in counts.items() if n != 1} == {}
