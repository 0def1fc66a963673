"""Time `releve lint` as a whole process on synthetic runbooks (benchmarks/generate.py).

Targets at 2,000 procedures: cold (no `.releve-cache/`) at most 1.0 s, warm (the
cache of the previous run, as in a pre-commit hook) at most 0.5 s. Each run is a
subprocess: start-up, imports, reading every file, every rule and writing the cache
are counted. Three cases per size:

- cold: `.releve-cache/` removed before each run;
- warm: nothing changed since the previous run;
- edit: one procedure edited before each run (what a pre-commit hook sees).

Wall and CPU (user + system) seconds; the best of --repeat runs is kept (the others
measure the machine's noise), and the load average is printed with the results.
`--baseline REV` also times the lint of Relève at that git revision (its
`plugins/` exported to a temporary folder) on the same runbook, in the same run,
so that the ratio holds on a busy machine.

    python benchmarks/lint_bench.py [N ...] [--out DIR] [--repeat K] [--baseline REV]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

RELEVE = Path(sys.executable).parent / "releve"
COLD_S, WARM_S = 1.0, 0.5


def run(root: Path, plugins: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one `releve lint`."""
    env = {**os.environ, "RELEVE_TODAY": "2026-11-23", "PYTHONPATH": str(plugins)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run it: modules from their .pyc
    start = time.perf_counter()
    proc = subprocess.Popen([str(RELEVE), "lint", "--root", str(root), "--format", "json"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"releve lint failed on {root}: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def export_plugins(rev: str, dest: Path) -> Path:
    """`plugins/` of the repository at `rev`, for a baseline in the same run."""
    data = subprocess.run(["git", "-C", str(REPO), "archive", rev, "plugins"],
                          check=True, capture_output=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "plugins"


def touch_one(root: Path, round_: int) -> None:
    """Edit one procedure (a line appended), as before a commit."""
    path = sorted((root / "procedures").rglob("*.md"))[round_ % 7]
    with path.open("a", encoding="utf-8") as out:
        out.write(f"\nModifié ({round_}).\n")


def best(runs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return min(runs)


def case(root: Path, plugins: Path, kind: str, repeat: int) -> tuple[float, float, int]:
    cache = root / ".releve-cache"
    runs = []
    for index in range(repeat):
        if kind == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        elif kind == "edit":
            touch_one(root, index)
        runs.append(run(root, plugins))
    return best(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 500, 1000, 2000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", help="a git revision to time in the same run")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    plugins = REPO / "plugins"
    with tempfile.TemporaryDirectory() as tmp:
        base = export_plugins(args.baseline, Path(tmp)) if args.baseline else None
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        head = "| procedures | case | wall best (s) | CPU (s) | peak MB | target |"
        sep = "|---:|---|---:|---:|---:|:---:|"
        if base:
            head += f" {args.baseline} wall (s) | ratio |"
            sep += "---:|---:|"
        print(head + "\n" + sep)
        failed = False
        for n in args.sizes:
            root = args.out / f"lint-{n}"
            if root.exists():
                shutil.rmtree(root)
            generate(root, n)
            time.sleep(3.1)  # files written this instant are not cached (racy window)
            baseline = case(root, base, "cold", args.repeat) if base else None
            for kind in ("cold", "warm", "edit"):
                if kind == "warm":
                    run(root, plugins)  # the cache of the latest files
                wall, cpu, mb = case(root, plugins, kind, args.repeat)
                target = COLD_S if kind == "cold" else WARM_S
                ok = "yes" if wall <= target else "NO"
                failed |= n == 2000 and wall > target
                line = f"| {n} | {kind} | {wall:.2f} | {cpu:.2f} | {mb} | ≤ {target} s: {ok} |"
                if baseline:
                    line += f" {baseline[0]:.2f} | {wall / baseline[0]:.2f} |"
                print(line, flush=True)
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
