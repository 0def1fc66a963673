"""axe-core in headless Chromium: Relève's own markup has no accessibility violation.

The French sample site, at a desktop width (1366 px) and a phone's (390 px): home,
Today, a procedure, a person, a client, the coverage matrix, the gap calendar and
the maintainers' page. axe-core (tests/vendor/axe.min.js, MPL-2.0; see its README)
runs on each page with its default rules (WCAG 2.x A and AA, and best practices);
a violation counts when its node is Relève's markup: an element with a `releve-*`
class or inside one. Material's own nodes are Material's to fix, except colour
contrast, which the sample's palette decides: none may fail on these pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_site import sample_site

from conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = REPO / "tests" / "vendor" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "home": "",
    "today": "today/",
    "procedure": "procedures/telephone/messages-vocaux/",
    "person": "people/julie/",
    "client": "clients/clinique-riviere/",
    "matrix": "coverage/",
    "gaps": "coverage/gaps/",
    "maintainers": "maintainers/",
}
# Violations in markup another branch is finishing: (rule, CSS selector) -> whose and why.
# Remove an entry once that work lands; the test then holds it to the same bar.
ELSEWHERE = {
    ("label-content-name-mismatch", ".releve-today-step"): (
        "assets/today.js (the Today page's day buttons, finished on the Today page's "
        "branch): their aria-label leaves out the date they show"
    ),
}
OURS = """(results) => results.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => {
    const el = document.querySelector(n.target[0]);
    return {target: n.target.join(' '), html: n.html.slice(0, 160),
            summary: n.failureSummary.split('\\n').slice(1, 2).join(' '),
            ours: !!(el && el.closest('[class*="releve-"]')),
            selectors: el ? Object.fromEntries(SELECTORS.map(s => [s, !!el.closest(s)])) : {}};
  })
}))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> str:
    from conftest import StaticServer

    server = StaticServer(sample_site(tmp_path_factory))
    yield server.url
    server.close()


def scan(page, url: str) -> list[dict]:
    page.goto(url)
    page.wait_for_timeout(300)  # the Today block and live badges fill in from JSON
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    selectors = sorted({sel for _, sel in ELSEWHERE})
    page.evaluate(f"window.SELECTORS = {selectors!r}")
    return page.evaluate(OURS.replace("SELECTORS", "window.SELECTORS"), results)


def elsewhere(rule: str, node: dict) -> bool:
    return any(r == rule and node["selectors"].get(sel) for r, sel in ELSEWHERE)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_relève_markup_passes_axe(site, chromium, width):
    page = chromium.new_page(viewport=WIDTHS[width])
    found: dict[str, list[str]] = {}
    contrast: dict[str, list[str]] = {}
    try:
        for name, rel in PAGES.items():
            for v in scan(page, site + rel):
                for node in v["nodes"]:
                    line = f"{v['id']} ({v['impact']}): {node['html']} — {node['summary']}"
                    if node["ours"] and not elsewhere(v["id"], node):
                        found.setdefault(name, []).append(line)
                    elif v["id"] == "color-contrast":
                        contrast.setdefault(name, []).append(line)
    finally:
        page.close()
    assert found == {}, "\n".join(f"{k}: {x}" for k, lines in found.items() for x in lines)
    assert contrast == {}, "the sample's palette: " + "\n".join(
        f"{k}: {x}" for k, lines in contrast.items() for x in lines
    )


def test_axe_finds_what_it_should(tmp_path, chromium):
    """The harness reports a violation in Relève's markup (so a clean run means something)."""
    html = tmp_path / "bad.html"
    html.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<div class="releve-card"><span style="color:#fff;background:#f57c00">important</span>'
        '<input type="checkbox"></div></main></body></html>',
        encoding="utf-8",
    )
    page = chromium.new_page()
    try:
        found = {v["id"] for v in scan(page, html.as_uri()) if any(n["ours"] for n in v["nodes"])}
    finally:
        page.close()
    assert {"color-contrast", "label"} <= found


def test_axe_is_vendored_with_its_licence():
    vendor = REPO / "tests" / "vendor"
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v")
    assert "Mozilla Public License" in (vendor / "axe-core.LICENSE").read_text(encoding="utf-8")
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    version = AXE.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("/*! axe v").strip()
    assert f"axe-core {version}" in readme and "npm" in readme
    assert Path(vendor / "axe-core.LICENSE-3RD-PARTY.txt").exists()
