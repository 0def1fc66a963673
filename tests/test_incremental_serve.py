"""Incremental serve: a real `mkdocs serve --dirty` (what `releve serve` runs) on a small
runbook follows every edit on every page that shows it, and a plain `mkdocs serve` stays
correct. Pages are read over HTTP as a browser would; the search index from the served
site folder (the server's temporary folder is put under the test's own with TMPDIR)."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import GOOD, engine_command

pytestmark = pytest.mark.slow

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
"""
WAIT = 240  # seconds: a rebuild on a loaded 2-core machine


def front(title: str, owner: str, backup: str, service: str, client: str | None = None) -> str:
    text = GOOD.replace("Triage the inbox", title).replace("owner: ana", f"owner: {owner}")
    text = text.replace("backup: [ben]", f"backup: [{backup}]").replace(
        "service: ops", f"service: {service}"
    )
    return text + (f"clients: [{client}]\n" if client else "")


@pytest.fixture
def runbook(make_runbook):
    rb = make_runbook(team=TEAM)
    mkdocs = rb.root / "mkdocs.yml"
    # Procedures out of the navigation (as past 200 of them): a title edit is incremental.
    mkdocs.write_text(mkdocs.read_text().replace("binder: false", "binder: false\n"
                                                 "      nav_procedures: false"))  # fmt: skip
    rb.write("clients/acme.md", "---\nname: Acme Inc.\n---\nA client.\n")
    rb.procedure("ops/triage.md", front("Triage the inbox", "ana", "ben", "ops", "acme"),
                 "Open the inbox.\n")  # fmt: skip
    rb.procedure("ops/billing.md", front("Send the invoices", "ben", "chloe", "ops"),
                 "Send them.\n")  # fmt: skip
    rb.procedure("ops/phones.md", front("Answer the phones", "chloe", "ana", "ops"),
                 "Pick up.\n")  # fmt: skip
    rb.write("docs/guide.md", "# Our guide\n\nHow we work.\n")
    return rb


class Served:
    """`mkdocs serve` in a subprocess; its log in a file; its site folder found on disk."""

    def __init__(self, root: Path, tmp: Path, *args: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        self.tmp = tmp
        tmp.mkdir()
        self.log_path = tmp.parent / f"serve-{port}.log"
        self.log = self.log_path.open("w", encoding="utf-8")
        env = {**os.environ, "RELEVE_TODAY": "2026-11-23", "NO_MKDOCS_2_WARNING": "1",
               "TMPDIR": str(tmp)}  # fmt: skip
        self.proc = subprocess.Popen(
            [str(engine_command()), "serve", *args, "-a", f"127.0.0.1:{port}"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        self.until(lambda: "Serving on" in self.text(), "the server never started")
        self.site = next(tmp.glob("*_*"))

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def until(self, ready, what: str):
        deadline = time.monotonic() + WAIT
        while True:
            value = ready()
            if value:
                return value
            assert self.proc.poll() is None, self.text()[-3000:]
            assert time.monotonic() < deadline, f"{what}\n{self.text()[-3000:]}"
            time.sleep(0.25)

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return f"HTTP {err.code}"
        except OSError:
            return ""

    def shows(self, path: str, text: str) -> None:
        self.until(lambda: text in self.get(path), f"{path} never showed {text!r}")

    def pages(self) -> list[str]:
        """Every page of the site, from its sitemap."""
        sitemap = self.get("sitemap.xml")
        return [re.sub(r"^https?://[^/]+/", "", url) for url in re.findall(r"<loc>([^<]+)</loc>",
                                                                            sitemap)]  # fmt: skip

    def indexed(self) -> dict[str, str]:
        """The search index: page URL -> its searched text."""
        out = {}
        for path in (self.site / "pagefind" / "fragment").glob("*.pf_fragment"):
            try:
                page = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])
            except (OSError, ValueError, EOFError):
                return {}  # being replaced: ask again
            out[page["url"]] = page["content"]
        return out

    def stop(self) -> str:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()
        return self.text()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    time.sleep(1.1)  # past the watcher's last look, as a person saves a while later
    path.write_text(text.replace(old, new), encoding="utf-8")


def rebuilt(log: str) -> list[tuple[int, int]]:
    """(pages built again, pages) of every dirty build, in order."""
    return [(int(a), int(b)) for a, b in re.findall(r"pages built again: (\d+) of (\d+)", log)]


def test_dirty_serve_follows_every_edit(runbook, tmp_path):
    root = runbook.root
    served = Served(root, tmp_path / "t", "--dirty")
    try:
        served.until(lambda: "/procedures/ops/billing/" in served.indexed(), "no search index")

        # A title: the procedure, its owner and backup, its service and client, Today, search.
        edit(root / "procedures/ops/triage.md", "Triage the inbox", "Sort the shared mailbox")
        served.shows("procedures/ops/triage/", "Sort the shared mailbox")
        for page in ("people/ana/", "people/ben/", "services/ops/", "clients/acme/",
                     "coverage/", "assets/releve/today.json"):  # fmt: skip
            assert "Sort the shared mailbox" in served.get(page), page
            assert "Triage the inbox" not in served.get(page), page
        served.until(lambda: "Sort the shared mailbox" in served.indexed().get(
            "/procedures/ops/triage/", ""), "search never found the new title")  # fmt: skip
        built, total = rebuilt(served.text())[-1]
        assert 0 < built < total  # only what shows the procedure was built again

        # A name in team.yml: every page follows (each one embeds it in its navigation).
        edit(root / "team.yml", "Ana Lima", "Ana Souza")
        served.shows("people/ana/", "Ana Souza")
        pages = served.pages()
        assert len(pages) > 10
        for page in pages:
            html = served.get(page)
            assert "Ana Lima" not in html, page
        for page in ("procedures/ops/triage/", "procedures/ops/phones/", "index.html"):
            assert "Ana Souza" in served.get(page), page
        assert rebuilt(served.text())[-1][0] == rebuilt(served.text())[-1][1]  # everything

        # A procedure deleted: gone from its owner's and service's lists, and from search.
        (root / "procedures/ops/billing.md").unlink()
        served.until(lambda: served.get("procedures/ops/billing/") == "HTTP 404",
                     "the deleted page is still served")  # fmt: skip
        for page in ("people/ben/", "people/chloe/", "services/ops/", "index.html",
                     "assets/releve/today.json"):  # fmt: skip
            assert "Send the invoices" not in served.get(page), page
        served.until(lambda: "/procedures/ops/billing/" not in served.indexed()
                     and "/procedures/ops/triage/" in served.indexed(),
                     "the deleted page is still in the search index")  # fmt: skip
    finally:
        log = served.stop()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]


def test_plain_serve_stays_correct(runbook, tmp_path):
    """Without --dirty every page is built again on each edit, as MkDocs always did."""
    root = runbook.root
    served = Served(root, tmp_path / "t")
    try:
        edit(root / "procedures/ops/triage.md", "Triage the inbox", "Sort the shared mailbox")
        served.shows("procedures/ops/triage/", "Sort the shared mailbox")
        for page in ("people/ana/", "services/ops/", "clients/acme/", "assets/releve/today.json"):
            assert "Sort the shared mailbox" in served.get(page), page
        served.until(lambda: "Sort the shared mailbox" in served.indexed().get(
            "/procedures/ops/triage/", ""), "search never found the new title")  # fmt: skip
        served.until(lambda: "BEGIN:VCALENDAR" in served.get("calendar.ics"), "no calendar")
    finally:
        log = served.stop()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
    assert rebuilt(log) == []  # no dirty build
