"""`releve build` and `releve serve`: the site, through the site engine, in this process.

A team that installed Relève with pipx or `uv tool` has only `releve` on its
PATH: the engine's own command (`mkdocs`, `properdocs`) lives inside Relève's
environment, unreachable. So `releve build` imports the engine and runs its own
command-line entry (`mkdocs build`, `properdocs build`) in process, with the same
options: the same site, the same log (`path:line: CODE message`), the same
`--strict`, byte for byte what the engine's command would do.

Which engine: `--engine mkdocs` or `properdocs`; by default ProperDocs when it is
installed (the maintained continuation of MkDocs 1.x, installed on purpose with
`releve[properdocs]`), else MkDocs. Before importing anything, the engine's
installed version is checked, so a missing engine or MkDocs 2 (which runs no
plugins) is one line saying what to install, not a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from importlib import import_module, metadata
from pathlib import Path

from ..core.settings import load_settings
from ..i18n import t
from ..mkdocs.engine import Engine, supported
from ..mkdocs.watching import NATIVE, POLLING, WATCHER_ENV
from .common import EXIT_USAGE, CommandError, add_root, runbook_root

ENGINES = ("mkdocs", "properdocs")
AUTO = "auto"
DEFAULT_ADDR = "127.0.0.1:8000"


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser(
        "build", help="build the site into site/ (the engine, in process)"
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="fail on lint errors and on the engine's warnings (a broken link...)",
    )
    build.add_argument(
        "-d", "--site-dir", metavar="DIR", help="where to write the site (default: site/)"
    )
    _common(build)
    build.set_defaults(func=run_build)

    serve = subparsers.add_parser(
        "serve", help="serve the site; an edit rewrites only the pages it changes"
    )
    serve.add_argument(
        "-a", "--dev-addr", metavar="ADDR", default=DEFAULT_ADDR,
        help=f"IP:PORT to serve on (default: {DEFAULT_ADDR})",
    )  # fmt: skip
    serve.add_argument(
        "--full", action="store_true",
        help="rebuild the whole site on every change (the engine's own serve)",
    )  # fmt: skip
    serve.add_argument(
        "--poll", action="store_true",
        help="look for changes every half second instead of the system's file events "
        "(network shares, some container mounts)",
    )  # fmt: skip
    _common(serve)
    serve.set_defaults(func=run_serve)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", choices=(AUTO, *ENGINES), default=AUTO,
        help="the site engine (default: properdocs when installed, else mkdocs)",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="print every lint finding")
    add_root(parser)


def installed(name: str) -> str | None:
    """The installed version of the engine's distribution, None when it is not importable."""
    if importlib.util.find_spec(name) is None:
        return None
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "0"


def choose(requested: str, lang: str) -> str:
    """The engine to run; a missing or unsupported one is one line saying what to install."""
    name = requested
    if requested == AUTO:
        name = "properdocs" if installed("properdocs") is not None else "mkdocs"
    version = installed(name)
    if version is None:
        raise CommandError(t(lang, f"build.no_{name}"), EXIT_USAGE)
    engine = Engine(name, version)
    if not supported(engine):
        raise CommandError(
            t(lang, "build.engine_refused", engine=engine.label, version=version), EXIT_USAGE
        )
    return name


def run_engine(name: str, argv: list[str]) -> int:
    """The engine's own command line (`mkdocs build ...`), run here; its exit code."""
    cli = import_module(f"{name}.__main__").cli
    try:
        cli.main(args=argv, prog_name=name, standalone_mode=True)
    except SystemExit as done:  # click ends with sys.exit, even on success
        code = done.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    return 0


def _config(args: argparse.Namespace) -> tuple[Path, str, list[str]]:
    root = runbook_root(args)
    lang = load_settings(root).language
    config = root / "mkdocs.yml"
    if not config.is_file():
        raise CommandError(f"{args.root}: {t(lang, 'build.no_config')}", EXIT_USAGE)
    options = ["--config-file", str(config)]
    if args.verbose:
        options.append("--verbose")
    return root, lang, options


def run_build(args: argparse.Namespace) -> int:
    _root, lang, options = _config(args)
    name = choose(args.engine, lang)
    if args.strict:
        options.append("--strict")
    if args.site_dir:
        options += ["--site-dir", str(Path(args.site_dir).resolve())]  # from here, not mkdocs.yml
    return run_engine(name, ["build", *options])


def watched(root: Path) -> list[str]:
    """Runbook sources outside docs_dir that exist now: the plugin watches procedures,
    clients, team.yml and vault.yml; records/ (dated events) is named here too."""
    settings = load_settings(root)
    names = (settings.procedures_dir, settings.clients_dir, "records",
             settings.team_file, settings.vault_file)  # fmt: skip
    return [str(root / n) for n in names if (root / n).exists()]


def run_serve(args: argparse.Namespace) -> int:
    root, lang, options = _config(args)
    name = choose(args.engine, lang)
    for path in watched(root):
        options += ["--watch", path]
    if not args.full:
        # Only what an edit changes is written again (`mkdocs/serving.py` decides what).
        options.append("--dirty")
    # The plugin swaps the engine's polling for the system's file events (`watching.py`).
    before = os.environ.get(WATCHER_ENV)
    os.environ[WATCHER_ENV] = POLLING if args.poll else NATIVE
    sys.stdout.flush()
    try:
        return run_engine(name, ["serve", "--dev-addr", args.dev_addr, *options])
    finally:
        if before is None:
            os.environ.pop(WATCHER_ENV, None)
        else:
            os.environ[WATCHER_ENV] = before
