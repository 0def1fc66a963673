"""Time `releve diff` as a whole process between two revisions of a big runbook.

The target is 2,000 procedures in at most 3 s on a 2-core machine, so the diff
fits in a pull-request job. The runbook comes from benchmarks/generate.py,
committed in a fresh git repository; a second commit makes a realistic
change (backups removed, schedules set, absences added, files renamed, a
credential holder revoked). Two runs are timed: both revisions read from git
(`releve diff HEAD~1 HEAD`, what CI does with explicit revisions) and the
working tree against a revision (`releve diff HEAD~1`). Start-up, imports,
exporting from git, loading, lint and coverage of both sides are all counted.

    python benchmarks/diff_bench.py [N ...] [--out DIR] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import TODAY, generate  # noqa: E402

RELEVE = Path(sys.executable).parent / "releve"
BUDGET_S = 3.0
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


def change(root: Path) -> None:
    """A pull request's worth of edits: every 100th procedure touched one way or another."""
    files = sorted((root / "procedures").rglob("*.md"))
    for index, path in enumerate(files[::100]):
        text = path.read_text(encoding="utf-8")
        if index % 3 == 0:
            text = re.sub(r"backup: \[[^\]]*\]", "backup: []", text)
        elif index % 3 == 1:  # generated pages have a schedule: move it to Tuesdays
            text = re.sub(r"^schedule: .*$", "schedule: weekly tue", text, count=1, flags=re.M)
        else:
            text = text.replace("## Étapes", "## Étapes\n\nNouvelle étape ajoutée.")
        path.write_text(text, encoding="utf-8")
    for path in files[50::400]:
        git(
            root,
            "mv",
            str(path.relative_to(root)),
            str(path.with_name("renomme-" + path.name).relative_to(root)),
        )
    absences = (
        "  - {person: p001, from: 2026-12-07, to: 2026-12-18}\n"
        "  - {person: p002, from: 2026-12-14, to: 2026-12-24}\n"
    )
    team = root / "team.yml"
    team.write_text(team.read_text(encoding="utf-8") + absences, encoding="utf-8")


def prepare(root: Path, n: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    generate(root, n)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    change(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")


def run(root: Path, *revisions: str) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (user + system, the forked child and git included),
    peak RSS (MB) and exit code of one `releve diff`."""
    env = {**os.environ, "RELEVE_TODAY": TODAY.isoformat(), "GITHUB_BASE_REF": ""}
    start = time.perf_counter()
    proc = subprocess.Popen([str(RELEVE), "diff", *revisions, "--format", "markdown"], cwd=root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"releve diff failed in {root}: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 2000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        "| procedures | revisions | best (s) | median (s) | CPU (s) | peak MB | exit | within 3 s |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|:---:|")
    worst = 0.0
    for n in args.sizes:
        root = args.out / f"diff-{n}"
        prepare(root, n)
        for revisions in (("HEAD~1", "HEAD"), ("HEAD~1",)):
            runs = sorted(run(root, *revisions) for _ in range(args.repeat))
            best, median = runs[0], runs[len(runs) // 2]
            worst = max(worst, best[0])
            label = " ".join(revisions) if len(revisions) == 2 else "HEAD~1 (working tree)"
            ok = "yes" if best[0] <= BUDGET_S else "NO"
            wall, cpu, peak, code = best
            print(f"| {n} | `{label}` | {wall:.2f} | {median[0]:.2f} | {cpu:.2f} | {peak} | {code} "
                  f"| {ok} |", flush=True)  # fmt: skip
    sys.exit(0 if worst <= BUDGET_S else 1)


if __name__ == "__main__":
    main()
