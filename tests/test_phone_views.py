"""On a phone (390 px), in headless Chromium: what the person covering needs, visible.

- a credential card shows where to use the password (its login link), not only Reveal;
- the coverage matrix, scrolled sideways, keeps its procedure names (a sticky column);
- a person page leads with the person's day, before the PDF button.

Screenshots go to .artifacts/screenshots/ (the matrix scrolled, a credential card, a
procedure with its screenshot).
"""

from __future__ import annotations

import pytest
from binder_fixture import write_runbook
from sample_site import sample_site

from conftest import SCREENSHOTS, StaticServer, mkdocs_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = StaticServer(sample_site(tmp_path_factory))
    yield server.url
    server.close()


def visible(page, selector: str) -> bool:
    """Shown and inside the viewport's width: what a reader can see and tap."""
    return page.evaluate(
        """(sel) => { const el = document.querySelector(sel); if (!el) return false;
           const r = el.getBoundingClientRect(), s = getComputedStyle(el);
           return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
                  && r.left >= 0 && r.right <= window.innerWidth; }""",
        selector,
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_credential_card_shows_its_login_link(site, chromium, viewport):
    page = chromium.new_page(viewport=viewport)
    try:
        page.goto(site + "procedures/telephone/messages-vocaux/")
        card = ".releve-creds .releve-cred[data-cred='messagerie-vocale']"
        link = f"{card} a.releve-cred-url"
        assert page.get_attribute(link, "href") == "https://telephonie.example.net/"
        assert visible(page, link)
        assert visible(page, f"{card} .releve-reveal")
        if viewport is PHONE:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.locator(card).screenshot(path=str(SCREENSHOTS / "phone-credential-card.png"))
    finally:
        page.close()


STICKY = """([wrap, first]) => {
  const w = document.querySelector(wrap), cell = document.querySelector(first);
  const r = cell.getBoundingClientRect(), link = cell.querySelector('a');
  const lr = link.getClientRects()[0];  // its first line
  const hit = document.elementFromPoint(lr.left + 4, lr.top + lr.height / 2);
  return {scrolled: w.scrollLeft, wide: w.scrollWidth - w.clientWidth, left: r.left,
          wrapLeft: w.getBoundingClientRect().left, width: r.width, screen: window.innerWidth,
          onTop: !!hit && (hit === link || link.contains(hit)),
          hit: hit ? hit.tagName + '.' + hit.className : null};
}"""


def test_the_matrix_keeps_its_names_when_scrolled_sideways(site, chromium):
    page = chromium.new_page(viewport=PHONE)
    wrap = ".releve-matrix-wrap"
    first = ".releve-matrix tbody tr:not(.releve-matrix-service) td:first-child"
    try:
        page.goto(site + "coverage/")
        before = page.evaluate(STICKY, [wrap, first])
        assert before["wide"] > 100, "the matrix is wider than a phone: it scrolls"
        page.evaluate("(wrap) => { document.querySelector(wrap).scrollLeft = 400; }", wrap)
        page.wait_for_timeout(100)
        state = page.evaluate(STICKY, [wrap, first])
        assert state["scrolled"] >= min(300, before["wide"])
        assert (
            abs(state["left"] - state["wrapLeft"]) <= 1 and abs(state["left"] - before["left"]) <= 1
        )
        assert state["onTop"], ("the procedure's name is drawn over the scrolled cells", state)
        assert state["width"] < state["screen"] / 2, "the sticky names leave room for the grid"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "phone-matrix-scrolled.png"))
    finally:
        page.close()


def test_a_person_page_leads_with_the_day(site, chromium):
    page = chromium.new_page(viewport=PHONE)
    try:
        page.goto(site + "people/julie/")
        order = page.evaluate(
            """[...document.querySelectorAll('.md-content article > *')]
                 .filter(e => e.getClientRects().length)  // shown: search's hidden marks aside
                 .map(e => e.tagName + (e.className ? '.' + e.className.split(' ')[0] : ''))"""
        )
        assert order[:2] == ["H1", "DIV.releve-person-day"]
        heading = page.inner_text(".releve-person-day h2")
        assert heading.startswith("Aujourd'hui") or heading.startswith("Prochain jour ouvrable")
        day = page.locator(".releve-person-day")
        assert day.bounding_box()["y"] < PHONE["height"], "the day is in the first screen"
        assert "Traitement des messages vocaux" in day.inner_text()
        assert "releve:binder-link" not in page.content()  # the mark never shows
    finally:
        page.close()


def test_the_pdf_button_follows_the_day(make_runbook, chromium):
    root = write_runbook(make_runbook, "en", binder="true")
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    html = (root / "site" / "people" / "ana" / "index.html").read_text(encoding="utf-8")
    day, button = html.find('class="releve-person-day"'), html.find('class="releve-binder-link"')
    assert 0 < day < button, "the person's day, then the PDF button"
    assert html.find("<h1") < day
    assert html.count('class="releve-binder-link"') == 1
    assert "releve:binder-link" not in html


def test_a_procedure_shows_its_screenshot(site, chromium):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = chromium.new_page(viewport=viewport)
        try:
            page.goto(site + "procedures/telephone/messages-vocaux/")
            img = page.locator(".md-content article img[src$='portail-non-ecoutes.svg']")
            assert img.count() == 1
            width = page.evaluate(
                "(sel) => { const i = document.querySelector(sel); return [i.naturalWidth, "
                "i.getBoundingClientRect().right, window.innerWidth]; }",
                "img[src$='portail-non-ecoutes.svg']",
            )
            assert width[0] > 0, "the image loaded"
            assert width[1] <= width[2], "and fits the screen"
            img.scroll_into_view_if_needed()
            page.wait_for_timeout(400)  # Material's header finishes swapping in the title
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-procedure-image.png"))
        finally:
            page.close()
