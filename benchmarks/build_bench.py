"""Time a Relève build against plain MkDocs + Material on the same Markdown.

For each N, a synthetic runbook is generated (benchmarks/generate.py). The
Relève site uses the configuration `releve init` writes; the plain site puts
the same procedure files in docs/ with Material's defaults (default nav, search).
Each build runs as a subprocess, so wall time and peak memory are whole-process;
CPU time (user + system, Pagefind included) gives a ratio that a busy machine
disturbs less. Wall and CPU are the best of --repeat runs, peak memory the highest.

    python benchmarks/build_bench.py [N ...] [--out DIR] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
PLAIN_MKDOCS = """\
site_name: Plain runbook
theme:
  name: material
  font: false
plugins:
  - search
"""


def run(cmd: list[str], cwd: Path) -> tuple[float, int, float, int]:
    """Wall seconds, peak RSS (MB) of the build with the processes it ran (Pagefind, PDF
    workers), CPU seconds (user + system, the same), peak RSS (MB) of the build's own
    Python process (its VmHWM, read while it runs)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RELEVE_TODAY": "2026-11-23"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run it: modules from their .pyc
    start = time.perf_counter()
    own = [0]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        watcher = threading.Thread(target=_high_water, args=(proc.pid, own), daemon=True)
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        watcher.join()
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed in {cwd}: {err.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime, own[0] // 1024


def _high_water(pid: int, out: list[int]) -> None:
    """The process's own peak RSS (kB), read from /proc until it ends (Linux)."""
    status = Path(f"/proc/{pid}/status")
    while True:
        try:
            text = status.read_text()
        except OSError:
            return
        if "VmHWM" not in text:  # a zombie: it has ended
            return
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                out[0] = max(out[0], int(line.split()[1]))
        time.sleep(0.05)


def site_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def plain_copy(runbook: Path, dest: Path) -> None:
    """The same Markdown, as a plain MkDocs project would hold it."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "docs").mkdir(parents=True)
    shutil.copytree(runbook / "procedures", dest / "docs" / "procedures")
    if (runbook / "clients").exists():
        shutil.copytree(runbook / "clients", dest / "docs" / "clients")
    (dest / "docs" / "index.md").write_text("# Runbook\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(PLAIN_MKDOCS, encoding="utf-8")


def bench(n: int, out: Path, repeat: int) -> dict:
    runbook = out / f"releve-{n}"
    if runbook.exists():
        shutil.rmtree(runbook)
    generate(runbook, n)
    time.sleep(3.1)  # files written this instant are not kept by the source cache
    plain = out / f"plain-{n}"
    plain_copy(runbook, plain)
    mkdocs = str(BIN / "mkdocs")
    # Alternately, so that both meet the same moments of a busy machine. Relève's first
    # build has no source cache (.releve-cache/), the next ones do, as a team's would.
    rel_runs, pla_runs = [], []
    for _ in range(repeat):
        rel_runs.append(run([mkdocs, "build", "-q"], runbook))
        pla_runs.append(run([mkdocs, "build", "-q"], plain))
    rel, pla = min(rel_runs), min(pla_runs)
    return {
        "n": n,
        "releve_s": rel[0],
        "plain_s": pla[0],
        "releve_cold_s": rel_runs[0][0],
        "releve_cpu": min(r[2] for r in rel_runs),
        "plain_cpu": min(r[2] for r in pla_runs),
        "releve_mb": max(r[1] for r in rel_runs),
        "releve_own_mb": max(r[3] for r in rel_runs),
        "plain_mb": max(r[1] for r in pla_runs),
        "releve_size": site_bytes(runbook / "site"),
        "plain_size": site_bytes(plain / "site"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 500, 1000, 2000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        "| N | Relève (s) | plain (s) | time ratio | CPU ratio | Relève first build (s) "
        "| Relève peak MB (Python / with Pagefind, PDF workers) | plain peak MB | Relève site MB "
        "| plain site MB | size ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = bench(n, args.out, args.repeat)
        ratio = r["releve_s"] / r["plain_s"]
        cpu = r["releve_cpu"] / r["plain_cpu"]
        print(
            f"| {n} | {r['releve_s']:.1f} | {r['plain_s']:.1f} | {ratio:.2f} | {cpu:.2f} "
            f"| {r['releve_cold_s']:.1f} | {r['releve_own_mb']} / {r['releve_mb']} "
            f"| {r['plain_mb']} "
            f"| {r['releve_size'] / 1e6:.1f} | {r['plain_size'] / 1e6:.1f} "
            f"| {r['releve_size'] / r['plain_size']:.2f} |",
            flush=True,
        )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
