"""Tagged PDF binders, and links in procedure text that work on paper.

`pdfinfo` says "Tagged: yes" and the structure tree holds headings, lists, links and
figures with their descriptions. A link from one procedure to another printed in the
same binder is a link inside the PDF (a named destination); a link to a page the
binder does not print becomes the site's address when `site_url` is set, else plain
text; no relative `.md` address ever reaches the PDF.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from binder_fixture import pdf_links as links
from binder_fixture import pdf_pages, pdf_structure, write_runbook

from conftest import releve

LINKS = """
Before paying, triage [the shared inbox](../general/inbox.md) and read
[the monthly report](report.md#write-it). Keep [a copy](receipts/template.pdf).

Jump back to [the checks](#checks).

### Checks

Done.
"""


@pytest.fixture
def root(make_runbook) -> Path:
    root = write_runbook(make_runbook, "en")
    pay = root / "procedures" / "acme" / "pay.md"
    pay.write_text(pay.read_text(encoding="utf-8") + LINKS, encoding="utf-8")
    (root / "procedures" / "acme" / "receipts").mkdir()
    (root / "procedures" / "acme" / "receipts" / "template.pdf").write_bytes(b"%PDF-1.4\n")
    return root


def binder(root: Path, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / f"{'-'.join(a.strip('-') for a in args)}.pdf"
    done = releve("binder", *args, "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    return out


def test_binders_are_tagged(root, tmp_path):
    out = binder(root, tmp_path, "--all")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout
    counts, _ = pdf_structure(out)
    for kind in ("/Document", "/H1", "/P", "/L", "/LI", "/Table", "/Link"):
        assert counts.get(kind), (kind, counts)


def test_links_between_procedures_of_one_binder_are_links_inside_it(root, tmp_path):
    out = binder(root, tmp_path, "--all")
    found = links(out)
    dests = {x["dest"] for x in found if x["dest"]}
    assert {"proc-inbox", "proc-report", "proc-pay-checks"} <= dests
    uris = [x["uri"] for x in found if x["uri"]]
    assert not [u for u in uris if ".md" in u or not u.startswith(("mailto:", "tel:", "http"))]
    text = "".join(pdf_pages(out))
    assert "triage the shared inbox and read" in " ".join(text.split())


def test_a_page_not_in_the_binder_is_plain_text_without_site_url(root, tmp_path):
    out = binder(root, tmp_path, "--client", "acme")
    found = links(out)
    assert "proc-inbox" not in {x["dest"] for x in found}
    assert not [x for x in found if x["uri"] and ".md" in x["uri"]]
    assert not [x for x in found if x["uri"] and "template.pdf" in x["uri"]]
    assert "the shared inbox" in " ".join("".join(pdf_pages(out)).split())


def test_a_page_not_in_the_binder_links_to_the_site_with_site_url(root, tmp_path):
    config = root / "mkdocs.yml"
    config.write_text("site_url: https://runbook.example.org/ops/\n" + config.read_text("utf-8"))
    out = binder(root, tmp_path, "--client", "acme")
    uris = {x["uri"] for x in links(out) if x["uri"]}
    assert "https://runbook.example.org/ops/procedures/general/inbox/" in uris
    assert "https://runbook.example.org/ops/procedures/acme/receipts/template.pdf" in uris
    assert "proc-report" in {x["dest"] for x in links(out)}  # printed here: inside the PDF
