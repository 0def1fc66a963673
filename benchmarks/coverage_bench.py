"""Time the coverage model in process: 2,000 procedures, 30 people, a 365-day horizon.

python benchmarks/coverage_bench.py [N] [--people P] [--days D]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import TODAY, generate  # noqa: E402

from releve.coverage.agenda import agenda  # noqa: E402
from releve.coverage.compute import compute, single_points_of_failure  # noqa: E402
from releve.model import load_runbook  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.n, n_people=args.people)
        runbook = load_runbook(tmp)
    end = TODAY + timedelta(days=args.days - 1)
    best = best_spof = best_day = best_year = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        coverage = compute(runbook, TODAY, end)
        best = min(best, time.perf_counter() - start)
        start = time.perf_counter()
        agenda(runbook, TODAY, TODAY, coverage)
        best_day = min(best_day, time.perf_counter() - start)
        start = time.perf_counter()
        year = agenda(runbook, TODAY, end, coverage)
        best_year = min(best_year, time.perf_counter() - start)
        start = time.perf_counter()
        single_points_of_failure(runbook)
        best_spof = min(best_spof, time.perf_counter() - start)
    absences = len(runbook.team.absences)
    people = len(runbook.team.people)
    print(f"{args.n} procedures, {people} people, {absences} absences, "
          f"{len(coverage.days)} working days in {args.days} days from {TODAY}")  # fmt: skip
    print(f"coverage: {best * 1000:.1f} ms (best of {args.repeat}); "
          f"{len(coverage.gaps)} procedures with gaps")  # fmt: skip
    tasks = sum(len(d.tasks) + len(d.on_call) for d in year)
    print(f"agenda of one day: {best_day * 1000:.1f} ms; of the whole period: "
          f"{best_year * 1000:.0f} ms ({tasks} tasks)")  # fmt: skip
    print(f"single points of failure (people and pairs): {best_spof * 1000:.1f} ms")


if __name__ == "__main__":
    main()
