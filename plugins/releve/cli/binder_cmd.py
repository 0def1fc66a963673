"""`releve binder (--client C | --person P [--from D --to D] | --all) -o FILE`.

A PDF binder, or the print-ready HTML when FILE ends in .html, in the
runbook's language. An unknown client or person is a one-line error (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from ..i18n import t
from ..render import binder
from .common import CommandError, add_root, add_today, day_arg, load, today_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "binder", help="a printable handoff binder (PDF, or HTML) for a client, a person or all"
    )
    subject = parser.add_mutually_exclusive_group(required=True)
    subject.add_argument("--client", metavar="C", help="everything about one client")
    subject.add_argument("--person", metavar="P", help="what P owns and backs up, for an absence")
    subject.add_argument("--all", action="store_true", help="the whole runbook")
    parser.add_argument("--from", dest="start", metavar="D", help="absence period start (--person)")
    parser.add_argument("--to", dest="end", metavar="D", help="absence period end (--person)")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the PDF (or .html) to write"
    )
    parser.add_argument("--paper", choices=("letter", "a4"),
                        help="paper size (default: `paper` in mkdocs.yml, else a4)")  # fmt: skip
    parser.add_argument(
        "--force", action="store_true", help="overwrite FILE even if it is not a binder"
    )
    add_root(parser)
    add_today(parser)
    parser.set_defaults(func=run)


def _replaceable(target: Path) -> bool:
    """FILE may be overwritten: it is absent, or a PDF, or an HTML binder Relève wrote."""
    if not (target.exists() or target.is_symlink()):
        return True
    try:
        with target.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if target.suffix.lower() in (".html", ".htm"):
        return b'<meta name="generator" content="Rel' in head
    return head.startswith(b"%PDF-")


def run(args: argparse.Namespace) -> int:
    runbook, settings = load(args)
    if args.paper:
        settings = replace(settings, paper=args.paper)
    lang = settings.language
    target = Path(args.output)
    if target.is_dir():
        raise CommandError(
            t(lang, "binder.error.write", path=target, error=t(lang, "binder.error.folder"))
        )
    if not args.force and not _replaceable(target):
        raise CommandError(t(lang, "binder.error.not_binder", path=target))
    today = today_of(args)
    start, end = (
        day_arg(args.start, "--from", lang),
        day_arg(args.end, "--to", lang),
    )
    if (start or end) and not args.person:
        raise CommandError(f"--from/--to: {t(lang, 'binder.error.period_person')}")
    if start and end and start > end:
        raise CommandError(t(lang, "binder.error.period", start=start, end=end))
    try:
        if args.client:
            book = binder.for_client(runbook, args.client, today, settings)
        elif args.person:
            book = binder.for_person(runbook, args.person, today, settings, start, end)
        else:
            book = binder.for_all(runbook, today, settings)
    except binder.UnknownSubject as err:
        kind = "client" if args.client else "person"
        known = runbook.clients if args.client else runbook.team.people
        message = t(lang, f"binder.error.unknown_{kind}", id=err.args[0],
                    known=", ".join(sorted(known)) or "—")  # fmt: skip
        raise CommandError(message) from None
    left_out: set[str] = set()
    try:
        # Atomic (core/atomic.py): a failed write (disk full) leaves FILE as it was.
        binder.write(runbook, book, settings, target, binder.source_revision(runbook.root),
                     left_out=left_out)  # fmt: skip
    except OSError as err:
        raise CommandError(
            t(lang, "binder.error.write", path=target, error=err.strerror or err)
        ) from None
    for path in sorted(left_out):
        print(f"releve: {t(lang, 'binder.left_out', path=path)}", file=sys.stderr)
    for path, size in binder.too_long([*book.procedures, *book.clients]):
        note = t(lang, "binder.too_long", path=path, size=size, limit=binder.MAX_BODY_CHARS)
        print(f"releve: {note}", file=sys.stderr)
    print(t(lang, "binder.written", path=target, procedures=len(book.procedures)))
    return 0
