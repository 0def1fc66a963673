"""`releve client new ID --name NAME`: a client page that lints clean.

Procedures name clients by id (`clients: [acme]`, `releve new --client acme`), and
an id without a page is RB004: this writes `clients/ID.md` with what it is given
(name, hours, response time), the other keys as YAML comments to fill in later,
and nothing that the lint would report. An existing page is never overwritten
(exit 1); an invalid id or an empty name is a usage error (exit 2).
"""

from __future__ import annotations

import argparse

from ..core.atomic import write_atomic
from ..core.findings import ERROR
from ..core.settings import load_settings
from ..i18n import Translator
from ..lint import lint_runbook
from ..model import load_runbook
from ..model.fields import ID_RE
from .common import EXIT_FINDINGS, CommandError, add_root, add_today, runbook_root, today_of
from .init_cmd import yaml_string


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("client", help="client pages")
    sub = parser.add_subparsers(dest="client_command", metavar="ACTION", required=True)
    new = sub.add_parser("new", help="write a client page, clients/ID.md")
    new.add_argument("id", help="the client's id: lowercase letters, digits and dashes")
    new.add_argument("--name", required=True, help="the client's name as shown")
    new.add_argument("--hours", help="the client's opening hours, as text")
    new.add_argument("--response-time", help="how fast the team answers this client, as text")
    add_today(new)
    add_root(new)
    new.set_defaults(func=run_new)


def page_text(name: str, hours: str | None, response_time: str | None, lang: str) -> str:
    """The page: given values as YAML strings, the rest as comments to fill in."""
    _ = Translator(lang)
    lines = ["---", f"name: {yaml_string(name)}"]
    lines.append(f"hours: {yaml_string(hours)}" if hours else f"# hours: {_('client.hint_hours')}")
    lines.append(
        f"response_time: {yaml_string(response_time)}"
        if response_time
        else f"# response_time: {_('client.hint_response_time')}"
    )
    lines += [
        f"# {_('client.hint_contacts')}",
        "# contacts:",
        "#   - {name: …, role: …, email: …, phone: …}",
        "# channels: [email, phone]",
        "---",
        _("client.body"),
        "",
    ]
    return "\n".join(lines)


def run_new(args: argparse.Namespace) -> int:
    root = runbook_root(args)
    settings = load_settings(root)
    lang = settings.language
    _ = Translator(lang)
    day = today_of(args)
    client_id = args.id.strip()
    if not ID_RE.match(client_id):
        raise CommandError(f"{args.id}: {_('new.bad_id', value=client_id)}")
    name = args.name.strip()
    if not name:
        raise CommandError(f"--name: {_('new.empty_option')}")
    folder = root / settings.clients_dir
    path = folder / f"{client_id}.md"
    rel = path.relative_to(root).as_posix()
    if path.exists() or path.is_symlink():
        raise CommandError(f"{rel}: {_('client.exists')}", EXIT_FINDINGS)
    runbook = load_runbook(root, settings)
    if client_id in runbook.clients:
        other = runbook.clients[client_id].path
        raise CommandError(_("client.dup_id", id=client_id, other=other), EXIT_FINDINGS)
    hours = (args.hours or "").strip() or None
    response = (args.response_time or "").strip() or None
    folder.mkdir(parents=True, exist_ok=True)
    try:  # never overwrite, even in a race
        write_atomic(path, page_text(name, hours, response, lang), exclusive=True)
    except FileExistsError:
        raise CommandError(f"{rel}: {_('client.exists')}", EXIT_FINDINGS) from None
    errors = [
        f
        for f in lint_runbook(load_runbook(root, settings), day, settings)
        if f.path == rel and f.severity == ERROR
    ]
    if errors:  # a plaintext secret in the name, say: leave nothing behind
        path.unlink()
        raise CommandError(f"{rel}: {errors[0].text(lang)}", EXIT_FINDINGS)
    print(_("client.created", path=rel, id=client_id))
    return 0
