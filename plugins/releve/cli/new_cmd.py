"""`releve new PATH --owner P --backup Q[,R]`: a new procedure from the team's template.

The template is the runbook's `.releve/procedure.md` (written by `releve init`,
a Jinja template with title, service, clients, owner, backup, priority, sla,
frequency, schedule and today), else the one shipped with Relève. What the
command is given is written as given; what it is not given is a placeholder
(`TODO: ...`) that the lint reports (RB024) until someone fills it in: never a
value borrowed from another procedure, which would lint clean and ship wrong.

PATH is relative to the procedures folder (`billing/late.md` is
`procedures/billing/late.md`, service `billing`); a leading `procedures/` may be
written or not. A PATH whose first folder is another folder of the runbook
(`docs/x.md`, `clients/acme.md`) is refused rather than quietly put under
procedures/. People and clients are checked against the model before anything is
written; an existing file is never overwritten (exit 1); the new page must pass
the lint without errors, or nothing is left behind.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from ..core.atomic import write_atomic
from ..core.findings import ERROR, printable
from ..core.settings import Settings, load_settings
from ..i18n import t
from ..lint import lint_runbook
from ..model import load_runbook
from ..model.fields import ID_RE
from ..model.schedule import ScheduleError, parse_schedule
from ..model.sources import read_text, split_page
from ..model.types import PRIORITIES
from .common import EXIT_FINDINGS, CommandError, add_root, add_today, runbook_root, today_of

PACKAGED = Path(__file__).resolve().parent.parent / "scaffold" / ".releve" / "procedure.md.j2"
TEAM_TEMPLATE = ".releve/procedure.md"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="scaffold a procedure from the template")
    parser.add_argument(
        "path", help="the new file, under procedures/: billing/late-payments.md "
        "(= procedures/billing/late-payments.md)",
    )  # fmt: skip
    parser.add_argument("--owner", required=True, help="person id of the owner")
    parser.add_argument("--backup", required=True, help="person ids of the backups: Q[,R]")
    parser.add_argument("--service", help="service id (default: the folder under procedures/)")
    parser.add_argument("--client", default="", help="client ids: C[,D]")
    parser.add_argument("--title", help="title (default: from the file name)")
    parser.add_argument("--priority", help="urgent, important or planned (default: a TODO)")
    parser.add_argument("--sla", metavar="TEXT", help="the service level (default: a TODO)")
    parser.add_argument(
        "--schedule", metavar="TEXT", help="the days it is due, e.g. 'weekly mon' (default: a TODO)"
    )
    parser.add_argument(
        "--frequency", metavar="TEXT", help="how often, as a label (default: a TODO)"
    )
    add_today(parser)
    add_root(parser)
    parser.set_defaults(func=run)


def _ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def target_path(root: Path, raw: str, settings: Settings, lang: str) -> Path:
    """PATH relative to the procedures folder (a leading `procedures/` is optional);
    an absolute PATH must lie in it. A relative PATH starting with another folder of
    the runbook root (docs/, clients/...) is refused: it surely meant that folder."""
    folder = settings.procedures_dir
    path = Path(raw)
    if path.suffix != ".md":
        raise CommandError(f"{raw}: {t(lang, 'new.not_md', dir=folder)}")
    if path.is_absolute():
        full = path.resolve()
    else:
        prefix = Path(folder).parts
        if path.parts[: len(prefix)] != prefix:
            first = path.parts[0]
            if len(path.parts) > 1 and first not in ("..", ".") and (root / first).is_dir():
                raise CommandError(
                    f"{raw}: {t(lang, 'new.other_folder', first=first, dir=folder, path=raw)}"
                )
            path = Path(folder) / path
        full = (root / path).resolve()
    if not full.is_relative_to((root / folder).resolve()):
        raise CommandError(f"{raw}: {t(lang, 'new.outside', dir=folder)}")
    return full


RENDER_SECONDS = 5  # a template is a page of text; a loop of loops is not
MAX_OUTPUT = 1_000_000  # characters a rendered procedure may hold (a page is a few thousand)
MAX_VALUE = 100_000  # items a `*` or `**` in the template may build at once
RENDER_MEMORY = 512 * 1024 * 1024  # bytes of address space a render may add (Linux)


class TooBig(Exception):
    """The template asked for more text or memory than a procedure page can need."""


def _sandbox():
    """A Jinja environment for the team's template: anyone who can open a pull request
    can edit `.releve/procedure.md`, and rendering it must not run their code, fill the
    memory (`{{ 'a' * 10**9 }}`) or read other files (`{% include %}`: no loader)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Bounded(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "**":
                huge_base = isinstance(left, int) and abs(left) > 10**6
                if isinstance(right, int) and (abs(right) > 64 or huge_base):
                    raise TooBig
                return left**right
            for count, item in ((left, right), (right, left)):
                sized = isinstance(item, str | list | tuple | bytes)
                if sized and isinstance(count, int) and count * max(len(item), 1) > MAX_VALUE:
                    raise TooBig
            return left * right

    from .init_cmd import yaml_string

    env = Bounded(keep_trailing_newline=True, autoescape=False, undefined=StrictUndefined)
    env.filters["tojson"] = yaml_string
    return env


@contextmanager
def _memory_limit(extra: int):
    """Let a render add at most `extra` bytes of address space (Linux; elsewhere, none):
    a filter that builds a huge string (`center`, `format`) fails with MemoryError instead
    of taking the machine's memory."""
    try:
        import resource

        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(ln.split()[1]) * 1024 for ln in status if ln.startswith("VmSize:"))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, StopIteration):
        yield
        return
    limit = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _render_bounded(template, context: dict) -> str:
    """The rendered text, stopped past MAX_OUTPUT characters, RENDER_SECONDS seconds or
    RENDER_MEMORY more bytes."""
    parts, total = [], 0
    with _time_limit(RENDER_SECONDS), _memory_limit(RENDER_MEMORY):
        for chunk in template.generate(context):
            total += len(chunk)
            if total > MAX_OUTPUT:
                raise TooBig
            parts.append(chunk)
    return "".join(parts)


