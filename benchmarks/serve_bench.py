"""Time what a writer waits for under `releve serve`: an edit until the site shows it.

`releve serve` should rebuild only what an edit changes, so that saving a procedure
shows it in the browser at once, however large the runbook; a full rebuild is correct
too, only slower. For each N, a synthetic runbook of N procedures is generated
(benchmarks/generate.py), then:

- full build: `releve build` of that runbook, as a subprocess (best of --builds, after a
  first build that fills the source cache, as a team's would be);
- `releve serve` is started on it (output captured in a log); once its first build is
  served and its search index written, one procedure's title is changed in its
  front-matter --edits times, and each time:
  - edit -> visible: until the new title is served over HTTP on the procedure's page
    AND on its owner's person page (each polled every 50 ms);
  - edit -> search right: until serve logs that it wrote the search index again (the
    index may be written after the pages are served, in the background).

Each measure is the median over the edits; the ratio is edit -> visible over the full
build. The machine (cores, load average) is printed at start and end: a busy machine
slows every figure. Processes run without PYTHONDONTWRITEBYTECODE, as users run them
(modules from their .pyc).

    python benchmarks/serve_bench.py [N ...] [--edits K] [--builds B] [--engine E] [--full] [--poll]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "plugins"))

from generate import generate  # noqa: E402

from releve.cli.build_cmd import choose  # noqa: E402
from releve.i18n import LANGUAGES, catalogue  # noqa: E402

BIN = Path(sys.executable).parent
TODAY = "2026-11-23"
EVERY = 0.05  # seconds between two looks
START = 1800  # seconds for serve's first build, at most
DEADLINE = 900  # seconds for an edit to be visible, or searched, at most


def environment() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RELEVE_TODAY": TODAY}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run it: modules from their .pyc
    return env


def machine() -> str:
    one, five, fifteen = os.getloadavg()
    usable = len(os.sched_getaffinity(0))
    return (
        f"{os.cpu_count()} cores ({usable} usable), load average {one:.1f} {five:.1f} {fifteen:.1f}"
    )


def search_written() -> re.Pattern[str]:
    """Serve's log line saying the search index was written, in every language."""
    texts = []
    for lang in LANGUAGES:
        entry = catalogue(lang)["build.search_written"]
        texts += entry.values() if isinstance(entry, dict) else [entry]
    wildcard = re.compile(r"\\\{\w+\\\}")  # an escaped {placeholder}
    return re.compile("|".join(wildcard.sub(".+?", re.escape(t)) for t in texts))


SEARCH_WRITTEN = search_written()


