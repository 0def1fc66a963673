"""`releve agenda`: what is due each day and who does it (text, JSON or iCalendar)."""

from __future__ import annotations

import argparse
import json
import sys

from ..core.days import MAX_PERIOD
from ..core.findings import terminal
from ..coverage.agenda import agenda, for_person
from ..i18n import Translator
from ..i18n.formats import format_day
from ..render.calendar_feed import agenda_calendar
from ..render.reports.relay_text import step_text
from .common import EXIT_OK, CommandError, add_root, add_today, args_lang, day_word, load, today_of


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
    days = "YYYY-MM-DD, today, tomorrow, yesterday, or a weekday name (monday, lundi: the next one)"
    parser.add_argument("--date", help=f"one day: {days} (default: today)")
    parser.add_argument("--from", dest="start", help=f"first day of a period: {days}")
    parser.add_argument("--to", dest="end", help=f"last day of a period: {days}")
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
    single = day_word(args.date, "--date", lang, today)
    start = single or day_word(args.start, "--from", lang, today) or today
    end = single or day_word(args.end, "--to", lang, today) or start
    if start > end:
        raise CommandError(_("coverage.cli_bad_period"))
    if (end - start).days >= MAX_PERIOD:  # ten years: a typo, and would print for minutes
        raise CommandError(_("agenda.cli_too_long", n=MAX_PERIOD))
    if args.person and args.person not in runbook.team.people:
        known = ", ".join(sorted(runbook.team.people)) or "—"
        raise CommandError(_("agenda.cli_unknown_person", person=args.person, known=known))
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


def _why_off(team, day) -> str | None:
    """Why nothing is due on a day off: a holiday, the weekend, or another day off."""
    if day in team.holidays:
        return "holiday"
    if day.weekday() not in team.workdays:
        return "weekend" if day.weekday() >= 5 else "day_off"
    return None


def print_text(runbook, days, _) -> None:
    """Each day in words, then its tasks as the Today page shows them: priority, title,
    clients, who does it, and when nobody able is there, whom to call."""
    team = runbook.team

    def who(cover) -> str:
        if cover.by is None:
            return _("coverage.nobody").upper()
        text = team.name_of(cover.by)
        if cover.status == "no_access":  # present, but cannot do it: covers for nobody
            return f"{text} [{_('agenda.status.no_access')}]"
        if cover.covering_for:
            text += " " + _("agenda.covering_for", person=team.name_of(cover.covering_for))
        return text

    def line(task, indent: str) -> list[str]:
        proc = task.procedure
        clients = [runbook.clients[c].name if c in runbook.clients else c for c in proc.clients]
        where = f" · {', '.join(clients)}" if clients else ""
        head = f"{indent}[{_.label('priority', proc.priority)}] {proc.title}{where} — "
        out = [head + who(task.cover)]
        if task.step is not None and task.cover.status in ("gap", "no_access"):
            out.append(f"{indent}  → {step_text(runbook, task.step, _)}")
        return out

    for index, day in enumerate(days):
        if index:
            print()
        say(_("agenda.cli_day", day=format_day(day.date, _.lang, "full")))
        if day.absent:
            people = team.names_of(team.ids_in_order(day.absent))
            say("  " + _("agenda.cli_absent", people=people))
        off = _why_off(team, day.date)
        if not day.tasks and not day.on_call:
            key = f"agenda.cli_nothing_{off}" if off else "agenda.cli_nothing"
            say("  " + _(key))
        elif off:
            say("  " + _(f"agenda.off.{off}"))
        for task in day.tasks:
            for text in line(task, "  "):
                say(text)
        if day.on_call:
            say("  " + _("agenda.cli_on_call"))
            for task in day.on_call:
                for text in line(task, "    "):
                    say(text)


def say(line: str) -> None:
    """Print one line: titles and names are data, shown escaped (`core.findings.terminal`)."""
    print(terminal(line))