@contextmanager
def _time_limit(seconds: int):
    """Stop a render that takes too long (main thread on Unix; elsewhere, no limit)."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _template_text(root: Path, lang: str) -> tuple[str, str]:
    """(Jinja source, name) of the procedure template: the team's, else the packaged one."""
    own = root / TEAM_TEMPLATE
    if own.is_file() or own.is_symlink():
        text, problem = read_text(root, own)  # UTF-8, inside the runbook, not huge
        if problem is not None:
            raise CommandError(problem.text(lang))
        return text or "", TEAM_TEMPLATE
    from jinja2 import Environment

    from ..i18n import Translator
    from .init_cmd import yaml_string

    env = Environment(keep_trailing_newline=True, autoescape=False)
    env.filters["tojson"] = yaml_string
    source = PACKAGED.read_text(encoding="utf-8")
    return env.from_string(source).render(_=Translator(lang), lang=lang), "procedure.md.j2"


# Values the template must write as given (when given); the title is always given.
WRITTEN_AS_GIVEN = ("title", "priority", "sla", "frequency", "schedule")


def render_procedure(
    source: str, name: str, context: dict[str, str], lang: str, given: tuple[str, ...] = ()
) -> str:
    """Render the template; values YAML cannot read plainly are passed quoted instead.
    Each value in `given` must come out of the front-matter as it was given: a team
    template that leaves one out is refused, never silently ignored."""
    from jinja2 import TemplateError

    env = _sandbox()
    quoted = {k: json.dumps(v, ensure_ascii=False) for k, v in context.items()
              if k in WRITTEN_AS_GIVEN}  # fmt: skip
    try:
        template = env.from_string(source)
        attempts = [context, {**context, **quoted}]
        problem = ""
        for attempt in attempts:
            text = _render_bounded(template, attempt)
            page = split_page(text.replace("\r\n", "\n"), name)
            data = page.meta.data if isinstance(page.meta.data, dict) else {}
            if page.findings:
                problem = page.findings[0].message(lang)
                continue
            wrong = [k for k in ("title", *given) if str(data.get(k, "")) != context[k]]
            if not wrong:
                return text
            problem = t(lang, "new.template_misses", key=wrong[0])
    except TemplateError as err:  # SecurityError too: an unsafe attribute or call
        problem = str(err).splitlines()[0] if str(err) else type(err).__name__
    except TimeoutError:
        problem = t(lang, "new.template_too_slow", seconds=RENDER_SECONDS)
    except (TooBig, MemoryError):
        problem = t(lang, "new.template_too_big", n=MAX_OUTPUT)
    except Exception as err:  # the template is untrusted input: one line, never a traceback
        problem = str(err).splitlines()[0] if str(err) else type(err).__name__
    raise CommandError(t(lang, "new.bad_template", template=name, problem=printable(problem)))


