"""`releve init DIR`: a new runbook repository that builds as it is.

It writes the scaffold (`scaffold/`, `*.j2` rendered in the chosen language),
then makes DIR a git repository with a first commit unless it already is in one
(`releve diff` and the workflows need the history), and prints next steps that
work as printed with only `releve` installed. The workflows it writes install
the very version of Relève that wrote them (`RELEVE_SPEC`), so a runbook does
not change tools under a team's feet.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import __version__
from ..core.atomic import write_atomic
from ..i18n import Translator, language_of, t
from .common import EXIT_USAGE, CommandError

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"
OPTIONAL = (".gitignore",)  # kept as they are when DIR already has one (a repository's own)
GIT_SECONDS = 60
# Variables that point git at another repository (set inside a git hook, say): dropped,
# so that `init` looks at DIR itself. Identity and configuration variables are kept.
REPOSITORY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_PREFIX",
                        "GIT_CEILING_DIRECTORIES")  # fmt: skip


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
    parser.add_argument(
        "--no-git", action="store_true",
        help="do not make DIR a git repository (by default: git init and a first commit, "
        "unless DIR is already in one)",
    )  # fmt: skip
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
    kept = [rel for rel in OPTIONAL if (target / rel).exists() or (target / rel).is_symlink()]
    try:
        scaffold(target, lang, date.today(), skip=kept)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        where = err.filename or name
        raise CommandError(f"{where}: {t(lang, 'init.cannot_write', reason=reason)}") from None
    print(t(lang, "init.done", path=name))
    for rel in kept:
        print(t(lang, "init.kept_gitignore", path=rel))
    if not args.no_git:
        print(make_repository(target, lang))
    print(next_steps(name, lang))
    return 0


def next_steps(name: str, lang: str) -> str:
    """What to do next, as commands that work as printed (only `releve` installed)."""
    _ = Translator(lang)
    lines = [_("init.next")]
    if Path(name).resolve() != Path.cwd().resolve():
        lines.append(f"  cd {shlex.quote(name)}")
    lines += [f"  releve serve    # {_('init.next_serve')}", "", _("init.next_examples"),
              _("init.next_publish")]  # fmt: skip
    return "\n".join(lines)


def _git(target: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in REPOSITORY_VARIABLES}  # not a hook's
    env["GIT_TERMINAL_PROMPT"] = "0"
    return subprocess.run(["git", *args], cwd=target, env=env, capture_output=True, text=True,
                          timeout=GIT_SECONDS, check=False)  # fmt: skip


def make_repository(target: Path, lang: str) -> str:
    """`git init` and a first commit when DIR is in no repository; one line saying what
    was done. Without git, or when git refuses, the runbook is still written: say so."""
    _ = Translator(lang)
    try:
        inside = _git(target, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return _("init.git_missing")
    if inside.returncode == 0:
        return _("init.git_inside", top=inside.stdout.strip())
    made = _git(target, "init", "-q", "--initial-branch=main")
    if made.returncode != 0:  # git older than 2.28: its default branch name
        made = _git(target, "init", "-q")
    if made.returncode != 0:
        return _("init.git_failed", reason=_first_line(made.stderr))
    added = _git(target, "add", "-A")
    if added.returncode != 0:
        return _("init.git_failed", reason=_first_line(added.stderr))
    done = _git(target, "commit", "-q", "-m", _("init.commit_message", version=__version__))
    if done.returncode != 0:
        return _("init.git_no_commit", reason=_first_line(done.stderr or done.stdout))
    return _("init.git_done")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:200] if lines else "?"


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
    links on the way (a link could send a write anywhere). Empty when init is safe.
    An existing `.gitignore` is not in the way: it is kept as it is."""
    taken: set[str] = set()
    for rel in [*_outputs(), Path("clients")]:
        if rel.as_posix() in OPTIONAL and (target / rel).is_file():
            continue
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


def yaml_string(value: object) -> str:
    """`tojson` for YAML files: a JSON string is a YAML double-quoted scalar, and unlike
    Jinja's own `tojson` (made for HTML) it keeps "team's" as written, not "team\\u0027s"."""
    return json.dumps(value, ensure_ascii=False, default=str)


def release_spec(version: str = __version__) -> str:
    """What the workflows install: this very version, from the package index."""
    return f"releve=={version}"


def render(rel: str, lang: str, today: date) -> str:
    """One scaffold template (`rel`, with its `.j2`) as `releve init` writes it."""
    env = Environment(
        loader=FileSystemLoader(SCAFFOLD),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML and Markdown sources, written from our own strings
    )
    env.filters["tojson"] = yaml_string
    context = {"_": Translator(lang), "lang": lang, "today": today.isoformat(),
               "version": __version__, "spec": release_spec()}  # fmt: skip
    return env.get_template(rel).render(context)


def scaffold(target: Path, lang: str, today: date, skip: tuple[str, ...] | list[str] = ()) -> None:
    """Copy the scaffold, rendering `*.j2` files in the chosen language.

    Files are created exclusively: an existing one (say a race with another writer)
    makes this fail rather than be overwritten.
    """
    for source in sorted(SCAFFOLD.rglob("*")):
        rel = source.relative_to(SCAFFOLD)
        if source.is_dir() or "__pycache__" in rel.parts or rel.as_posix() in skip:
            continue
        dest = target / rel
        if source.suffix == ".j2":
            text = render(rel.as_posix(), lang, today)
            write_atomic(dest.with_suffix(""), text, exclusive=True)
        else:
            write_atomic(dest, source.read_bytes(), exclusive=True)
    (target / "clients").mkdir(exist_ok=True)
