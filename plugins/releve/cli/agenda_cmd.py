"""`releve agenda`: what is due each day and who does it (text, JSON or iCalendar)."""

from __future__ import annotations

import argparse
import json
import sys

from ..core.days import MAX_PERIOD
from ..core.findings import terminal
from ..coverage.agenda import agenda, for_person
from ..i18n import Translator
from ..render.calendar_feed import agenda_calendar
from .common import EXIT_OK, CommandError, add_root, add_today, args_lang, day_arg, load, today_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "agenda",
        help="what is due each day and who does it",
        description="The tasks due on a day (default: today) or a period, and who does each "
        "by the cover rule: the owner if present, else the first present backup who can open "
        "every credential it needs. Statuses: ok, covered, no_access, gap.",
    )
    add_root(parser)
    add_today(parser)
    parser.add_argument("--date", help="one day, YYYY-MM-DD (default: today)")
    parser.add_argument("--from", dest="start", help="first day of a period, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", help="last day of a period, YYYY-MM-DD")
    parser.add_argument("--person", help="only the tasks this person does (a team.yml id)")
    parser.add_argument("--format", choices=("text", "json", "ics"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    lang = args_lang(args)
    _ = Translator(lang)
    if args.date and (args.start or args.end):
        raise CommandError(_("agenda.cli_date_and_range"))
    runbook, settings = load(args)
    today = today_of(args)
    single = day_arg(args.date, "--date", lang)
    start = single or day_arg(args.start, "--from", lang) or today
    end = single or day_arg(args.end, "--to", lang) or start
    if start > end:
        raise CommandError(_("coverage.cli_bad_period"))
    if (end - start).days >= MAX_PERIOD:  # ten years: a typo, and would print for minutes
        raise CommandError(_("agenda.cli_too_long", n=MAX_PERIOD))
    if args.person and args.person not in runbook.team.people:
        raise CommandError(_("agenda.cli_unknown_person", person=args.person))
    days = agenda(runbook, start, end, every_day=single is not None)
    if args.person:
        days = for_person(days, args.person)
    if args.format == "json":
        print(json.dumps({"days": [d.as_json() for d in days]}, ensure_ascii=False, indent=2))
    elif args.format == "ics":
        sys.stdout.write(agenda_calendar(runbook, days, today, settings).decode("utf-8"))
    else:
        print_text(runbook, days, _)
    return EXIT_OK


def print_text(runbook, days, _) -> None:
    team = runbook.team

    def who(cover) -> str:
        if cover.by is None:
            return _("coverage.nobody").upper()
        text = team.name_of(cover.by)
        if cover.covering_for:
            text += " " + _("agenda.covering_for", person=team.name_of(cover.covering_for))
        if cover.status == "no_access":
            text += f" [{_('agenda.status.no_access')}]"
        return text

    for index, day in enumerate(days):
        if index:
            print()
        weekday = _("weekday." + str(day.date.weekday()))
        say(_("agenda.cli_day", weekday=weekday, date=day.date.isoformat()))
        if day.absent:
            people = team.names_of(team.ids_in_order(day.absent))
            say("  " + _("agenda.cli_absent", people=people))
        if not day.tasks and not day.on_call:
            say("  " + _("agenda.cli_nothing"))
        for task in day.tasks:
            say(f"  {task.procedure.title} — {who(task.cover)}")
        if day.on_call:
            say("  " + _("agenda.cli_on_call"))
            for task in day.on_call:
                say(f"    {task.procedure.title} — {who(task.cover)}")


def say(line: str) -> None:
    """Print one line: titles and names are data, shown escaped (`core.findings.terminal`)."""
    print(terminal(line))
