"""`releve diff [BASE [HEAD]]`: what a change does to the runbook, for a pull request.

BASE defaults to the merge base with the default branch, HEAD to the working
tree. Exit codes: 0 reported; 1 the change adds lint errors or leaves urgent
procedures without cover on days they had it; 2 no git, a bad revision, or
bad input.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack

from ..coverage.compute import horizon_end
from ..i18n import Translator
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CommandError,
    add_root,
    add_today,
    lang_of,
    root_of,
    today_of,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="what a change does to the runbook: procedures, coverage, risks, lint, vault",
        description="Compare the runbook at two git revisions through the model. BASE: "
        "default the merge base with the default branch; HEAD: default the working tree. "
        "Exit 0; 1 when the change adds lint errors or urgent procedures lose cover; "
        "2 on bad revisions or without git.",
    )
    parser.add_argument("base", nargs="?", metavar="BASE", help="revision to compare from")
    parser.add_argument("head", nargs="?", metavar="HEAD", help="revision to compare to")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                        help="text (default), markdown (pull-request summary), json")  # fmt: skip
    add_root(parser)
    add_today(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..diff.background import start
    from ..diff.changes import build
    from ..diff.export import (
        GitError,
        Revision,
        exported,
        holds_runbook,
        merge_base,
        open_repo,
        resolve,
    )
    from ..diff.snapshot import settings_of, take, take_revision
    from ..render.reports.diff_report import json_view, markdown_view, text_view

    root = root_of(args)
    _ = Translator(lang_of(root))
    today = today_of(args)
    try:
        repo = open_repo(root)
        head = resolve(repo, args.head) if args.head else Revision("", None)
        base = (
            resolve(repo, args.base) if args.base else merge_base(repo, head if head.sha else None)
        )
        if not any(holds_runbook(repo, rev, root) for rev in (head, base)):
            raise CommandError(f"{args.root}: {_('lint.not_runbook')}")
        with ExitStack() as stack:
            head_root = stack.enter_context(exported(repo, head)) if head.sha else root
            settings = settings_of(head_root)  # the head's horizon and language lead
            end = horizon_end(today, settings.horizon)
            base_side = start(lambda: take_revision(repo, base, today, today, end))
            head_snapshot = take(head_root, head, today, today, end)
            diff = build(base_side(), head_snapshot, today, end, settings.language)
            view = {"text": text_view, "json": json_view, "markdown": markdown_view}[args.format]
            output = view(diff, Translator(settings.language))
    except GitError as err:
        raise CommandError(_(err.key, **err.args_)) from None
    sys.stdout.write(output)
    sys.stdout.flush()
    return EXIT_FINDINGS if diff.blocking else EXIT_OK
