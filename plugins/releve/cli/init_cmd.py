"""`releve init DIR`: a new runbook repository that builds as it is."""

from __future__ import annotations

import argparse
import shutil
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..i18n import Translator, language_of, t
from .common import EXIT_USAGE, CommandError

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("init", help="start a new runbook repository in DIR")
    parser.add_argument(
        "dir", nargs="?", help="the folder to create (must hold no runbook yet; default: --root)"
    )
    parser.add_argument(
        "--root",
        dest="init_root",  # not `root`: that one names an existing runbook (see common.py)
        metavar="DIR",
        help="the same folder, named as every other command names it (default: .)",
    )
    parser.add_argument("--language", default="en", help="fr or en (default: en)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """`releve init DIR` and `releve init --root DIR` are the same; alone, the current folder."""
    lang = language_of(args.language)
    if args.dir and args.init_root and Path(args.dir).resolve() != Path(args.init_root).resolve():
        raise CommandError(
            t(lang, "init.two_folders", dir=args.dir, root=args.init_root), EXIT_USAGE
        )
    name = args.dir or args.init_root or "."
    target = Path(name)
    if target.exists() and not target.is_dir():
        raise CommandError(f"{name}: {t(lang, 'init.not_folder')}", EXIT_USAGE)
    if (target / "mkdocs.yml").exists() or (target / "team.yml").exists():
        raise CommandError(f"{name}: {t(lang, 'init.exists')}", EXIT_USAGE)
    try:
        scaffold(target, lang, date.today())
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise CommandError(f"{name}: {t(lang, 'init.cannot_write', reason=reason)}") from None
    print(t(lang, "init.done", path=name))
    return 0


def scaffold(target: Path, lang: str, today: date) -> None:
    """Copy the scaffold, rendering `*.j2` files in the chosen language."""
    env = Environment(
        loader=FileSystemLoader(SCAFFOLD),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML and Markdown sources, written from our own strings
    )
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}  # "reçu", not "re\u00e7u"
    context = {"_": Translator(lang), "lang": lang, "today": today.isoformat()}
    for source in sorted(SCAFFOLD.rglob("*")):
        rel = source.relative_to(SCAFFOLD)
        if source.is_dir() or "__pycache__" in rel.parts:
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".j2":
            text = env.get_template(rel.as_posix()).render(context)
            dest.with_suffix("").write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, dest)
    (target / "clients").mkdir(exist_ok=True)
