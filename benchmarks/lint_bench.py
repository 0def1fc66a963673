"""Time `releve lint` as a whole process on synthetic runbooks (benchmarks/generate.py).

The target is 2,000 procedures in at most 2 s on a 2-core machine (aim: 0.5 s),
so the lint stays usable as a pre-commit hook. Each run is a subprocess: start-up,
imports, reading every file and every rule are counted. The best of --repeat
runs is kept (the others measure the machine's noise).

    python benchmarks/lint_bench.py [N ...] [--out DIR] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

RELEVE = Path(sys.executable).parent / "releve"
BUDGET_S = 2.0


def run(root: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (MB) and exit code of one `releve lint`."""
    env = {**os.environ, "RELEVE_TODAY": "2026-11-23"}
    start = time.perf_counter()
    proc = subprocess.Popen([str(RELEVE), "lint", "--root", str(root), "--format", "json"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"releve lint failed on {root}: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 500, 1000, 2000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print("| procedures | best (s) | median (s) | peak MB | exit | within 2 s |")
    print("|---:|---:|---:|---:|---:|:---:|")
    worst = 0.0
    for n in args.sizes:
        root = args.out / f"lint-{n}"
        if root.exists():
            shutil.rmtree(root)
        generate(root, n)
        runs = sorted(run(root) for _ in range(args.repeat))
        best, median = runs[0], runs[len(runs) // 2]
        worst = max(worst, best[0])
        ok = "yes" if best[0] <= BUDGET_S else "NO"
        print(f"| {n} | {best[0]:.2f} | {median[0]:.2f} | {best[1]} | {best[2]} | {ok} |",
              flush=True)  # fmt: skip
    sys.exit(0 if worst <= BUDGET_S else 1)


if __name__ == "__main__":
    main()
