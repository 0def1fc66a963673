"""Time a Relève build against plain MkDocs + Material on the same Markdown.

For each N, a synthetic runbook is generated (benchmarks/generate.py). The
Relève site uses the configuration `releve init` writes; the plain site puts
the same procedure files in docs/ with Material's defaults (default nav, search).
Each build runs as a subprocess, so wall time and peak memory are whole-process.

    python benchmarks/build_bench.py [N ...] [--out DIR] [--repeat K]
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

BIN = Path(sys.executable).parent
PLAIN_MKDOCS = """\
site_name: Plain runbook
theme:
  name: material
  font: false
plugins:
  - search
"""


def run(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one subprocess."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RELEVE_TODAY": "2026-11-23"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run it: modules from their .pyc
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


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
    plain = out / f"plain-{n}"
    plain_copy(runbook, plain)
    mkdocs = str(BIN / "mkdocs")
    rel = min(run([mkdocs, "build", "-q"], runbook) for _ in range(repeat))
    pla = min(run([mkdocs, "build", "-q"], plain) for _ in range(repeat))
    return {
        "n": n,
        "releve_s": rel[0],
        "plain_s": pla[0],
        "releve_mb": rel[1],
        "plain_mb": pla[1],
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
    print("| N | Relève (s) | plain (s) | time ratio | Relève peak MB | plain peak MB "
          "| Relève site MB | plain site MB | size ratio |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = bench(n, args.out, args.repeat)
        ratio = r["releve_s"] / r["plain_s"]
        print(
            f"| {n} | {r['releve_s']:.1f} | {r['plain_s']:.1f} | {ratio:.2f} "
            f"| {r['releve_mb']} | {r['plain_mb']} | {r['releve_size'] / 1e6:.1f} "
            f"| {r['plain_size'] / 1e6:.1f} | {r['releve_size'] / r['plain_size']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
