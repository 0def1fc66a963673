"""Size (and time) of the Today page's JSON for a generated runbook.

python benchmarks/today_bench.py [N] [--people P]

The generated procedures carry schedules of several forms (some on demand),
so the JSON holds real due days.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import TODAY, generate  # noqa: E402

from releve.model import load_runbook  # noqa: E402
from releve.render.pages.today import today_json  # noqa: E402


def directory_url(src_uri: str) -> str:
    """The URL MkDocs gives a page with `use_directory_urls` (the default)."""
    stem = src_uri.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def measure(n: int, people: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), n, n_people=people)
        runbook = load_runbook(tmp)
    started = time.perf_counter()
    text = today_json(runbook, TODAY, directory_url)
    return len(text.encode("utf-8")), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--people", type=int, default=12)
    args = parser.parse_args()
    size, seconds = measure(args.n, args.people)
    print(f"{args.n} procedures, {args.people} people: today.json {size / 1000:.1f} KB "
          f"({size} bytes), written in {seconds * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
