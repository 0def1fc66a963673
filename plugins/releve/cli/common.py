"""What every subcommand shares: --root, --today, loading the runbook, clear errors."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..core.days import BadDate, parse_day, today
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


def load(args: argparse.Namespace) -> tuple[Runbook, Settings]:
    root = runbook_root(args)
    settings = load_settings(root)
    return load_runbook(root, settings), settings


def fail(message: str, code: int) -> int:
    print(f"releve: {message}", file=sys.stderr)
    return code
