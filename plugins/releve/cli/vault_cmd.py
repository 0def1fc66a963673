"""`releve vault ...`: sealed credentials from the command line.

Who you are comes from `--as` or RELEVE_USER; your passphrase from RELEVE_PASSPHRASE
or a prompt; a new passphrase (grant, rekey) from RELEVE_NEW_PASSPHRASE or a
prompt; a value to add from stdin (or a prompt in a terminal). Never from argv.
Exit codes: 0 ok, 1 refused or check found errors, 2 usage or unreadable input.
Only `vault show` prints a secret, to stdout.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ..i18n import t
from ..vault import check_vault, dump, load, ops, write_atomic
from ..vault.ops import REFUSED, VaultError
from ..vault.store import HEADER, Vault
from .common import EXIT_FINDINGS, EXIT_USAGE, CommandError, add_root
from .common import load as load_runbook

ENV_USER, ENV_PASS, ENV_NEW = "RELEVE_USER", "RELEVE_PASSPHRASE", "RELEVE_NEW_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    add_root(common)
    common.add_argument("--as", dest="who", metavar="PERSON",
                        help=f"who you are (default: ${ENV_USER})")  # fmt: skip
    parser = subparsers.add_parser("vault", help="sealed credentials (vault.yml)")
    sub = parser.add_subparsers(dest="vault_command", metavar="ACTION", required=True)

    sub.add_parser("init", parents=[common], help="create an empty vault.yml").set_defaults(
        func=run_init
    )
    sub.add_parser("list", parents=[common], help="credentials and holders, no value").set_defaults(
        func=run_list
    )
    p = sub.add_parser(
        "check", parents=[common], help="structure and references; with --as, open your values"
    )
    p.set_defaults(func=run_check)

    p = sub.add_parser("add", parents=[common], help="seal a value read from stdin")
    p.add_argument("id")
    p.add_argument("--audience", required=True, help="a role from team.yml")
    p.add_argument("--label", help="what it opens, shown on the site")
    p.add_argument("--url", help="where it is used")
    p.add_argument("--field", default="password", help="field name (default: password)")
    p.add_argument("--replace", action="store_true", help="replace an existing field's value")
    p.set_defaults(func=run_add)

    p = sub.add_parser("show", parents=[common], help="print a value to stdout")
    p.add_argument("id")
    p.add_argument("--field", help="field name (default: the first field)")
    p.set_defaults(func=run_show)

    p = sub.add_parser("grant", parents=[common], help="give a person a key for an audience")
    p.add_argument("--audience", required=True)
    p.add_argument("--to", required=True, metavar="PERSON")
    p.set_defaults(func=run_grant)

    p = sub.add_parser("revoke", parents=[common], help="remove a key and rotate the audience")
    p.add_argument("--audience", required=True)
    p.add_argument("--from", dest="person", required=True, metavar="PERSON")
    p.set_defaults(func=run_revoke)

    sub.add_parser("rekey", parents=[common], help="change your own passphrase").set_defaults(
        func=run_rekey
    )


# --- helpers --------------------------------------------------------------------


class Session:
    """The runbook, its vault and language for one command."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.runbook, self.settings = load_runbook(args)
        self.lang = self.settings.language
        self.path: Path = self.runbook.root / self.settings.vault_file
        self.vault: Vault = load(self.path, self.settings.vault_file)
        self.args = args

    def _(self, key: str, **kw) -> str:
        return t(self.lang, key, **kw)

    def error(self, err: VaultError) -> CommandError:
        code = EXIT_FINDINGS if err.kind == REFUSED else EXIT_USAGE
        return CommandError(f"{self.settings.vault_file}: {self._(err.key, **err.args_)}", code)

    def require_readable(self) -> None:
        if self.vault.problems:
            first = self.vault.problems[0]
            raise CommandError(f"{first.text(self.lang)} ({self._('vault.unreadable')})",
                               EXIT_USAGE)  # fmt: skip

    def me(self) -> str:
        who = self.args.who or os.environ.get(ENV_USER)
        if not who:
            raise CommandError(self._("vault.who"), EXIT_USAGE)
        if who not in self.runbook.team.people:
            raise self.error(VaultError("vault.unknown_person", ops.USAGE, person=who))
        return who

    def people(self) -> dict[str, set[str]]:
        return {pid: set(p.roles) for pid, p in self.runbook.team.people.items()}

    def passphrase(self, person: str) -> str:
        return self._secret(ENV_PASS, self._("vault.prompt_passphrase", person=person))

    def new_passphrase(self, person: str) -> str:
        return self._secret(ENV_NEW, self._("vault.prompt_new", person=person), confirm=True)

    def _secret(self, env: str, prompt: str, confirm: bool = False) -> str:
        if os.environ.get(env):
            return os.environ[env]
        if not _has_terminal():
            raise CommandError(self._("vault.no_passphrase", env=env), EXIT_USAGE)
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass(self._("vault.prompt_again")) != value:
            raise CommandError(self._("vault.mismatch"), EXIT_USAGE)
        return value

    def write(self, vault: Vault) -> None:
        write_atomic(self.path, dump(vault))


def _has_terminal() -> bool:
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def _read_value(session: Session, cred_id: str, field: str) -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        value = sys.stdin.read()
        if value.endswith("\n"):
            value = value[:-1]
            value = value.removesuffix("\r")
        return value
    return getpass.getpass(session._("vault.prompt_value", id=cred_id, field=field))


