"""`releve coverage`: gaps over a period, and what-if with extra absences."""

from __future__ import annotations

import argparse
import json

from ..core.days import MAX_PERIOD
from ..core.findings import terminal
from ..coverage.compute import compute, horizon_end, single_points_of_failure
from ..coverage.relay import steps_of
from ..i18n import Translator
from ..i18n.formats import format_day
from ..render.reports.diff_report import span_text
from ..render.reports.relay_text import step_json, step_text
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CommandError,
    add_root,
    add_today,
    args_lang,
    day_arg,
    load,
    today_of,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "coverage",
        help="due days on which nobody covers a procedure (exit 1 when there are gaps)",
        description="Gaps: due days (every working day for an on-demand procedure) on which "
        "the owner and every backup of a procedure are away; no_access: due days on which only "
        "people who cannot open a needed credential are present. Exit code 0 without gaps, "
        "1 with gaps, 2 on bad input.",
    )
    add_root(parser)
    add_today(parser)
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: today)")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today + horizon)")
    parser.add_argument("--absent", default="", help="what-if: people away the whole period, P[,Q]")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--by", choices=("date", "procedure"), default="date",
                        help="text output grouped by date or by procedure")  # fmt: skip
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    runbook, settings = load(args)
    _ = Translator(settings.language)
    today = today_of(args)
    start = day_arg(args.start, "--from", args_lang(args)) or today
    end = day_arg(args.end, "--to", args_lang(args)) or horizon_end(start, settings.horizon)
    if start > end:
        raise CommandError(_("coverage.cli_bad_period"))
    if (end - start).days >= MAX_PERIOD:  # millions of days would never finish
        raise CommandError(_("coverage.cli_too_long", start=start, end=end, days=MAX_PERIOD))
    absent = [p.strip() for p in args.absent.split(",") if p.strip()]
    for person in absent:
        if person not in runbook.team.people:
            raise CommandError(_("coverage.cli_unknown_person", person=person))
    coverage = compute(runbook, start, end, absent)
    if args.format == "json":
        print(json.dumps(as_json(runbook, coverage), ensure_ascii=False, indent=2))
    else:
        print_text(coverage, runbook, _, args.by)
    return EXIT_FINDINGS if coverage.gaps else EXIT_OK


def _steps(runbook, coverage, proc, days) -> list[dict]:
    """`next_steps` beside `days`: for each of those days, whom to call (escalation.py)."""
    wanted = set(days)
    return [step_json(d, step) for d, _cover, step in steps_of(runbook, coverage, proc)
            if d in wanted]  # fmt: skip


def as_json(runbook, coverage) -> dict:
    return {
        "from": coverage.start.isoformat(),
        "to": coverage.end.isoformat(),
        "absent": list(coverage.extra_absent),
        "working_days": len(coverage.days),
        "gaps": [
            {
                "procedure": p.id,
                "title": p.title,
                "priority": p.priority,
                "path": p.path,
                "days": [d.isoformat() for d in coverage.gaps[p.id]],
                "next_steps": _steps(runbook, coverage, p, coverage.gaps[p.id]),
            }
            for p in coverage.gap_procedures()
        ],
        "no_access": [
            {
                "procedure": p.id,
                "title": p.title,
                "priority": p.priority,
                "path": p.path,
                "days": [d.isoformat() for d in coverage.no_access[p.id]],
                "next_steps": _steps(runbook, coverage, p, coverage.no_access[p.id]),
                "people": [x for x in dict.fromkeys(p.people) if x not in coverage.able[p.id]],
            }
            for p in coverage.no_access_procedures()
        ],
        "by_date": {
            d.isoformat(): [p.id for p in procs] for d, procs in coverage.gaps_by_day().items()
        },
        "single_points_of_failure": [
            {"people": list(r.people), "procedures": [p.id for p in r.procedures]}
            for r in single_points_of_failure(runbook)
        ],
    }


def _step_lines(runbook, coverage, proc, days, _, indent: str) -> list[str]:
    """One line per distinct next step over `days`: "days → whom to call" ("→ whom to
    call" when every day has the same step: the caller has just printed the days)."""
    wanted, by_step = set(days), {}
    for day, _cover, step in steps_of(runbook, coverage, proc):
        if day in wanted:
            by_step.setdefault(step, []).append(day)
    if len(by_step) == 1:  # the days are on the line above: the step alone
        return [f"{indent}→ {step_text(runbook, step, _)}" for step in by_step]
    return [
        f"{indent}{span_text(dates, coverage.days, _.lang)} → {step_text(runbook, step, _)}"
        for step, dates in by_step.items()
    ]


def _label(proc, _) -> str:
    """A procedure as a reader names it: its title and priority (ids are in --format json)."""
    return f"{proc.title} [{_.label('priority', proc.priority)}]"


def print_text(coverage, runbook, _, by: str) -> None:
    lang = _.lang  # days in words, priorities and counts in the runbook's language
    when = lambda days: span_text(days, coverage.days, lang)  # noqa: E731
    say(_("coverage.cli_period", start=coverage.start, end=coverage.end, days=len(coverage.days)))
    if coverage.extra_absent:
        names = [runbook.team.name_of(p) for p in coverage.extra_absent]
        say(_("coverage.cli_absent", people=names))
    if coverage.no_access:
        say(_("coverage.cli_no_access", n=len(coverage.no_access)))
        for proc in coverage.no_access_procedures():
            days = coverage.no_access[proc.id]
            say(f"  {_label(proc, _)} — {when(days)}")
            for line in _step_lines(runbook, coverage, proc, days, _, "    "):
                say(line)
        print()
    if not coverage.gaps:
        say(_("coverage.cli_no_gap"))
        return
    say(_("coverage.cli_gaps", n=len(coverage.gaps)))
    if by == "procedure":
        for proc in coverage.gap_procedures():
            days = coverage.gaps[proc.id]
            print()
            say(f"  {_label(proc, _)} ({_('count.days', n=len(days))}) — {proc.path}")
            say(f"    {when(days)}")
            for line in _step_lines(runbook, coverage, proc, days, _, "    "):
                say(line)
    else:
        for day, procs in coverage.gaps_by_day().items():
            print()
            say(f"  {format_day(day, lang, 'full')}")
            for proc in procs:
                say(f"    {_label(proc, _)}")
                for line in _step_lines(runbook, coverage, proc, [day], _, "      "):
                    say(line)


def say(line: str) -> None:
    """Print one line: titles and names are data, shown escaped (`core.findings.terminal`)."""
    print(terminal(line))
