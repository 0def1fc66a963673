"""Time the whole-runbook binder of a synthetic runbook (the target: 300 procedures in 30 s).

The runbook comes from benchmarks/generate.py. The command runs as a user
would run it (`releve binder --all -o FILE`, a subprocess), then pdfinfo
counts the pages; the in-process phases (model, HTML, PDF layout) are timed
separately to show where the time goes.

    python benchmarks/binder_bench.py [N ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
TODAY = "2026-11-23"
TARGET_SECONDS = 30.0


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def phases(root: Path, out: Path) -> dict[str, float]:
    """Seconds spent loading the model, rendering HTML and laying out the PDF, in process."""
    from releve.core.settings import load_settings
    from releve.model import load_runbook
    from releve.render.binder import for_all, render_html, source_revision, write_pdf

    times: dict[str, float] = {}
    start = time.perf_counter()
    settings = load_settings(root)
    runbook = load_runbook(root, settings)
    times["model"] = time.perf_counter() - start
    start = time.perf_counter()
    book = for_all(runbook, date.fromisoformat(TODAY), settings)
    html = render_html(runbook, book, settings, source_revision(root))
    times["html"] = time.perf_counter() - start
    start = time.perf_counter()
    write_pdf(html, out)
    times["pdf"] = time.perf_counter() - start
    return times


def bench(n: int, workdir: Path) -> bool:
    root = generate(workdir / f"rb-{n}", n)
    pdf = workdir / f"binder-{n}.pdf"
    env = {**os.environ, "RELEVE_TODAY": TODAY}
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "releve"), "binder", "--all", "-o", str(pdf), "--root",
                           str(root)], env=env, capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        print(f"{n} procedures: releve binder failed: {done.stderr.strip()}")
        return False
    split = phases(root, workdir / f"binder-{n}-phases.pdf")
    ok = wall <= TARGET_SECONDS or n > 300
    detail = ", ".join(f"{k} {v:.1f} s" for k, v in split.items())
    print(f"{n:5d} procedures  {pages(pdf):5d} pages  {wall:6.1f} s (releve binder --all)"
          f"  [{detail}]  {'ok' if ok else f'OVER {TARGET_SECONDS:.0f} s'}")  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[300])
    parser.add_argument("--out", help="keep the runbooks and PDFs in this folder")
    args = parser.parse_args()
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        return 0 if all(bench(n, Path(args.out)) for n in args.sizes) else 1
    with tempfile.TemporaryDirectory() as tmp:
        return 0 if all(bench(n, Path(tmp)) for n in args.sizes) else 1


if __name__ == "__main__":
    sys.exit(main())
