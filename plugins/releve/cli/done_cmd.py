"""`releve done PROC`: record that a task was done (or partly, skipped, rehearsed) on a day."""

from __future__ import annotations

import argparse
import difflib
import os

from ..i18n import Translator
from ..model.types import RECORD_STATUSES
from ..records.writing import MAX_NOTE, write_record
from .common import EXIT_OK, CommandError, add_root, add_today, args_lang, day_arg, load, today_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "done",
        help="record that a task was done",
        description="Write one record (records/YYYY/YYYY-MM-DD-PROC-PERSON.yml) saying that "
        "a procedure was done, partly done, skipped or rehearsed on a day, by whom. Commit it "
        "like any change.",
    )
    add_root(parser)
    add_today(parser)
    parser.add_argument("procedure", metavar="PROC", help="the procedure's id")
    parser.add_argument("--date", help="the day it was done, YYYY-MM-DD (default: today)")
    parser.add_argument("--by", help="who did it, a team.yml id (default: $RELEVE_USER)")
    parser.add_argument("--status", choices=RECORD_STATUSES, default="done")
    parser.add_argument("--note", help="a sentence on what is left, or why")
    parser.set_defaults(func=run)


def hint(value: str, known: list[str]) -> str:
    found = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return found[0] if found else ""


def run(args: argparse.Namespace) -> int:
    lang = args_lang(args)
    _ = Translator(lang)
    runbook, settings = load(args)
    today = today_of(args)
    day = day_arg(args.date, "--date", lang) or today
    procedures = sorted(p.id for p in runbook.procedures)
    if args.procedure not in procedures:
        near = hint(args.procedure, procedures)
        key = "done.unknown_procedure_hint" if near else "done.unknown_procedure"
        raise CommandError(_(key, procedure=args.procedure, hint=near))
    person = args.by or os.environ.get("RELEVE_USER") or ""
    if not person:
        raise CommandError(_("done.no_person"))
    people = sorted(runbook.team.people)
    if person not in people:
        near = hint(person, people)
        key = "done.unknown_person_hint" if near else "done.unknown_person"
        raise CommandError(_(key, person=person, hint=near))
    if day > today:
        raise CommandError(_("done.future", day=day.isoformat(), today=today.isoformat()))
    note = " ".join((args.note or "").split()) or None  # one line: YAML and pages stay tidy
    if note and len(note) > MAX_NOTE:
        raise CommandError(_("done.note_too_long", limit=MAX_NOTE))
    try:
        path = write_record(runbook.root, settings.records_dir, args.procedure, day, person,
                            args.status, note)  # fmt: skip
    except OSError as err:
        raise CommandError(_("done.cannot_write", reason=err.strerror or str(err))) from None
    print(_("done.written", path=path))
    return EXIT_OK
