"""What a reader downloads for a first search, and what indexing adds to a build.

For each N, a synthetic runbook (benchmarks/generate.py, the configuration
`releve init` writes) is built twice, PDF binders off:

- Relève's search: Pagefind, indexed at the end of the build;
- Material's search: the same runbook with `search: false` for Relève and
  Material's `search` plugin (`lang: [fr, en]`), i.e. lunr and search_index.json.

Each site is served by a local server that gzips text files, as GitHub Pages and
most hosts do (Pagefind's index files are gzipped already). Headless Chromium
opens the home page, presses `/`, types the query like a person and waits for
the first result. Bytes are counted by the server (bodies as sent, compressed
where the host would compress; the search engines' Web Workers fetch files
that a page's DevTools session does not see), split into the page load and the
files search needs.
Material fetches its whole index with every first page view, searched or not;
Pagefind fetches nothing until the box is used, then only the chunks it needs.

    python benchmarks/search_bench.py [N ...] [--out DIR] [--query WORD]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
TEXT = {".html", ".js", ".css", ".json", ".xml", ".svg", ".txt", ".map"}
SEARCH_URL = re.compile(r"/pagefind/|/search/|workers/search|/lunr/|releve/search\.")
INDEXED = re.compile(r"(\d[\d\s]*) pages (?:written in|écrit en)")  # "2 125" in French


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that compresses text files, like a real host, and counts bytes sent."""

    sent: list[tuple[str, int]]  # (URL path, body bytes), set per server

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.suffix in TEXT and path.is_file()):
            if path.is_file():
                self.sent.append((self.path, path.stat().st_size))
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.sent.append((self.path, len(body)))
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str, list[tuple[str, int]]]:
    sent: list[tuple[str, int]] = []
    handler = functools.partial(type("Counting", (GzipHandler,), {"sent": sent}),
                                directory=str(site))  # fmt: skip
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/", sent


def configure(root: Path, material: bool) -> None:
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"binder: auto.*", "binder: false", config)
    if material:
        config = config.replace(
            "  - releve:\n", "  - search:\n      lang: [fr, en]\n  - releve:\n      search: false\n"
        )
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def build(root: Path) -> tuple[float, float, int | None]:
    """Whole-process build: wall seconds, CPU seconds (the build and Pagefind), pages indexed."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RELEVE_TODAY": "2026-11-23"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "mkdocs"), "build"], cwd=root, env=env,
                          capture_output=True, text=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{done.stderr[-3000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    match = INDEXED.search(done.stderr)
    return elapsed, cpu, int(re.sub(r"\D", "", match.group(1))) if match else None


def index_only(site: Path, repeat: int) -> tuple[float, float]:
    """Pagefind alone on the built site: best wall seconds and best CPU seconds of `repeat`.

    CPU time (Pagefind's process, all threads) does not depend on what else the
    machine runs; wall time does.
    """
    from releve.render.search import build_index

    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(build_index(site, "fr").seconds)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def raw_size(site: Path, files: list[str]) -> int:
    """The same files uncompressed, as a host that does not gzip would send them."""
    return sum((site / urlsplit(f).path.lstrip("/")).stat().st_size for f in files)


def first_search(browser, url: str, sent: list[tuple[str, int]], query: str) -> dict:
    """Bytes sent: page load, then search files until the first result shows."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def totals() -> tuple[int, int, int]:
        found = [n for path, n in sent if SEARCH_URL.search(path)]
        return sum(n for _, n in sent), sum(found), len(found)

    page.goto(url, wait_until="load")
    page.wait_for_timeout(3000)  # let Material's eager index download finish
    loaded, loaded_search, _ = totals()
    page.keyboard.press("/")
    page.keyboard.type(query, delay=60)
    page.wait_for_selector(".md-search-result__item", timeout=120_000)
    page.wait_for_timeout(1500)  # late excerpts or chunks still count
    total, search, requests = totals()
    context.close()
    files = [path for path, _ in sent if SEARCH_URL.search(path)]
    return {"load": loaded, "load_search": loaded_search, "total": total, "search": search,
            "requests": requests, "files": files}  # fmt: skip


def kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 2000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--query", default="factures")
    parser.add_argument("--repeat", type=int, default=3, help="index-only runs per size")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in args.sizes:
            for material in (False, True):
                root = args.out / f"search-{'lunr' if material else 'pagefind'}-{n}"
                if root.exists():
                    shutil.rmtree(root)
                generate(root, n)
                configure(root, material)
                seconds, cpu, pages = build(root)
                site = root / "site"
                timing = None if material else index_only(site, args.repeat)
                bundle = site / ("search" if material else "pagefind")
                on_disk = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
                httpd, url, sent = serve(site)
                try:
                    net = first_search(browser, url, sent, args.query)
                    net["raw"] = raw_size(site, net["files"])
                finally:
                    httpd.shutdown()
                rows.append((n, "Material (lunr)" if material else "Relève (Pagefind)",
                             (seconds, cpu), timing, pages, on_disk, net))  # fmt: skip
                print(rows[-1], flush=True)
        browser.close()

    print()
    print(
        "| N | search | build: wall, CPU (s) | indexing: wall, CPU (s) | index on disk "
        "| search bytes before the first result | of which at page load | uncompressed "
        "| search requests |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, name, seconds, timing, pages, on_disk, net in rows:
        indexing = f"{timing[0]:.1f}, {timing[1]:.1f} ({pages} pages)" if timing else "—"
        print(
            f"| {n} | {name} | {seconds[0]:.1f}, {seconds[1]:.1f} | {indexing} | {kib(on_disk)} "
            f"| {kib(net['search'])} | {kib(net['load_search'])} | {kib(net['raw'])} "
            f"| {net['requests']} |"
        )


if __name__ == "__main__":
    main()
