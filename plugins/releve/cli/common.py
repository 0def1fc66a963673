"""What every subcommand shares: --root, --today, loading the runbook, clear errors."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..core.days import WEEKDAY_NAMES, BadDate, parse_day, today
from ..core.settings import Settings, load_settings
from ..i18n import t
from ..model import Runbook, load_runbook

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failure to report as one line on stderr, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", default=".", help="folder holding mkdocs.yml and team.yml (default: .)"
    )


def add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", help="the date to check against, YYYY-MM-DD")


def root_of(args: argparse.Namespace) -> Path:
    root = Path(args.root)
    if not root.is_dir():
        raise CommandError(f"{args.root}: {t(lang_of(root), 'cli.no_root')}")
    return root.resolve()


def runbook_root(args: argparse.Namespace) -> Path:
    """The runbook folder of --root; a folder without mkdocs.yml or team.yml is refused
    (no command should read, or write into, a folder that is not a runbook)."""
    root = root_of(args)
    settings = load_settings(root)
    if not (root / "mkdocs.yml").is_file() and not (root / settings.team_file).is_file():
        raise CommandError(f"{args.root}: {t(settings.language, 'lint.not_runbook')}")
    return root


def lang_of(root: Path) -> str:
    return load_settings(root).language if root.is_dir() else "en"


def args_lang(args: argparse.Namespace) -> str:
    """The runbook's language for messages, English when --root is not a folder."""
    return lang_of(Path(getattr(args, "root", ".")))


def today_of(args: argparse.Namespace) -> date:
    try:
        return today(getattr(args, "today", None))
    except BadDate as err:
        flag = "--today" if getattr(args, "today", None) else "RELEVE_TODAY"
        raise CommandError(f"{flag} {err}: {t(args_lang(args), 'cli.bad_date')}") from None


def day_arg(value: str | None, flag: str, lang: str = "en") -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except BadDate:
        raise CommandError(f"{flag} {value}: {t(lang, 'cli.bad_date')}") from None


# Days named in words on the command line: today, tomorrow, yesterday, and weekday names
# (model/schedule.py's table: English and French, full and short).
RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1, "aujourd'hui": 0,
                 "aujourdhui": 0, "demain": 1, "hier": -1}  # fmt: skip


def day_word(value: str | None, flag: str, lang: str, today: date) -> date | None:
    """`day_arg`, also reading `today`, `tomorrow`, `yesterday` (`aujourd'hui`, `demain`,
    `hier`) and weekday names (`monday`, `lundi`, `lun`): the next such day, today included."""
    if value is None:
        return None
    word = value.strip().lower().replace("\u2019", "'").rstrip(".")
    if word in RELATIVE_DAYS:
        return date.fromordinal(today.toordinal() + RELATIVE_DAYS[word])
    if word in WEEKDAY_NAMES:
        ahead = (WEEKDAY_NAMES[word] - today.weekday()) % 7
        return date.fromordinal(today.toordinal() + ahead)
    try:
        return parse_day(value)
    except BadDate:
        raise CommandError(f"{flag} {value}: {t(lang, 'cli.bad_day_word')}") from None


def load(args: argparse.Namespace) -> tuple[Runbook, Settings]:
    root = runbook_root(args)
    settings = load_settings(root)
    return load_runbook(root, settings), settings


def fail(message: str, code: int) -> int:
    print(f"releve: {message}", file=sys.stderr)
    return code
