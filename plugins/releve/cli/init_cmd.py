"""`releve init DIR`: a new runbook repository that builds as it is."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..core.atomic import write_atomic
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
    if target.is_symlink() and not target.exists():
        raise CommandError(f"{name}: {t(lang, 'init.dangling')}", EXIT_USAGE)
    if target.exists() and not target.is_dir():
        raise CommandError(f"{name}: {t(lang, 'init.not_folder')}", EXIT_USAGE)
    if (target / "mkdocs.yml").exists() or (target / "team.yml").exists():
        raise CommandError(f"{name}: {t(lang, 'init.exists')}", EXIT_USAGE)
    taken = in_the_way(target)
    if taken:
        shown = ", ".join(taken[:8]) + (", …" if len(taken) > 8 else "")
        raise CommandError(f"{name}: {t(lang, 'init.would_overwrite', paths=shown)}")
    try:
        scaffold(target, lang, date.today())
    except OSError as err:
        reason = err.strerror or type(err).__name__
        where = err.filename or name
        raise CommandError(f"{where}: {t(lang, 'init.cannot_write', reason=reason)}") from None
    print(t(lang, "init.done", path=name))
    return 0


def _outputs() -> list[Path]:
    """Runbook-relative paths `scaffold` writes (`*.j2` without their suffix)."""
    out = []
    for source in sorted(SCAFFOLD.rglob("*")):
        rel = source.relative_to(SCAFFOLD)
        if source.is_dir() or "__pycache__" in rel.parts:
            continue
        out.append(rel.with_suffix("") if source.suffix == ".j2" else rel)
    return out


def in_the_way(target: Path) -> list[str]:
    """What `scaffold` would overwrite or write through: existing files, and symbolic
    links on the way (a link could send a write anywhere). Empty when init is safe."""
    taken: set[str] = set()
    for rel in [*_outputs(), Path("clients")]:
        path = target
        for part in rel.parts:
            path = path / part
            if path.is_symlink():
                taken.add(path.relative_to(target).as_posix())
                break
        else:
            folder_ok = rel == Path("clients") and path.is_dir()  # an existing clients/ is fine
            if path.exists() and not folder_ok:
                taken.add(rel.as_posix())
    return sorted(taken)


def scaffold(target: Path, lang: str, today: date) -> None:
    """Copy the scaffold, rendering `*.j2` files in the chosen language.

    Files are created exclusively: an existing one (say a race with another writer)
    makes this fail rather than be overwritten.
    """
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
        if source.suffix == ".j2":
            text = env.get_template(rel.as_posix()).render(context)
            write_atomic(dest.with_suffix(""), text, exclusive=True)
        else:
            write_atomic(dest, source.read_bytes(), exclusive=True)
    (target / "clients").mkdir(exist_ok=True)
