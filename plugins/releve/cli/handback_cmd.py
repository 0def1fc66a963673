"""`releve handback --person P`: what happened to P's tasks while P was away."""

from __future__ import annotations

import argparse
import difflib

from ..i18n import Translator
from ..records.handback import handback, latest_return
from ..records.history import History
from ..render.reports.handback_report import as_json, as_markdown, as_text
from .common import EXIT_OK, CommandError, add_root, add_today, args_lang, day_arg, load, today_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "handback",
        help="what happened to someone's tasks while they were away",
        description="Per day of an absence (default: the person's latest absence that has "
        "ended), each of their due tasks, who was to do it and what was recorded; first what "
        "was not recorded, skipped or partly done.",
    )
    add_root(parser)
    add_today(parser)
    parser.add_argument("--person", required=True, help="a team.yml id")
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    lang = args_lang(args)
    _ = Translator(lang)
    runbook, _settings = load(args)
    today = today_of(args)
    people = sorted(runbook.team.people)
    if args.person not in people:
        near = difflib.get_close_matches(args.person, people, n=1, cutoff=0.6)
        key = "handback.unknown_person_hint" if near else "handback.unknown_person"
        raise CommandError(_(key, person=args.person, hint=near[0] if near else ""))
    start, end = day_arg(args.start, "--from", lang), day_arg(args.end, "--to", lang)
    if start is None or end is None:
        span = latest_return(runbook, args.person, today)
        if span is None and (start is None and end is None):
            raise CommandError(_("handback.no_absence", person=runbook.team.name_of(args.person)))
        start = start or (span[0] if span else end)
        end = end or (span[1] if span else start)
    if start > end:
        raise CommandError(_("coverage.cli_bad_period"))
    if (end - start).days > 3660:
        raise CommandError(_("agenda.cli_too_long", n=3660))
    result = handback(runbook, args.person, start, end, History.of(runbook, until=today))
    if args.format == "json":
        print(as_json(result))
    elif args.format == "markdown":
        print(as_markdown(runbook, result, lang))
    else:
        print(as_text(runbook, result, lang))
    return EXIT_OK
