"""`releve vault ...`: sealed credentials from the command line.

Who you are comes from `--as` or RELEVE_USER; your passphrase from RELEVE_PASSPHRASE
or a prompt; a new passphrase (enroll, rekey) from RELEVE_NEW_PASSPHRASE or a
prompt; a value to add from stdin (or a prompt in a terminal). Never from argv.
Nobody types another person's passphrase: grant and revoke use public keys.
Exit codes: 0 ok, 1 refused or check found errors, 2 usage or unreadable input.
Only `vault show` prints a secret, to stdout.

Every command that writes asks its questions first, then takes the writers' lock,
reads the vault again, applies its change and writes atomically: two commands
run together never lose each other's change.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..core.files import leads_outside
from ..core.findings import ERROR, terminal
from ..i18n import t
from ..vault import check_vault, dump, load, ops, write_atomic
from ..vault.audit import audit
from ..vault.crypto import fingerprint
from ..vault.lock import Busy, locked
from ..vault.ops import REFUSED, VaultError
from ..vault.store import HEADER, Vault
from .common import EXIT_FINDINGS, EXIT_USAGE, CommandError, add_root, add_today, today_of
from .common import load as load_runbook

ENV_USER, ENV_PASS, ENV_NEW = "RELEVE_USER", "RELEVE_PASSPHRASE", "RELEVE_NEW_PASSPHRASE"
T = TypeVar("T")


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

    p = sub.add_parser("enroll", parents=[common], help="create your key pair (once)")
    p.add_argument(
        "--again",
        action="store_true",
        help="lost passphrase: a new key pair; your keys must be granted again",
    )
    p.set_defaults(func=run_enroll)

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

    p = sub.add_parser("grant", parents=[common], help="give an enrolled person an audience key")
    p.add_argument("--audience", required=True)
    p.add_argument("--to", required=True, metavar="PERSON")
    p.set_defaults(func=run_grant)

    p = sub.add_parser("revoke", parents=[common], help="remove a key and rotate the audience")
    p.add_argument("--audience", required=True)
    p.add_argument("--from", dest="person", required=True, metavar="PERSON")
    p.set_defaults(func=run_revoke)

    p = sub.add_parser(
        "sign",
        parents=[common],
        help="sign the keys of audiences written before signatures (a holder)",
    )
    p.add_argument("--audience", help="one audience (default: every audience you hold)")
    p.set_defaults(func=run_sign)

    sub.add_parser("rekey", parents=[common], help="change your own passphrase").set_defaults(
        func=run_rekey
    )
    sub.add_parser(
        "migrate", parents=[common], help="move your format-1 keys to format 2"
    ).set_defaults(func=run_migrate)

    p = sub.add_parser("audit", parents=[common], help="who can open what, rotation, holders")
    add_today(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_audit)


# --- helpers --------------------------------------------------------------------


class Session:
    """The runbook, its vault and language for one command."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.runbook, self.settings = load_runbook(args)
        self.lang = self.settings.language
        if leads_outside(self.runbook.root, self.settings.vault_file):  # never read nor written
            raise CommandError(t(self.lang, "vault.file_outside", path=self.settings.vault_file),
                               EXIT_USAGE)  # fmt: skip
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

    def update(self, change: Callable[[Vault], tuple[Vault, T]]) -> T:
        """Under the writers' lock: read the vault again, apply `change`, write atomically.

        `change` returns the new vault and whatever the command reports; when it
        raises, nothing is written.
        """
        try:
            with locked(self.path):
                self.vault = load(self.path, self.settings.vault_file)
                self.require_readable()
                vault, report = change(self.vault)
                try:
                    write_atomic(self.path, dump(vault))
                except OSError as err:
                    reason = err.strerror or type(err).__name__
                    raise CommandError(f"{self.settings.vault_file}: {reason}",
                                       EXIT_USAGE) from None  # fmt: skip
                self.vault = vault
                return report
        except Busy:
            raise CommandError(self._("vault.busy", path=self.settings.vault_file),
                               EXIT_FINDINGS) from None  # fmt: skip


def _has_terminal() -> bool:
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def _read_value(session: Session, cred_id: str, field: str) -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError:
                raise CommandError(session._("vault.value_not_utf8"), EXIT_USAGE) from None
        value = data
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


def _err(line: str) -> None:
    print(line, file=sys.stderr)


# --- commands -------------------------------------------------------------------


