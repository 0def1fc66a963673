"""`releve serve`: after an edit, every page that shows what changed follows it.

A real `releve serve` runs on a copy of the sample runbook (with its records), as a
subprocess on a free port; the tests edit its files and read the site over HTTP, as a
browser would, until each page says what it should or a deadline passes (never a timed
assertion: a full rebuild is correct, only slower than an incremental one). Each test
edits its own procedure or person, so that the tests hold in any order on the one
server they share. Search is Pagefind's index, queried with Pagefind's own JavaScript
API in headless Chromium.

Marked `build`: they run the engine named by RELEVE_ENGINE (`--engine`).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
import yaml
from sample_site import copy_sample

from conftest import ENGINE, REPO, TODAY, VENV_BIN
from releve.render.pages.today import TODAY_JSON

pytestmark = [pytest.mark.build, pytest.mark.slow]

FIRST_BUILD = 180  # seconds for the first build to be served
DEADLINE = 60  # seconds for an edit to show; a full rebuild of the sample takes a few
EVERY = 0.25  # seconds between two looks
SITE_NAME = "Cahier de relève"
T = TypeVar("T")
FINDING = re.compile(r":\d+: RB\d{3} ")  # path:line: CODE message


# --- the server ------------------------------------------------------------------------


@dataclass
class Server:
    root: Path  # the runbook being served
    url: str  # http://127.0.0.1:PORT/
    proc: subprocess.Popen
    log: Path  # everything serve printed

    def log_tail(self, lines: int = 25) -> str:
        """The end of serve's log, without the lint's findings (the same at every build)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join([s for s in text.splitlines() if not FINDING.search(s)][-lines:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """Stop serve and what it started (its own process group), by its pid."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGINT)  # serve removes its temporary site on Ctrl-C
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def serving(folder: Path, *options: str) -> Iterator[Server]:
    """`releve serve` (with `options`) on a copy of the sample runbook in `folder`,
    once its first build is served; stopped after."""
    root = copy_sample(folder / "rb")
    shutil.copytree(REPO / "records", root / "records")
    port = free_port()
    log = root.parent / "serve.log"
    env = {**os.environ, "RELEVE_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    command = [
        str(VENV_BIN / "releve"),
        "serve",
        "-a",
        f"127.0.0.1:{port}",
        "--engine",
        ENGINE,
        "--root",
        str(root),
        *options,
    ]
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    served = Server(root, f"http://127.0.0.1:{port}/", proc, log)
    try:
        expect(served, "", has=[SITE_NAME], seconds=FIRST_BUILD)
        yield served
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`releve serve` on a copy of the sample runbook, shared by the module's tests."""
    with serving(tmp_path_factory.mktemp("incremental")) as served:
        yield served


# --- reading the site --------------------------------------------------------------------


@dataclass
class Page:
    url: str
    status: int  # 0: no answer
    text: str  # the body, or why there was no answer

    @property
    def whole(self) -> bool:
        """Served completely: an HTML page to its end, a JSON file that parses."""
        if self.status != 200:
            return False
        if self.url.endswith(".json"):
            try:
                json.loads(self.text)
            except ValueError:
                return False
            return True
        return "</html>" in self.text


def fetch(url: str) -> Page:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return Page(url, response.status, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as err:
        return Page(url, err.code, err.read().decode("utf-8", "replace"))
    except OSError as err:
        return Page(url, 0, f"no answer: {err}")


def visible(text: str) -> str:
    """A page's text without scripts, styles and tags, on one line."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def around(text: str, word: str, width: int = 120) -> str:
    """Where `word` is in `text`, with some context each side."""
    at = text.find(word)
    return text[max(0, at - width) : at + len(word) + width] if at >= 0 else ""


def eventually(
    probe: Callable[[], T],
    ok: Callable[[T], bool],
    expected: str,
    server: Server,
    seconds: float = DEADLINE,
    show: Callable[[T], str] = repr,
) -> T:
    """Call `probe` until `ok(result)` holds; past the deadline, fail showing the last
    result (through `show`) and the end of serve's log."""
    deadline = time.monotonic() + seconds
    while True:
        if server.proc.poll() is not None:
            pytest.fail(f"serve stopped ({server.proc.returncode}):\n{server.log_tail()}")
        result = probe()
        if ok(result):
            return result
        if time.monotonic() > deadline:
            pytest.fail(
                f"{expected}: still not so after {seconds} s.\n{show(result)}\n"
                f"--- end of serve's log ---\n{server.log_tail()}"
            )
        time.sleep(EVERY)


def poll(
    server: Server,
    path: str,
    predicate: Callable[[Page], bool],
    expected: str,
    seconds: float = DEADLINE,
) -> Page:
    """Fetch the site's `path` until `predicate(page)` holds, else fail showing the page."""

    def show(page: Page) -> str:
        text = page.text if page.url.endswith(".json") else visible(page.text)
        return f"Last answer: HTTP {page.status}, {len(page.text)} characters:\n{text[:1500]}"

    return eventually(
        lambda: fetch(server.url + path),
        predicate,
        f"{server.url + path}: {expected}",
        server,
        seconds,
        show,
    )


def expect(
    server: Server,
    path: str,
    has: Iterable[str] = (),
    lacks: Iterable[str] = (),
    seconds: float = DEADLINE,
) -> Page:
    """Poll `path` until it is served whole, with every string of `has`, none of `lacks`;
    a failure shows which are (not) there, in context."""
    has, lacks = list(has), list(lacks)

    def predicate(page: Page) -> bool:
        return (
            page.whole
            and all(s in page.text for s in has)
            and not any(s in page.text for s in lacks)
        )

    expected = f"served whole with {has} and without {lacks}"
    try:
        return poll(server, path, predicate, expected, seconds)
    except pytest.fail.Exception as failure:
        page = fetch(server.url + path)
        detail = [f"  missing {s!r}" for s in has if s not in page.text]
        detail += [
            f"  still there {s!r}: ...{around(page.text, s)}..." for s in lacks if s in page.text
        ]
        pytest.fail(f"{failure}\nNow:\n" + "\n".join(detail))


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)  # site path -> page served whole
    links: dict[str, set[str]] = field(default_factory=dict)  # site path -> paths it links to

    def showing(self, text: str) -> set[str]:
        return {path for path, page in self.pages.items() if text in page.text}

    def linking_to(self, target: str) -> set[str]:
        return {path for path, to in self.links.items() if target in to}


HREF = re.compile(r'href="([^"#?]*)')


def crawl(server: Server) -> Site:
    """Every page reachable from the home page by its links, and the Today data."""
    site, todo = Site(), ["", TODAY_JSON]
    while todo:
        path = todo.pop()
        if path in site.links:
            continue
        page = fetch(server.url + path)
        site.links[path] = set()
        if not page.whole:
            continue
        site.pages[path] = page
        for href in HREF.findall(page.text):
            url = urllib.parse.urljoin(server.url + path, href)
            if not url.startswith(server.url):
                continue
            target = url[len(server.url) :]
            if target.endswith("/") or target.endswith(".html") or target == "":
                site.links[path].add(target)
                todo.append(target)
    return site


# --- the runbook's files -----------------------------------------------------------------


def front(source: Path) -> dict:
    return yaml.safe_load(source.read_text(encoding="utf-8").split("---\n")[1])


def page_of(source: str) -> str:
    """The site path of a procedure's page: procedures/a/b.md -> procedures/a/b/."""
    return source.removesuffix(".md") + "/"


def set_title(source: Path, title: str) -> None:
    text = source.read_text(encoding="utf-8")
    new, count = re.subn(r"(?m)^title: .*$", f"title: {title}", text, count=1)
    assert count == 1, source
    source.write_text(new, encoding="utf-8")


def owned_by(root: Path, person: str) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in (root / "procedures").rglob("*.md")
        if front(p).get("owner") == person
    )


# --- search --------------------------------------------------------------------------------

# Pagefind's own API, as the header box's script uses it, from a document of the site that
# is not a page (no live-reload script to reload it while it searches).
SEARCH = """async (query) => {
  const pagefind = await import(new URL("/pagefind/pagefind.js", location.origin).href);
  await pagefind.options({ baseUrl: "/" });
  await pagefind.init();
  const found = await pagefind.search(query);
  const pages = await Promise.all(found.results.map((r) => r.data()));
  return pages.map((p) => [p.url.replace(/^\\//, ""), p.meta.title || ""]);
}"""


def search(browser, server: Server, query: str) -> list[tuple[str, str]] | str:
    """(site path, title) of each result, best first; an error's text when it failed (an
    index being rewritten), for `eventually` to try again. A new context each time: nothing
    of an older index is kept in a cache."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "pagefind/pagefind-entry.json")
        return [tuple(r) for r in page.evaluate(SEARCH, query)]
    except Exception as err:  # Playwright's errors: the page's own, or a timeout
        return f"search failed: {err}"
    finally:
        context.close()


def found(results: list[tuple[str, str]] | str, path: str) -> str | None:
    """The title the search gives the page at `path`, None when it is not found."""
    if isinstance(results, str):
        return None
    return next((title for url, title in results if url == path), None)


# --- the tests ----------------------------------------------------------------------------


def test_a_title_edit_reaches_the_page_its_owner_its_service_and_today(server):
    source = "procedures/facturation/relance-jour-7.md"
    meta = front(server.root / source)
    old, new = meta["title"], "Relance Quokka au septieme jour"
    where = [
        page_of(source),
        f"people/{meta['owner']}/",
        f"services/{meta['service']}/",
        TODAY_JSON,
    ]
    for path in where:  # as served before the edit: the checks below can fail
        expect(server, path, has=[old], lacks=[new], seconds=0)
    set_title(server.root / source, new)
    for path in where:
        expect(server, path, has=[new], lacks=[old])
    today = json.loads(fetch(server.url + TODAY_JSON).text)
    assert new in [proc[0] for proc in today["procs"]]


@pytest.mark.browser
def test_search_follows_a_title_edit(server, chromium):
    source = "procedures/telephone/messages-vocaux.md"
    path, old = page_of(source), front(server.root / source)["title"]
    new = "Ecoute Wombat des messages vocaux"
    before = eventually(
        lambda: search(chromium, server, "vocaux"),
        lambda r: found(r, path) == old,
        f"search finds {old!r}",
        server,
    )
    assert found(search(chromium, server, "wombat"), path) is None, before
    set_title(server.root / source, new)
    expect(server, path, has=[new])  # served first; the index may follow
    eventually(
        lambda: search(chromium, server, "wombat"),
        lambda r: found(r, path) == new,
        f"search for 'wombat' finds {path} titled {new!r}",
        server,
    )
    eventually(
        lambda: search(chromium, server, "vocaux"),
        lambda r: found(r, path) == new,
        f"search for 'vocaux' finds {path} titled {new!r}, not {old!r}",
        server,
    )


def test_a_renamed_person_is_renamed_on_every_page_that_shows_them(server):
    person, new = "julie", "Juliette Zorzi"
    team = server.root / "team.yml"
    old = next(
        p["name"] for p in yaml.safe_load(team.read_text("utf-8"))["people"] if p["id"] == person
    )
    before = crawl(server)
    showing = before.showing(old)
    owned = [page_of(s) for s in owned_by(server.root, person)]
    assert owned, "the sample gives her procedures"
    required = {f"people/{person}/", "people/", TODAY_JSON, *owned}
    assert required <= showing, sorted(required - showing)
    assert not before.showing(new)
    text = team.read_text(encoding="utf-8")
    assert text.count(f"name: {old}\n") == 1
    team.write_text(text.replace(f"name: {old}\n", f"name: {new}\n"), encoding="utf-8")
    for path in sorted(showing):  # her page first is not promised: each in turn
        expect(server, path, has=[new], lacks=[old])
    after = crawl(server)
    assert set(before.pages) <= set(after.pages), sorted(set(before.pages) - set(after.pages))
    assert not after.showing(old), sorted(after.showing(old))


@pytest.mark.browser
def test_a_deleted_procedure_leaves_every_list_and_search(server, chromium):
    source = "procedures/passation/depart-membre-equipe.md"
    path, meta = page_of(source), front(server.root / source)
    sibling = page_of("procedures/passation/accueil-nouveau-client.md")
    slug = Path(source).stem  # in every link to the page and in the Today data
    before = crawl(server)
    lists = before.showing(slug) - {path}
    required = {
        f"services/{meta['service']}/",
        f"people/{meta['owner']}/",
        *(f"people/{b}/" for b in meta["backup"]),
        TODAY_JSON,
    }
    assert required <= lists, sorted(required - lists)
    assert path in before.pages and before.linking_to(path)
    eventually(
        lambda: search(chromium, server, "départ membre"),
        lambda r: found(r, path) == meta["title"],
        f"search finds {path} before it is deleted",
        server,
    )

    (server.root / source).unlink()
    for page in sorted(lists):  # still served, without the procedure
        expect(server, page, lacks=[slug])
    after = eventually(
        lambda: crawl(server),
        lambda s: lists <= set(s.pages) and not s.showing(slug) - {path},
        f"no page but its own shows {slug}",
        server,
        show=lambda s: (
            f"shown on {sorted(s.showing(slug))}, missing {sorted(lists - set(s.pages))}"
        ),
    )
    assert not after.linking_to(path), sorted(after.linking_to(path))
    eventually(
        lambda: (search(chromium, server, "départ membre"), search(chromium, server, "accueil")),
        lambda r: found(r[1], sibling) is not None and found(r[0], path) is None,
        f"search finds {sibling}, not {path}",
        server,
    )


def test_a_deleted_procedure_is_no_longer_served_at_its_url(server):
    source = "procedures/absences/exercice-releve.md"
    path, title = page_of(source), front(server.root / source)["title"]
    expect(server, path, has=[title], seconds=0)
    (server.root / source).unlink()
    poll(server, path, lambda page: page.status == 404, "answered 404 Not Found")


def test_a_new_procedure_appears_on_its_people_and_service_pages(server):
    source = "procedures/agenda/inventaire-fournitures.md"
    title = "Inventaire Narval des fournitures"
    meta = {"owner": "elodie", "backup": ["samir"], "service": "agenda"}
    where = [
        f"people/{meta['owner']}/",
        f"people/{meta['backup'][0]}/",
        f"services/{meta['service']}/",
    ]
    for path in where:
        expect(server, path, lacks=[title], seconds=0)
    (server.root / source).write_text(
        f"---\ntitle: {title}\nservice: {meta['service']}\nowner: {meta['owner']}\n"
        f"backup: [{', '.join(meta['backup'])}]\npriority: planned\n"
        "success_criteria: [Les fournitures manquantes sont commandées le vendredi]\n"
        "reviewed: 2026-11-20\n---\n\n1. Compter les fournitures.\n2. Commander ce qui manque.\n",
        encoding="utf-8",
    )
    expect(server, page_of(source), has=[title])
    for path in where:
        expect(server, path, has=[title, "inventaire-fournitures/"])


def test_serve_watches_with_the_systems_events_and_builds_only_on_a_change(server):
    """`releve serve` swaps the engine's polling for native file events (test_watching.py),
    which also report files opened and read: each build reads every source, and none of
    that may start another build. Left alone, the server builds nothing more."""
    from releve.i18n import t

    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert t("fr", "serve.watch_native") in log, server.log_tail()

    def builds() -> int:
        return server.log.read_text(encoding="utf-8", errors="replace").count(
            "Building documentation"
        )

    source = "procedures/agenda/signatures-notariales.md"
    page = server.root / source
    page.write_text(page.read_text(encoding="utf-8") + "\nMot témoin Ornithorynque.\n", "utf-8")
    expect(server, page_of(source), has=["Ornithorynque"])  # one build, reading sources
    time.sleep(3)  # a build of the sample takes about a second: a loop would show
    before = builds()
    for _ in range(3):
        expect(server, "", has=[SITE_NAME], seconds=0)  # serving reads the site, not sources
    time.sleep(3)
    assert builds() == before, server.log_tail()


def test_serve_poll_keeps_the_engines_polling_and_still_follows_an_edit(tmp_path):
    """`--poll`, for shares and container mounts where file events do not arrive: no
    native watcher, and an edit is still seen (within the engine's half-second polls)."""
    from releve.i18n import t

    with serving(tmp_path, "--poll") as polled:
        log = polled.log.read_text(encoding="utf-8", errors="replace")
        assert t("fr", "serve.watch_native") not in log
        source = "procedures/agenda/rappels-rendez-vous.md"
        page = polled.root / source
        page.write_text(page.read_text(encoding="utf-8") + "\nMot témoin Axolotl.\n", "utf-8")
        expect(polled, page_of(source), has=["Axolotl"])
