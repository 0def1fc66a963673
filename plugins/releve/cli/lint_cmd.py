"""`releve lint`: the lint alone, without building the site, fast enough for pre-commit.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error or a
root that is not a runbook. Only the model, the lint and the formats are
imported here: no MkDocs, WeasyPrint or iCalendar on this path.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from functools import partial
from pathlib import Path

from ..core.findings import ERROR
from ..core.settings import load_settings
from ..i18n import t
from ..lint import lint_runbook
from ..lint.engine import prime
from ..model import load_runbook
from ..model.source_cache import SourceCache
from ..render.reports.lint_report import FORMATS
from .common import EXIT_FINDINGS, EXIT_OK, CommandError, add_root, add_today, root_of, today_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lint", help="check the runbook (owners, backups, reviews, secrets...) without building"
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="text (default), json, github (annotations), sarif (code scanning), "
        "markdown (job summary)",
    )
    add_today(parser)
    add_root(parser)
    parser.set_defaults(func=run)


def repo_prefix(root: Path) -> str:
    """The runbook root relative to the working folder, for GitHub and SARIF paths."""
    try:
        rel = Path(os.path.relpath(root, Path.cwd()))
    except ValueError:  # another drive on Windows
        return ""
    if rel == Path(".") or rel.parts[0] == "..":
        return ""
    return rel.as_posix() + "/"


def run(args: argparse.Namespace) -> int:
    # A lint makes many objects and no cycles worth collecting: the collector's passes
    # over a growing heap cost a first run on 2,000 files about 5%. It resumes after.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _lint(args)
    finally:
        if enabled:
            gc.enable()


def _lint(args: argparse.Namespace) -> int:
    root = root_of(args)
    day = today_of(args)
    settings = load_settings(root)
    if not (root / "mkdocs.yml").is_file() and not (root / settings.team_file).is_file():
        raise CommandError(f"{args.root}: {t(settings.language, 'lint.not_runbook')}")
    cache = SourceCache.open(root)  # warm in a pre-commit hook: only edited files are read
    # A first run shares the parsing, and what rules find in each page, with another core.
    runbook = load_runbook(root, settings, cache, then=partial(prime, settings), workers=2)
    findings = lint_runbook(runbook, day, settings)
    output = FORMATS[args.format](findings, settings.language, prefix=repo_prefix(root))
    sys.stdout.write(output)
    sys.stdout.flush()
    cache.save()  # with the facts the rules remembered
    return EXIT_FINDINGS if any(f.severity == ERROR for f in findings) else EXIT_OK
