"""Binders are built offline: remote, data: and file: resources in a body are never fetched.

A procedure that embeds an image from the web (or a data: or file: URL) must still
print; the resource is left out and one warning names the procedure file. A local
HTTP server counts requests, so "never fetched" is measured, not assumed.
"""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest
from binder_fixture import TITLES, pdf_pages, write_runbook

from conftest import CHROMIUM, mkdocs_build, releve


class CountingServer:
    """An HTTP server on 127.0.0.1 that records every path requested of it."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/svg+xml")
                self.end_headers()
                self.wfile.write(
                    b'<svg xmlns="http://www.w3.org/2000/svg"><text>HTTP-CANARY</text></svg>'
                )

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = CountingServer()
    yield s
    s.close()


SVG_DATA = (
    "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'><text>DATA-CANARY</text></svg>"
)


def hostile_body(url: str, secret_file: Path) -> str:
    return (
        "Before the images: BODY-BEFORE.\n\n"
        f"![remote]({url}/remote.png)\n\n"
        f'<img src="{url}/raw.svg" alt="raw">\n\n'
        f'<link rel="stylesheet" href="{url}/style.css">\n\n'
        f'<p style="background: url({url}/bg.png)">STYLED-PARAGRAPH</p>\n\n'
        f"<style>@import url({url}/import.css); .x {{ background: url({url}/x.png) }}</style>\n\n"
        f'<img src="{SVG_DATA}">\n\n'
        f"![file](file://{secret_file})\n\n"
        "![relative](images/local.png)\n\n"
        "After the images: BODY-AFTER.\n"
    )


@pytest.fixture
def root(make_runbook, server, tmp_path) -> Path:
    secret = tmp_path / "outside.svg"
    secret.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><text>FILE-CANARY</text></svg>', encoding="utf-8"
    )
    root = write_runbook(make_runbook, "en", binder="true")
    pay = root / "procedures" / "acme" / "pay.md"
    pay.write_text(
        pay.read_text(encoding="utf-8") + "\n" + hostile_body(server.url, secret), encoding="utf-8"
    )
    return root


def test_cli_binder_prints_the_page_fetches_nothing_and_warns_once(root, server, tmp_path):
    out = tmp_path / "acme.pdf"
    done = releve("binder", "--client", "acme", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "procedures/acme/pay.md" in lines[0]
    assert server.url not in done.stderr, "the warning does not echo URLs (they may hold secrets)"
    assert server.hits == []
    text = "".join(pdf_pages(out))
    assert "BODY-BEFORE" in text and "BODY-AFTER" in text and "STYLED-PARAGRAPH" in text
    assert TITLES["pay"] in text
    for canary in ("HTTP-CANARY", "DATA-CANARY", "FILE-CANARY"):
        assert canary not in text


def test_cli_binder_in_french_warns_in_french(make_runbook, server, tmp_path):
    root = write_runbook(make_runbook, "fr")
    rb = root / "procedures" / "globex" / "invoice.md"
    rb.write_text(rb.read_text(encoding="utf-8")
                  + f'\n<link rel="stylesheet" href="{server.url}/a.css">\n', "utf-8")  # fmt: skip
    done = releve("binder", "--all", "-o", str(tmp_path / "all.pdf"), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "procedures/globex/invoice.md" in done.stderr and "cahier" in done.stderr
    assert server.hits == []


def test_an_image_from_the_web_is_noted_not_printed_without_a_warning(make_runbook, server,
                                                                       tmp_path):  # fmt: skip
    """The web's images show on the site; the binder says it did not print them (issue 22)."""
    root = write_runbook(make_runbook, "fr", binder="true")
    rb = root / "procedures" / "globex" / "invoice.md"
    rb.write_text(rb.read_text(encoding="utf-8") + f"\n![Écran]({server.url}/a.png)\n"
                  f'\n<img src="{SVG_DATA}" alt="point">\n', "utf-8")  # fmt: skip
    out = tmp_path / "all.pdf"
    done = releve("binder", "--all", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "invoice.md" not in done.stderr
    text = "".join(pdf_pages(out))
    assert "Image venant du Web, visible sur le site, non imprimée : Écran (127.0.0.1)" in text
    assert "Image intégrée à la page, visible sur le site, non imprimée : point" in text
    assert "DATA-CANARY" not in text and "HTTP-CANARY" not in text
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.stderr
    assert "invoice.md : 2 images" in build.stderr and "WARNING" not in build.stderr
    assert server.hits == []


def test_build_with_binders_succeeds_with_one_warning_per_file(root, server):
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "binders not written" not in done.stderr
    warnings = [x for x in done.stderr.splitlines() if "pay.md" in x and "WARNING" in x
                and "binder" in x.lower()]  # fmt: skip
    assert len(warnings) == 1, done.stderr
    assert server.url not in done.stderr
    assert server.hits == []
    folder = root / "site" / "binders"
    assert (folder / "runbook.pdf").exists() and (folder / "client-acme.pdf").exists()
    assert "BODY-AFTER" in "".join(pdf_pages(folder / "person-ana.pdf"))


def test_html_binder_opened_in_a_browser_fetches_nothing(root, server, tmp_path, chromium):
    out = tmp_path / "acme.html"
    done = releve("binder", "--client", "acme", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert Path(CHROMIUM).exists()
    page = chromium.new_page()
    try:
        page.goto(out.as_uri())
        page.wait_for_timeout(500)
        assert "BODY-AFTER" in page.inner_text("body")
    finally:
        page.close()
    assert server.hits == [], "the print-ready HTML must not call home when opened"


def test_huge_procedure_is_capped_in_binders_with_one_warning(make_runbook, tmp_path):
    import time

    root = write_runbook(make_runbook, "en", binder="true")
    paragraph = "Check the HUGE-BODY ledger line by line and tick it. " * 20 + "\n\n"
    huge = root / "procedures" / "general" / "huge.md"
    huge.write_text(
        "---\ntitle: Huge procedure\nservice: mail\nowner: ana\nbackup: [ben]\n"
        "priority: planned\nsuccess_criteria: [Done]\nreviewed: 2026-11-01\n---\n"
        + paragraph
        * 2700,  # about 2.7 MB
        encoding="utf-8",
    )
    started = time.perf_counter()
    out = tmp_path / "all.pdf"
    done = releve("binder", "--all", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert time.perf_counter() - started < 60
    lines = [x for x in done.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "procedures/general/huge.md" in lines[0], done.stderr
    text = "".join(pdf_pages(out))
    assert "Huge procedure" in text and "too long to print" in text
    assert text.count("HUGE-BODY") < 10
    build = mkdocs_build(root)
    assert build.returncode == 0, build.stderr
    assert len([x for x in build.stderr.splitlines() if "huge.md" in x and "binder" in x]) == 1
    assert time.perf_counter() - started < 240