def _check_people(runbook, owner: str, backups: list[str], settings: Settings, lang: str) -> None:
    people = runbook.team.people
    known = ", ".join(sorted(people)) or "-"
    for person, flag in [(owner, "--owner"), *[(b, "--backup") for b in backups]]:
        if person not in people:
            raise CommandError(
                t(lang, "new.unknown_person", person=person, flag=flag,
                  team=settings.team_file, known=known)
            )  # fmt: skip
    for backup in backups:
        if backup == owner:
            raise CommandError(t(lang, "new.backup_is_owner", person=backup))


def run(args: argparse.Namespace) -> int:
    root = runbook_root(args)
    settings = load_settings(root)
    lang = settings.language
    day = today_of(args)
    path = target_path(root, args.path, settings, lang)
    rel = path.relative_to(root).as_posix()
    if path.exists() or path.is_symlink():
        raise CommandError(f"{rel}: {t(lang, 'new.exists')}", EXIT_FINDINGS)
    proc_id = path.stem
    if not ID_RE.match(proc_id):
        raise CommandError(f"{rel}: {t(lang, 'new.bad_id', value=proc_id)}")

    runbook = load_runbook(root, settings)
    owner, backups, clients = args.owner.strip(), _ids(args.backup), _ids(args.client)
    _check_people(runbook, owner, backups, settings, lang)
    for client in clients:
        if client not in runbook.clients:
            known = ", ".join(sorted(runbook.clients)) or "-"
            raise CommandError(
                t(lang, "new.unknown_client", client=client, dir=settings.clients_dir, known=known)
            )
    existing = runbook.procedure(proc_id)
    if existing is not None:
        raise CommandError(t(lang, "new.dup_id", id=proc_id, other=existing.path), EXIT_FINDINGS)
    under = path.relative_to((root / settings.procedures_dir).resolve()).parts
    service = args.service or (under[0] if len(under) > 1 else "")
    if not service:
        raise CommandError(t(lang, "new.no_service", dir=settings.procedures_dir))
    if not ID_RE.match(service):
        raise CommandError(f"--service {service}: {t(lang, 'new.bad_id', value=service)}")

    title = (args.title or proc_id.replace("-", " ").capitalize()).strip()
    given = _given(args, lang)
    context = {
        "title": title,
        "service": service,
        "clients": ", ".join(clients),
        "owner": owner,
        "backup": ", ".join(backups),
        "today": day.isoformat(),
        **{key: given.get(key, t(lang, f"new.todo_{key}")) for key in PLACEHELD},
    }
    source, name = _template_text(root, lang)
    text = render_procedure(source, name, context, lang, tuple(given))

    try:
        write_atomic(path, text, exclusive=True)  # never overwrite, even in a race
    except FileExistsError:
        raise CommandError(f"{rel}: {t(lang, 'new.exists')}", EXIT_FINDINGS) from None
    except OSError as err:  # disk full, read-only: nothing is left behind
        raise CommandError(f"{rel}: {err.strerror or err}") from None
    errors = [
        f
        for f in lint_runbook(load_runbook(root, settings), day, settings)
        if f.path == rel and f.severity == ERROR
    ]
    if errors:
        path.unlink()
        raise CommandError(
            t(lang, "new.bad_template", template=name, problem=errors[0].text(lang)), EXIT_FINDINGS
        )
    print(t(lang, "new.created", path=rel, service=service))
    return 0


PLACEHELD = ("priority", "sla", "frequency", "schedule")  # a TODO when not given


def _given(args: argparse.Namespace, lang: str) -> dict[str, str]:
    """The options given, checked: a priority of the three, a schedule Relève reads."""
    given = {k: str(getattr(args, k)).strip() for k in PLACEHELD if getattr(args, k) is not None}
    for key, value in given.items():
        if not value:
            raise CommandError(f"--{key}: {t(lang, 'new.empty_option')}")
    priority = given.get("priority")
    if priority is not None and priority not in PRIORITIES:
        raise CommandError(
            f"--priority {priority}: {t(lang, 'new.bad_priority', choices=', '.join(PRIORITIES))}"
        )
    if "schedule" in given:
        try:
            parse_schedule(given["schedule"])
        except ScheduleError as err:
            raise CommandError(
                f"--schedule: {t(lang, 'field.bad_schedule', part=printable(err.part[:60]))}"
            ) from None
    return given
