"""Binders as the sample team prints them: Letter paper, no box alone on a page,
nothing internal on a client's cover, who to call with a tel: link, roles by name."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from binder_fixture import body_lines, pdf_pages
from sample_site import copy_sample

from conftest import releve

pytestmark = pytest.mark.slow

BINDERS = {
    "client-cabinet-lavoie": ["--client", "cabinet-lavoie"],
    "client-clinique-riviere": ["--client", "clinique-riviere"],
    "client-renovations-belanger": ["--client", "renovations-belanger"],
    "person-marie": ["--person", "marie"],
    "all": ["--all"],
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class TrailingBlocks(HTMLParser):
    """The text of the last block of each procedure's body in the binder's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.body, self.blocks, self.trailing = 0, None, [], []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("br", "img", "input", "hr", "meta", "wbr"):
            return
        self.depth += 1
        if tag == "div" and "proc-body" in (dict(attrs).get("class") or "").split():
            self.body, self.blocks = self.depth, []
        elif self.body is not None and self.depth == self.body + 1:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "input", "hr", "meta", "wbr"):
            return
        if self.body is not None and self.depth == self.body:
            self.trailing += self.blocks[-1:]
            self.body = None
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.body is not None and self.depth > self.body and self.blocks:
            self.blocks[-1] += data


def pages_with_only_a_trailing_block(pdf: Path, html: str) -> list[int]:
    """Pages whose whole text (running header and footer aside) is the last block of a
    procedure: a closing tip or warning that spilled alone onto a new page."""
    parser = TrailingBlocks()
    parser.feed(html)
    trailing = [squash(text) for text in parser.trailing if squash(text)]
    assert trailing, "the sample's procedures end with boxes and lists"
    lonely = []
    for number, page in enumerate(pdf_pages(pdf), 1):
        text = squash("".join(body_lines(page)))
        if text and any(text in block for block in trailing):
            lonely.append(number)
    return lonely


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("binders") / "rb")
    out = root / "out"
    for name, subject in BINDERS.items():
        for suffix in ("pdf", "html"):
            done = releve("binder", *subject, "-o", str(out / f"{name}.{suffix}"),
                          "--root", str(root))  # fmt: skip
            assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("name", sorted(BINDERS))
def test_no_page_holds_only_a_trailing_block(sample, name):
    html = (sample / f"{name}.html").read_text(encoding="utf-8")
    assert pages_with_only_a_trailing_block(sample / f"{name}.pdf", html) == []


def test_the_lonely_box_counter_can_see_one(sample, tmp_path):
    """The counter finds a trailing box pushed alone onto a page (the old layout did it)."""
    html = (sample / "client-renovations-belanger.html").read_text(encoding="utf-8")
    html = html.replace("break-before: avoid", "break-before: auto")
    forced = html.replace(
        '<div class="admonition tip">', '<div class="admonition tip" style="break-before: page">'
    )
    assert forced != html
    from releve.render.binder import write_pdf

    pdf = write_pdf(forced, tmp_path / "forced.pdf")
    assert pages_with_only_a_trailing_block(pdf, forced) != []


def test_letter_paper_by_default_for_the_sample_and_a4_on_request(sample, tmp_path):
    info = subprocess.run(["pdfinfo", str(sample / "all.pdf")], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert re.search(r"Page size:\s+612 x 792 pts \(letter\)", info)
    root = sample.parent
    done = releve("binder", "--client", "cabinet-lavoie", "--paper", "a4",
                  "-o", str(tmp_path / "a4.pdf"), "--root", str(root))  # fmt: skip
    assert done.returncode == 0, done.stderr
    info = subprocess.run(["pdfinfo", str(tmp_path / "a4.pdf")], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "(A4)" in info
    bad = releve("binder", "--all", "--paper", "legal", "-o", str(tmp_path / "x.pdf"),
                 "--root", str(root))  # fmt: skip
    assert bad.returncode == 2 and "legal" in bad.stderr and "Traceback" not in bad.stderr


def test_client_cover_has_no_revision_internal_small_print_has(sample):
    client = pdf_pages(sample / "client-clinique-riviere.pdf")[0]
    assert "Révision" not in client and "non versionné" not in client
    assert not re.search(r"\b[0-9a-f]{7,}\b", client)  # no git hash
    for internal in ("person-marie.pdf", "all.pdf"):
        assert "Révision des sources : " in pdf_pages(sample / internal)[0]


def test_binder_speaks_the_site_words(sample):
    html = (sample / "client-renovations-belanger.html").read_text(encoding="utf-8")
    assert "<th>Audience</th>" in html and ">Public<" not in html
    assert "<td>Comptabilité</td>" in html  # the role's display name, not its id
    assert 'href="tel:+15145550102"' in html  # Samir, owner: who to call
    assert 'href="tel:+18195550172"' in html  # Sophie Bélanger, the client's contact
    assert 'admonition-title">Astuce<' in html and ">Tip<" not in html
    text = " ".join(pdf_pages(sample / "client-renovations-belanger.pdf"))
    assert "19 oct. 2026" in text  # days in words