@_guard
def run_init(s: Session) -> int:
    exists = CommandError(f"{s.settings.vault_file}: {s._('vault.exists_file')}", EXIT_FINDINGS)
    if s.path.exists() or s.path.is_symlink():
        raise exists
    try:
        with locked(s.path):
            if s.path.exists() or s.path.is_symlink():
                raise exists
            write_atomic(s.path, dump(Vault(header=HEADER)))
    except Busy:
        raise CommandError(s._("vault.busy", path=s.settings.vault_file), EXIT_FINDINGS) from None
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
        row = (e.id, e.audience, e.label, ",".join(e.fields), holders, rotated)
        print("\t".join(map(terminal, row)))  # a label is data: escaped, one line
    return 0


REASONS = {
    "vault.stale_field": "vault.reason_stale",
    "vault.unmigrated_field": "vault.reason_stale",
}


@_guard
def run_check(s: Session) -> int:
    findings = check_vault(s.vault, s.runbook)
    for finding in findings:
        _err(finding.text(s.lang))
    # Open values when asked: --as, or RELEVE_USER with RELEVE_PASSPHRASE (no surprise prompt).
    who = s.args.who or (os.environ.get(ENV_USER) if os.environ.get(ENV_PASS) else None)
    failed: list = []
    if who and not s.vault.problems:
        me = s.me()
        opened, failed = ops.open_all(s.vault, me, s.passphrase(me))
        for cred_id, field, key in failed:
            reason = s._(REASONS.get(key, "vault.reason_tampered"))
            line = s._("vault.cannot_open", id=cred_id, field=field, person=me, reason=reason)
            pos = s.vault.pos(f"credentials.{cred_id}.fields.{field}")
            _err(f"{pos.path}:{pos.line}: {line}")
        print(s._("vault.check_opened", person=me, n=opened))
    if failed or any(f.severity == ERROR for f in findings):
        return EXIT_FINDINGS
    print(s._("vault.check_ok", n=len(s.vault.credentials)))
    return 0


@_guard
def run_enroll(s: Session) -> int:
    me = s.me()
    people = s.people()
    again = s.args.again
    ops.enroll_preflight(s.vault, people, me, again=again)  # before asking for a passphrase
    new = s.new_passphrase(me)

    def change(vault: Vault) -> tuple[Vault, ops.Enrolled]:
        done = ops.enroll(vault, people, me, new, again=again)
        return done.vault, done

    done = s.update(change)
    print(s._("vault.enrolled", person=me, fingerprint=done.fingerprint))
    for audience, holders in done.dropped.items():
        if holders:
            print(s._("vault.enrolled_regrant", person=me, audience=audience,
                      holders=", ".join(holders)))  # fmt: skip
        else:
            _err(s._("vault.enrolled_lost", audience=audience))
    print(s._("vault.enrolled_next", person=me))
    return 0


@_guard
def run_add(s: Session) -> int:
    s.require_readable()
    a = s.args
    me = s.me()
    passphrase = s.passphrase(me)
    value = _read_value(s, a.id, a.field)
    people, today = s.people(), today_of(a)

    def change(vault: Vault) -> tuple[Vault, None]:
        return ops.add(
            vault,
            people,
            me,
            passphrase,
            a.id,
            a.audience,
            value,
            today=today,
            field=a.field,
            label=a.label,
            url=a.url,
            replace_value=a.replace,
        ), None

    s.update(change)
    _err(s._("vault.added", id=a.id, field=a.field, audience=a.audience))
    return 0


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
    ops.grant_preflight(s.vault, people, a.audience, a.to)  # before asking for a passphrase
    passphrase = s.passphrase(me)
    s.update(lambda v: (ops.grant(v, people, me, passphrase, a.audience, a.to), None))
    print(s._("vault.granted", person=a.to, audience=a.audience))
    print(s._("vault.granted_fingerprint", person=a.to,
              fingerprint=fingerprint(s.vault.people[a.to].public)))  # fmt: skip
    return 0


@_guard
def run_revoke(s: Session) -> int:
    s.require_readable()
    a = s.args
    me = s.me()
    people = s.people()
    passphrase = s.passphrase(me)

    def change(vault: Vault) -> tuple[Vault, ops.Revoked]:
        done = ops.revoke(vault, people, me, passphrase, a.audience, a.person)
        return done.vault, done

    done = s.update(change)
    aud = done.vault.audiences[a.audience]
    print(s._("vault.revoked", person=a.person, audience=a.audience, n=done.n))
    if aud.current():
        print(s._("vault.rewrapped", generation=aud.generation, people=", ".join(aud.current())))
    for holder in done.dropped:
        print(s._("vault.regrant_enroll", person=holder, audience=a.audience))
    for cred_id, field in done.stale:
        _err(s._("vault.revoke_stale", id=cred_id, field=field))
    entries = done.vault.entries_of(a.audience)
    if entries:
        ids = ", ".join(e.id for e in entries)
        _err(s._("vault.revoke_reminder", ids=ids, person=a.person))
    return 0


