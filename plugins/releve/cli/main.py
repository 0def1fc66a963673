"""Entry point of `releve`: one subcommand module per feature, each with `register()`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from .. import __version__
from ..i18n import t
from .common import EXIT_USAGE, CommandError, args_lang, fail

# Each module defines `register(subparsers)`, which adds its subcommand and sets `func`.
COMMANDS = (
    "releve.cli.init_cmd",
    "releve.cli.vault_cmd",
    "releve.cli.lint_cmd",
    "releve.cli.new_cmd",
    "releve.cli.codeowners_cmd",
    "releve.cli.binder_cmd",
    "releve.cli.coverage_cmd",
    "releve.cli.agenda_cmd",
    "releve.cli.diff_cmd",
    "releve.cli.build_cmd",
    "releve.cli.client_cmd",
    "releve.cli.done_cmd",
    "releve.cli.handback_cmd",
)

# Subcommands registered by another command's module.
SHARED = {"serve": "build"}


def commands_for(argv: Sequence[str]) -> tuple[str, ...]:
    """Only the named subcommand's module when argv names one, else every module.

    `releve lint` runs in pre-commit hooks: it must not pay for importing what
    other commands need (WeasyPrint for the binder, cryptography for the vault).
    """
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    module = f"releve.cli.{SHARED.get(first or '', first)}_cmd"
    return (module,) if module in COMMANDS else COMMANDS


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="releve", description="Relève: a continuity runbook for small service teams."
    )
    parser.add_argument("--version", action="version", version=f"releve {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS if argv is None else commands_for(argv):
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CommandError as err:
        return fail(str(err), err.code)
    except KeyboardInterrupt:
        return fail(t(args_lang(args), "cli.interrupted"), EXIT_USAGE)
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