def full_build(root: Path, engine: str) -> float:
    """Wall seconds of one `releve build` of `root`."""
    cmd = [str(BIN / "releve"), "build", "--engine", engine, "--root", str(root)]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=environment(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    return elapsed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's text; None when it is not served. Serve holds a request while it
    rebuilds, so the answer comes as soon as the build is done."""
    try:
        with urllib.request.urlopen(url, timeout=DEADLINE) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


class Serve:
    """`releve serve` on a runbook, its output in a log file; stopped by its own pid."""

    def __init__(self, root: Path, engine: str, full: bool, poll: bool = False) -> None:
        self.root = root
        address = f"127.0.0.1:{free_port()}"
        self.url = f"http://{address}/"
        self.log = root.parent / f"serve-{root.name}.log"
        cmd = [
            str(BIN / "releve"),
            "serve",
            "-a",
            address,
            "--engine",
            engine,
            "--root",
            str(root),
            *(["--full"] if full else []),
            *(["--poll"] if poll else []),
        ]
        with open(self.log, "w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(
                cmd, env=environment(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def searches_written(self) -> int:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return len(SEARCH_WRITTEN.findall(text))

    def check(self, what: str, started: float, limit: float) -> None:
        if self.proc.poll() is not None:
            raise SystemExit(f"serve stopped while waiting for {what}:\n{self.tail()}")
        if time.perf_counter() - started > limit:
            raise SystemExit(f"{what}: not after {limit} s:\n{self.tail()}")

    def tail(self) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(line for line in lines[-30:] if " RB0" not in line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # serve removes its temporary site
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def front_field(source: Path, name: str) -> str:
    match = re.search(rf"(?m)^{name}: (.*)$", source.read_text(encoding="utf-8"))
    assert match, (source, name)
    return match.group(1).strip().strip('"')


def set_title(source: Path, title: str) -> None:
    text = source.read_text(encoding="utf-8")
    new, count = re.subn(r"(?m)^title: .*$", f'title: "{title}"', text, count=1)
    assert count == 1, source
    source.write_text(new, encoding="utf-8")


def edit(serve: Serve, source: Path, title: str) -> tuple[float, float]:
    """Change the title of `source`; seconds until it is served on the procedure's page
    and its owner's page, and until the search index is written again (watched in a
    thread: a request to serve waits while it rebuilds)."""
    rel = source.relative_to(serve.root).as_posix()
    waiting = [
        serve.url + rel.removesuffix(".md") + "/",
        serve.url + f"people/{front_field(source, 'owner')}/",
    ]
    written = serve.searches_written()
    searched: list[float] = []

    def watch_log() -> None:
        while serve.proc.poll() is None and time.perf_counter() - start < DEADLINE:
            if serve.searches_written() > written:
                searched.append(time.perf_counter() - start)
                return
            time.sleep(EVERY)

    set_title(source, title)
    start = time.perf_counter()
    watcher = threading.Thread(target=watch_log, daemon=True)
    watcher.start()
    while waiting:
        serve.check(f"{title!r} on {waiting}", start, DEADLINE)
        waiting = [url for url in waiting if title not in (fetch(url) or "")]
        if waiting:
            time.sleep(EVERY)
    visible = time.perf_counter() - start
    watcher.join()
    if not searched:
        serve.check("the search index written again", start, 0)
    return visible, searched[0]


def bench(n: int, engine: str, edits: int, builds: int, full: bool, poll: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        root = generate(Path(tmp) / f"releve-{n}", n)
        time.sleep(3.1)  # files written this instant are not kept by the source cache
        cold = full_build(root, engine)  # fills the source cache, as a team's is
        warm = min(full_build(root, engine) for _ in range(builds))
        source = sorted((root / "procedures").rglob("*.md"))[n // 2]
        serve = Serve(root, engine, full, poll)
        try:
            started = time.perf_counter()
            while fetch(serve.url) is None or serve.searches_written() < 1:
                serve.check("the first build", started, START)
                time.sleep(0.2)
            first = time.perf_counter() - started
            time.sleep(1)  # nothing left running from the first build
            runs = []
            for k in range(1, edits + 1):
                runs.append(edit(serve, source, f"Titre mesure {k} de la tache {n}"))
                time.sleep(1)
        finally:
            serve.stop()
    return {
        "n": n,
        "cold": cold,
        "build": warm,
        "first": first,
        "source": source.name,
        "visible": [r[0] for r in runs],
        "searched": [r[1] for r in runs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 2000])
    parser.add_argument("--edits", type=int, default=3, help="edits per size (median)")
    parser.add_argument("--builds", type=int, default=1, help="warm full builds (best of)")
    parser.add_argument(
        "--engine",
        default="auto",
        choices=("auto", "mkdocs", "properdocs"),
        help="the site engine (default: the one releve chooses)",
    )
    parser.add_argument("--full", action="store_true", help="serve with --full")
    parser.add_argument(
        "--poll", action="store_true", help="serve with --poll (the engine's polling watcher)"
    )
    args = parser.parse_args()
    args.engine = choose(args.engine, "en")  # the one `releve --engine auto` would run
    print(f"machine at start: {machine()}", flush=True)
    flags = (" --full" if args.full else "") + (" --poll" if args.poll else "")
    print(f"engine: {args.engine}; serve{flags}; {args.edits} edits")
    print(
        "| N | full build (s) | edit -> visible (s) | ratio to full build "
        "| edit -> search right (s) |"
    )
    print("|---:|---:|---:|---:|---:|", flush=True)
    results = []
    for n in args.sizes:
        r = bench(n, args.engine, args.edits, args.builds, args.full, args.poll)
        results.append(r)
        visible, searched = statistics.median(r["visible"]), statistics.median(r["searched"])
        print(
            f"| {n} | {r['build']:.1f} | {visible:.2f} | {visible / r['build']:.2f} "
            f"| {searched:.2f} |",
            flush=True,
        )
    for r in results:
        seconds = ", ".join(
            f"{v:.2f}/{s:.2f}" for v, s in zip(r["visible"], r["searched"], strict=True)
        )
        print(
            f"N={r['n']}: first build {r['cold']:.1f} s (no source cache), serve's first "
            f"build served in {r['first']:.1f} s; {r['source']} edited, "
            f"visible/searched: {seconds} s"
        )
    print(f"machine at end: {machine()}")


if __name__ == "__main__":
    main()