@_guard
def run_sign(s: Session) -> int:
    s.require_readable()
    me = s.me()
    people = s.people()
    audience = s.args.audience
    passphrase = s.passphrase(me)

    def change(vault: Vault) -> tuple[Vault, ops.Signed]:
        done = ops.sign(vault, people, me, passphrase, audience)
        return done.vault, done

    done = s.update(change)
    if done.signed:
        print(s._("vault.signed", person=me, audiences=", ".join(done.signed)))
    if done.already:
        print(s._("vault.sign_already", audiences=", ".join(done.already)))
    return 0


@_guard
def run_rekey(s: Session) -> int:
    s.require_readable()
    me = s.me()
    passphrase = s.passphrase(me)
    ops.rekey_preflight(s.vault, me, passphrase)  # a wrong passphrase before asking a new one
    new = s.new_passphrase(me)
    s.update(lambda v: (ops.rekey(v, me, passphrase, new), None))
    n = sum(1 for aud in s.vault.audiences.values() if me in aud.current())
    print(s._("vault.rekeyed", person=me, n=n))
    return 0


@_guard
def run_migrate(s: Session) -> int:
    s.require_readable()
    me = s.me()
    people = s.people()
    passphrase = s.passphrase(me)

    def change(vault: Vault) -> tuple[Vault, ops.Migrated]:
        done = ops.migrate(vault, people, me, passphrase)
        return done.vault, done

    done = s.update(change)
    print(s._("vault.migrated", person=me, audiences=", ".join(done.audiences) or "-",
              fingerprint=done.fingerprint))  # fmt: skip
    if done.left:
        left = ", ".join(f"{p} ({', '.join(auds)})" for p, auds in done.left.items())
        print(s._("vault.migrate_left", people=left))
    else:
        print(s._("vault.migrate_done"))
    return 0


@_guard
def run_audit(s: Session) -> int:
    s.require_readable()
    result = audit(s.vault, s.runbook, today_of(s.args), s.settings)
    problems = bool(result.overdue or result.stray or result.pending or result.unverified)
    if s.args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return EXIT_FINDINGS if problems else 0
    if result.unverified:  # first: the access below is only true of keys that verify
        print(s._("audit.unverified"))
        for finding in result.unverified:
            print("  " + terminal(finding.text(s.lang)))
        print()
    print(s._("audit.access"))
    head = [s._("audit.credential"), s._("audit.audience"), *result.people]
    rows = [[cid, result.audiences[cid], *("x" if p in who else "." for p in result.people)]
            for cid, who in result.access.items()]  # fmt: skip
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        line = "  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
        print(terminal(line.rstrip()))
    print()
    if result.overdue:
        print(s._("audit.rotation"))
        for o in result.overdue:
            entry = s.vault.credentials.get(o.id)  # the command to print needs these two
            hint = {"audience": result.audiences.get(o.id, "ROLE"),
                    "fields": ", ".join(entry.fields) if entry else "password",
                    "holder": min(result.access.get(o.id) or ["PERSON"])}  # fmt: skip
            if o.rotated is None:
                print("  " + s._("audit.never_rotated_row", id=o.id, **hint))
            else:
                print(
                    "  "
                    + s._(
                        "audit.rotation_row",
                        id=o.id,
                        rotated=o.rotated.isoformat(),
                        due=o.due.isoformat() if o.due else "-",
                        every=o.every,
                        **hint,
                    )
                )
    else:
        print(s._("audit.rotation_ok"))
    print()
    if result.stray:
        print(s._("audit.holders"))
        for st in result.stray:
            key = "audit.holder_unknown" if st.reason == "unknown" else "audit.holder_no_role"
            aud = s.vault.audiences.get(st.audience)
            others = [p for p in (aud.holders() if aud else []) if p != st.person]
            holder = min(others or ["PERSON"])  # who can run the revoke: another holder
            print("  " + s._(key, person=st.person, audience=st.audience, holder=holder))
    else:
        print(s._("audit.holders_ok"))
    print()
    print(s._("audit.people"))
    for person, fp in result.fingerprints.items():
        print(f"  {person}: {fp or s._('audit.not_enrolled')}")
    if result.pending:
        people = ", ".join(f"{p} ({', '.join(auds)})" for p, auds in result.pending.items())
        print()
        print(s._("audit.migration") + " " + s._("vault.migration_pending", people=people))
    return EXIT_FINDINGS if problems else 0
