"""`releve codeowners [--check] [-o FILE]`: CODEOWNERS from owners and backups.

Without options the generated block is printed. `-o FILE` writes it into FILE,
keeping the team's own lines around the block. `--check` writes nothing and
exits 1 when the file (FILE, else the committed CODEOWNERS) is missing or out
of date, which is what the lint reports as RB015.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import codeowners
from ..core.atomic import write_atomic
from ..core.settings import load_settings
from ..i18n import t
from ..model import load_runbook
from .common import EXIT_FINDINGS, CommandError, add_root, runbook_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "codeowners", help="write CODEOWNERS from owners and backups (GitHub handles)"
    )
    parser.add_argument("-o", "--output", help="the file to write, e.g. .github/CODEOWNERS")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the file is out of date"
    )
    add_root(parser)
    parser.set_defaults(func=run)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise CommandError(f"{path}: {err}") from None


def run(args: argparse.Namespace) -> int:
    root = runbook_root(args)
    settings = load_settings(root)
    lang = settings.language
    runbook = load_runbook(root, settings)
    if args.output:
        path = Path(args.output)
    elif args.check:
        found = codeowners.committed(root)
        if found is None:
            raise CommandError(t(lang, "codeowners.missing"), EXIT_FINDINGS)
        path = found
    else:
        sys.stdout.write(codeowners.block(runbook))
        return 0

    current = _read(path)
    wanted = codeowners.merge(current, runbook)
    shown = args.output or path.relative_to(root).as_posix()
    if args.check:
        if current != wanted:
            raise CommandError(f"{shown}: {t(lang, 'codeowners.stale', path=shown)}", EXIT_FINDINGS)
        print(t(lang, "codeowners.up_to_date", path=shown))
        return 0
    for person in sorted(runbook.team.people.values(), key=lambda p: p.id):
        if not person.github and (runbook.owned_by(person.id) or runbook.backed_up_by(person.id)):
            note = t(lang, "codeowners.no_handle", person=person.id, team=settings.team_file)
            print(f"releve: {note}", file=sys.stderr)
    if current != wanted:
        try:
            write_atomic(path, wanted)
        except OSError as err:  # disk full, read-only: the old file is still whole
            raise CommandError(f"{shown}: {err.strerror or err}") from None
    print(t(lang, "codeowners.written", path=shown, n=len(codeowners.entries(runbook))))
    return 0
