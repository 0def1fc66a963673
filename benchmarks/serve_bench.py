"""Time `mkdocs serve --dirty` (what `releve serve` runs): from saving an edit to the edited
page and its owner's page both served with the change, against a full `mkdocs build`.

For each N a runbook is generated (benchmarks/generate.py) and built once with `mkdocs
build` (the reference, whole process). Then `mkdocs serve --dirty` is started; each
round changes the title of one procedure (a new one each round) and polls, over HTTP,
the procedure's page and its owner's page until both show the new title: that is
"edit -> visible", MkDocs' file watcher (it polls every 0.5 s) included. The search
index is made in the background after the pages are served; the time until the
procedure's new title is in the index is reported too ("search right").

The target at 2,000 procedures: edit -> visible within 10% of a full build. Each
number is the best of --repeat rounds; the load average is printed.

    python benchmarks/serve_bench.py [N ...] [--out DIR] [--repeat K] [--plain]

`--plain` also times a plain `mkdocs serve` (every page built again on each edit).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RELEVE_TODAY": "2026-11-23"}
TARGET = 0.10


def full_build(root: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "mkdocs"), "build", "-q"], cwd=root, env=ENV,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def indexed(site: Path, url: str, text: str) -> bool:
    """Whether the search index has `text` in the fragment of the page at `url`."""
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        try:
            page = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])
        except (OSError, ValueError, EOFError):
            continue
        if page.get("url") == url and text in json.dumps(page, ensure_ascii=False):
            return True
    return False


class Server:
    def __init__(self, root: Path, dirty: bool) -> None:
        self.port = free_port()
        self.tmp = root / ".serve-tmp"
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir()
        command = [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{self.port}"]
        command += ["--dirty"] if dirty else []
        self.log = (root / "serve.log").open("w", encoding="utf-8")
        self.proc = subprocess.Popen(command, cwd=root, env={**ENV, "TMPDIR": str(self.tmp)},
                                     stdout=subprocess.DEVNULL, stderr=self.log)  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 900
        while "Serving on" not in (root / "serve.log").read_text(encoding="utf-8"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("mkdocs serve did not start: see serve.log")
            time.sleep(0.5)
        self.site = next(self.tmp.glob("mkdocs_*"))
        # The first search index is made in the background: let it finish before timing.
        while not (self.site / "pagefind" / "pagefind-entry.json").exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("mkdocs serve wrote no search index: see serve.log")
            time.sleep(0.5)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


def owner_of(text: str) -> str:
    return re.search(r"^owner: (\S+)", text, re.M).group(1)


def rounds(root: Path, dirty: bool, repeat: int) -> tuple[float, float]:
    """Best edit -> visible and best edit -> search right, in seconds."""
    server = Server(root, dirty)
    visible, searched = [], []
    try:
        procedures = sorted((root / "procedures").rglob("*.md"))
        for index in range(repeat):
            path = procedures[10 + 97 * index]
            text = path.read_text(encoding="utf-8")
            rel = path.relative_to(root).with_suffix("").as_posix()
            page, owner = f"{server.url}{rel}/", f"{server.url}people/{owner_of(text)}/"
            title = f"Titre modifié {index} {time.time_ns()}"
            time.sleep(1.0)  # the watcher settles
            start = time.perf_counter()
            path.write_text(re.sub(r'^title: .*$', f'title: "{title}"', text, count=1,
                                   flags=re.M), encoding="utf-8")  # fmt: skip
            seen: set[str] = set()
            while len(seen) < 2:
                for url in (page, owner):
                    if url not in seen and title in fetch(url):
                        seen.add(url)
                if time.perf_counter() - start > 900:
                    raise SystemExit("the edit never showed")
                time.sleep(0.05)
            visible.append(time.perf_counter() - start)
            while not indexed(server.site, f"/{rel}/", title):
                if time.perf_counter() - start > 900:
                    raise SystemExit("the search index never showed the edit")
                time.sleep(0.2)
            searched.append(time.perf_counter() - start)
    finally:
        server.stop()
    return min(visible), min(searched)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 2000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="also time a plain mkdocs serve")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| N | serve | full build (s) | edit → page and owner visible (s) | ratio "
          "| edit → search right (s) |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|")
    good = True
    for n in args.sizes:
        root = args.out / f"serve-{n}"
        if root.exists():
            shutil.rmtree(root)
        generate(root, n)
        full_build(root)  # the source cache, as a team that builds before serving has it
        full = min(full_build(root) for _ in range(2))
        modes = [("--dirty", True)] + ([("plain", False)] if args.plain else [])
        for name, dirty in modes:
            visible, searched = rounds(root, dirty, args.repeat)
            ratio = visible / full
            if dirty and n >= 2000:
                good &= ratio <= TARGET
            print(f"| {n} | {name} | {full:.1f} | {visible:.2f} | {ratio:.2f} | {searched:.1f} |",
                  flush=True)  # fmt: skip
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
