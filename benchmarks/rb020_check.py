"""Check that RB020's line-level filter finds what rendering every page finds.

RB020 renders only the pages where a list line can be glued (`could_glue`); this renders
every page of the sample runbook and of a generated one (benchmarks/generate.py) and
compares the findings, with the time each way. One generated procedure in ten is given
glued lists: a sentence right above its bullets, or a bullet nested by four spaces.

    python benchmarks/rb020_check.py [N] [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "plugins"))

from generate import generate  # noqa: E402

from releve.core.settings import load_settings  # noqa: E402
from releve.lint.engine import sane  # noqa: E402
from releve.lint.rules import lists  # noqa: E402
from releve.model import load_runbook  # noqa: E402


def findings(root: Path, render_all: bool) -> tuple[list, float, int]:
    settings = sane(load_settings(root))
    runbook = load_runbook(root, settings)
    real = lists.could_glue
    rendered = 0

    def counted(body: str) -> bool:
        nonlocal rendered
        needed = True if render_all else real(body)
        rendered += needed
        return needed

    lists.could_glue = counted
    try:
        start = time.process_time()
        out = list(lists.rb020_broken_list(runbook, date(2026, 11, 23), settings))
        return out, time.process_time() - start, rendered
    finally:
        lists.could_glue = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    root = args.out / f"rb020-{args.n}"
    if root.exists():
        shutil.rmtree(root)
    generate(root, args.n)
    for index, path in enumerate(sorted((root / "procedures").rglob("*.md"))):
        text = path.read_text(encoding="utf-8")
        if index % 20 == 0:
            text = text.replace("## À savoir\n\n- ", "## À savoir\n\nÀ retenir :\n- ")
        elif index % 20 == 10:
            text = text.replace("## À savoir\n\n- ", "## À savoir\n\nNote\n\n- X\n    - ", 1)
        path.write_text(text, encoding="utf-8")
    same = True
    for name, path in (("sample", HERE.parent), (f"generated {args.n}", root)):
        filtered, t_filter, n_filter = findings(path, render_all=False)
        everything, t_all, n_all = findings(path, render_all=True)
        same &= filtered == everything
        print(
            f"{name}: {len(filtered)} findings with the filter ({n_filter} pages rendered, "
            f"{t_filter:.2f} s CPU), {len(everything)} rendering all {n_all} pages "
            f"({t_all:.2f} s CPU): {'identical' if filtered == everything else 'DIFFERENT'}"
        )
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
