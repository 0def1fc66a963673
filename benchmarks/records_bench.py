"""What records cost a build: the sample runbook with and without a thousand records.

python benchmarks/records_bench.py [N] [--repeat R]

Builds a copy of the sample (binders off) with `mkdocs build` as a user would,
first with its own records, then with N more spread over the past year (done,
partial with a note, skipped, drills), and reports the best wall time of R runs
of each and their ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
STATUSES = ("done",) * 7 + ("partial", "skipped", "drill")


def copy_sample(dest: Path) -> Path:
    for name in ("mkdocs.yml", "team.yml", "vault.yml"):
        shutil.copy(REPO / name, dest / name)
    for name in ("procedures", "clients", "docs", "overrides", "records"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    config = (dest / "mkdocs.yml").read_text(encoding="utf-8")
    (dest / "mkdocs.yml").write_text(
        config.replace("  - releve:\n", "  - releve:\n      binder: false\n"), encoding="utf-8"
    )
    return dest


def add_records(root: Path, n: int) -> None:
    sys.path.insert(0, str(REPO / "plugins"))
    from releve.model import load_runbook
    from releve.records.writing import record_path, record_text

    runbook = load_runbook(root)
    rng = random.Random(7)
    taken: set[str] = set()
    for _ in range(n):
        proc = rng.choice(runbook.procedures)
        day = TODAY - timedelta(days=rng.randrange(1, 365))
        person = rng.choice(proc.people)
        status = rng.choice(STATUSES)
        note = "Reste deux factures à valider" if status in ("partial", "skipped") else None
        path = record_path("records", proc.id, day, person, taken)
        taken.add(path)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(record_text(proc.id, day, person, status, note), "utf-8")


def build_time(root: Path, repeat: int) -> float:
    env = {**os.environ, "RELEVE_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([str(mkdocs), "build", "-q"], cwd=root, env=env, check=True,
                       capture_output=True)  # fmt: skip
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = copy_sample(Path(tmp) / "plain" if (Path(tmp) / "plain").mkdir() is None else tmp)
        loaded = Path(tmp) / "loaded"
        loaded.mkdir()
        copy_sample(loaded)
        add_records(loaded, args.n)
        base = build_time(plain, args.repeat)
        more = build_time(loaded, args.repeat)
    print(f"sample build, best of {args.repeat}: {base:.2f} s")
    print(f"with {args.n} more records: {more:.2f} s (ratio {more / base:.2f})")


if __name__ == "__main__":
    main()