def _guard(func):
    """Turn a VaultError into one line on stderr with the right exit code."""

    def run(args: argparse.Namespace) -> int:
        session = Session(args)
        try:
            return func(session)
        except VaultError as err:
            raise session.error(err) from None

    return run


# --- commands -------------------------------------------------------------------


@_guard
def run_init(s: Session) -> int:
    if s.path.exists():
        raise CommandError(f"{s.settings.vault_file}: {s._('vault.exists_file')}", EXIT_FINDINGS)
    write_atomic(s.path, dump(Vault(header=HEADER)))
    print(s._("vault.init_done", path=s.settings.vault_file))
    return 0


@_guard
def run_list(s: Session) -> int:
    s.require_readable()
    if not s.vault.credentials:
        print(s._("vault.list_empty"))
    for e in s.vault.credentials.values():
        holders = ", ".join(s.vault.holders(e.audience)) or "-"
        rotated = e.rotated.isoformat() if e.rotated else "-"
        print(f"{e.id}\t{e.audience}\t{e.label}\t{','.join(e.fields)}\t{holders}\t{rotated}")
    return 0


@_guard
def run_check(s: Session) -> int:
    findings = check_vault(s.vault, s.runbook)
    for finding in findings:
        print(finding.text(s.lang), file=sys.stderr)
    # Open values when asked: --as, or RELEVE_USER with RELEVE_PASSPHRASE (no surprise prompt).
    who = s.args.who or (os.environ.get(ENV_USER) if os.environ.get(ENV_PASS) else None)
    if who and not s.vault.problems:
        me = s.me()
        opened, failed = ops.open_all(s.vault, me, s.passphrase(me))
        for cred_id, field in failed:
            line = s._("vault.cannot_open", id=cred_id, field=field, person=me)
            pos = s.vault.pos(f"credentials.{cred_id}.fields.{field}")
            print(f"{pos.path}:{pos.line}: {line}", file=sys.stderr)
        print(s._("vault.check_opened", person=me, n=opened))
        if failed:
            return EXIT_FINDINGS
    if findings:
        return EXIT_FINDINGS
    print(s._("vault.check_ok", n=len(s.vault.credentials)))
    return 0


@_guard
def run_add(s: Session) -> int:
    s.require_readable()
    a = s.args
    me = s.me()
    passphrase = s.passphrase(me)
    value = _read_value(s, a.id, a.field)
    vault = ops.add(s.vault, s.people(), me, passphrase, a.id, a.audience, value,
                    today=_today(s.lang), field=a.field, label=a.label, url=a.url,
                    replace_value=a.replace)  # fmt: skip
    s.write(vault)
    print(s._("vault.added", id=a.id, field=a.field, audience=a.audience), file=sys.stderr)
    return 0


def _today(lang: str = "en"):
    from ..i18n import t
    from ..today import BadDate, today

    try:
        return today()
    except BadDate as err:
        raise CommandError(f"RELEVE_TODAY {err}: {t(lang, 'cli.bad_date')}", EXIT_USAGE) from None


@_guard
def run_show(s: Session) -> int:
    s.require_readable()
    me = s.me()
    entry = s.vault.credentials.get(s.args.id)
    if entry is None:
        raise VaultError("vault.unknown_id", ops.USAGE, id=s.args.id)
    field = s.args.field or ("password" if "password" in entry.fields else next(iter(entry.fields)))
    values = ops.reveal(s.vault, me, s.passphrase(me), s.args.id, field)
    sys.stdout.write(values[field] + "\n")
    return 0


@_guard
def run_grant(s: Session) -> int:
    s.require_readable()
    a = s.args
    me = s.me()
    people = s.people()
    # Check names and roles before asking anyone for a passphrase.
    ops.grant_preflight(s.vault, people, a.audience, a.to)
    passphrase = s.passphrase(me)
    ops.open_key(s.vault, a.audience, me, passphrase)
    vault = ops.grant(s.vault, people, me, passphrase, a.audience, a.to, s.new_passphrase(a.to))
    s.write(vault)
    print(s._("vault.granted", person=a.to, audience=a.audience))
    return 0


@_guard
def run_revoke(s: Session) -> int:
    s.require_readable()
    a = s.args
    me = s.me()

    def passphrase_of(holder: str) -> str | None:
        if not sys.stdin.isatty():
            return None
        return getpass.getpass(s._("vault.prompt_holder", person=holder)) or None

    vault, dropped = ops.revoke(s.vault, s.people(), me, s.passphrase(me), a.audience,
                                a.person, passphrase_of)  # fmt: skip
    s.write(vault)
    entries = vault.entries_of(a.audience)
    n = sum(len(e.fields) for e in entries)
    print(s._("vault.revoked", person=a.person, audience=a.audience, n=n))
    for holder in dropped:
        print(s._("vault.regrant", person=holder, audience=a.audience))
    if entries:
        ids = ", ".join(e.id for e in entries)
        print(s._("vault.revoke_reminder", ids=ids, person=a.person), file=sys.stderr)
    return 0


@_guard
def run_rekey(s: Session) -> int:
    s.require_readable()
    me = s.me()
    passphrase = s.passphrase(me)
    mine = [aud for aud, slots in s.vault.audiences.items() if me in slots]
    if mine:
        ops.open_key(s.vault, mine[0], me, passphrase)  # refuse before asking for a new one
    vault = ops.rekey(s.vault, me, passphrase, s.new_passphrase(me))
    s.write(vault)
    print(s._("vault.rekeyed", person=me, n=len(mine)))
    return 0
