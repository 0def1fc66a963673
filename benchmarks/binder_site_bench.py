"""Time the binders a site build publishes: first build, a rebuild with nothing changed,
a rebuild after one procedure changed; each against a build without binders, in one run.

For each N a runbook is generated (benchmarks/generate.py, the configuration `releve
init` writes) and built with `mkdocs build` as a subprocess (whole process):

- without binders (`binder: false`, a second config file): the reference;
- first build with binders: `.releve-cache/binders/` removed before;
- no change: the same build again (every binder reused from the cache);
- one edit: a line added to one procedure before the build (the binders that hold
  it are rendered again: the whole runbook, its owner's and backups', its clients').

The target: a rebuild with nothing changed takes at most 1.5 times a build without
binders. Each case is repeated (--repeat) and the best kept; the load average is
printed with the results.

    python benchmarks/binder_site_bench.py [N ...] [--out DIR] [--repeat K]

Run it on an idle machine: the first build lays out PDFs in one worker per core.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
TARGET = 1.5
WRITTEN = re.compile(r"\((\d+) (?:reused|repris)[^,]*, (\d+) ")


def build(root: Path, config: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the build and its PDF workers) and the build's log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RELEVE_TODAY": "2026-11-23"}
    start = time.perf_counter()
    command = [str(BIN / "mkdocs"), "build", "-f", config]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL,
                                stderr=log, text=True)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        log.seek(0)
        text = log.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"mkdocs build failed in {root}: {text[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, text


def counts(log: str) -> str:
    match = WRITTEN.search(log)
    return f"{match.group(1)} reused, {match.group(2)} rendered" if match else "?"


def bench(n: int, out: Path, repeat: int) -> list[tuple]:
    root = out / f"binders-{n}"
    if root.exists():
        shutil.rmtree(root)
    generate(root, n)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    if "binder:" not in text:
        raise SystemExit("mkdocs.yml from releve init has no binder option")
    (root / "mkdocs.yml").write_text(re.sub(r"binder: \w+", "binder: true", text, count=1))
    (root / "nobinder.yml").write_text(re.sub(r"binder: \w+", "binder: false", text, count=1))
    build(root, "nobinder.yml")  # warm the file system's cache for every case
    rows = [("without binders", *min(build(root, "nobinder.yml")[:2] for _ in range(repeat)), "-")]
    first, same, edits = [], [], []
    for _ in range(repeat):
        shutil.rmtree(root / ".releve-cache" / "binders", ignore_errors=True)
        wall, cpu, log = build(root, "mkdocs.yml")
        first.append((wall, cpu, counts(log)))
    rows.append(("first build", *min(first)))
    for _ in range(repeat):
        wall, cpu, log = build(root, "mkdocs.yml")
        same.append((wall, cpu, counts(log)))
    rows.append(("no change", *min(same)))
    procedure = sorted((root / "procedures").rglob("*.md"))[3]
    for index in range(repeat):
        with procedure.open("a", encoding="utf-8") as handle:
            handle.write(f"\nModifié ({index}).\n")
        wall, cpu, log = build(root, "mkdocs.yml")
        edits.append((wall, cpu, counts(log)))
    rows.append(("one edit", *min(edits)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "sizes",
        nargs="*",
        type=int,
        default=[100],
        help="procedures in each generated runbook (default: 100)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "out",
        help="where the runbooks are generated (default: benchmarks/out)",
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="builds of each case, the best kept (default: 2)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| N | build | wall (s) | wall vs without binders | CPU (s) | CPU vs without binders "
          "| binders |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|---|")
    good = True
    for n in args.sizes:
        rows = bench(n, args.out, args.repeat)
        wall0, cpu0 = rows[0][1], rows[0][2]
        for name, wall, cpu, what in rows:
            print(f"| {n} | {name} | {wall:.1f} | {wall / wall0:.2f} | {cpu:.1f} "
                  f"| {cpu / cpu0:.2f} | {what} |", flush=True)  # fmt: skip
        ok = rows[2][1] <= TARGET * wall0
        good &= ok
        print(f"| {n} | no change ≤ {TARGET} × without binders (wall) | | {'yes' if ok else 'NO'} "
              "| | | |")  # fmt: skip
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
