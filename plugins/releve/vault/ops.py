"""What `releve vault` does, on a `Vault` in memory: enroll, add, reveal, grant, revoke,
rekey, migrate.

Each operation checks everything before changing anything and returns the
changed vault (the caller writes it), or raises `VaultError` with a message
key; so a refused command writes nothing. Nobody ever types another person's
passphrase: `grant` and `revoke` wrap audience keys to the holders' public keys.
`iterations` and `weak_for_tests` exist for the test suite only: the CLI never
passes them.
"""

from __future__ import annotations

import copy
import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import chain, crypto
from .crypto import FORMAT_VERSION, MIN_ITERATIONS, PrivateKey, Refused, Sealed
from .store import FIELD_RE, ID_RE, Audience, Entry, Vault, insert_sorted

USAGE, REFUSED = "usage", "refused"
MIN_PASSPHRASE = 20  # characters, after NFC; five random words are well above it


class VaultError(Exception):
    """A refused or impossible operation; `key` is an i18n message key, `kind` usage|refused."""

    def __init__(self, key: str, kind: str = REFUSED, **args: Any) -> None:
        super().__init__(key)
        self.key, self.kind, self.args_ = key, kind, args


People = Mapping[str, set[str]]  # person id -> roles, from team.yml


def _kdf(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "iterations": options.get("iterations", MIN_ITERATIONS),
        "weak_for_tests": options.get("weak_for_tests", False),
    }


def field_ad(entry: Entry, name: str, sealed: Sealed | None = None) -> bytes:
    """The associated data of `entry`'s field `name`, in the format it was sealed with."""
    sealed = sealed if sealed is not None else entry.fields[name]
    meta = crypto.meta_hash(entry.id, entry.label, entry.url, entry.audience)
    if sealed.generation is None:
        return crypto.legacy_field_ad(entry.id, name, entry.audience, meta)
    return crypto.field_ad(entry.id, name, entry.audience, sealed.generation, meta)


def _seal(entry: Entry, name: str, key: bytes, value: str, generation: int) -> Sealed:
    meta = crypto.meta_hash(entry.id, entry.label, entry.url, entry.audience)
    ad = crypto.field_ad(entry.id, name, entry.audience, generation, meta)
    return crypto.seal(key, value, ad, generation)


def check_new_passphrase(passphrase: str) -> None:
    if len(unicodedata.normalize("NFC", passphrase).strip()) < MIN_PASSPHRASE:
        raise VaultError("vault.weak_passphrase", USAGE, n=MIN_PASSPHRASE)


def _person(people: People, person: str) -> set[str]:
    if person not in people:
        raise VaultError("vault.unknown_person", USAGE, person=person)
    return people[person]


def _audience_is_role(people: People, audience: str) -> None:
    if not any(audience in roles for roles in people.values()):
        raise VaultError("vault.unknown_audience", USAGE, audience=audience)


def _writable(vault: Vault) -> None:
    """A format-1 file is read-only until `releve vault migrate`."""
    if vault.version != FORMAT_VERSION:
        raise VaultError("vault.format1_readonly", USAGE)


def _migrated(vault: Vault, audience: str, me: str) -> Audience:
    """The audience, which must have a format-2 key, and `me` must not be waiting to migrate."""
    aud = vault.audiences[audience]
    if me in aud.legacy and me not in aud.current():
        raise VaultError("vault.migrate_first", REFUSED, person=me)
    if aud.generation is None:
        waiting = ", ".join(sorted(aud.legacy)) or "-"
        raise VaultError("vault.audience_not_migrated", REFUSED, audience=audience, people=waiting)
    return aud


# --- keys -------------------------------------------------------------------------


def verified(vault: Vault, people: People, audience: str) -> chain.History:
    """The audience's signed history, which must verify before its key is used: an
    unsigned, broken or self-revoked history, or keys rolled back, is refused, naming
    who signed the step at fault (`chain.py`)."""
    history = chain.verify(vault.meta(), audience, people)
    if history.problems:
        problem = history.problems[0]
        raise VaultError(problem.key, REFUSED, **problem.args)
    return history


def _wrap(key: bytes, vault: Vault, audience: str, person: str, generation: int, me: str,
          private: PrivateKey) -> crypto.Wrap:  # fmt: skip
    """The audience key wrapped to `person`'s public key, signed by `me`."""
    public = vault.people[person].public
    wrap = crypto.wrap_to(key, public, audience, person, generation)
    return chain.signed_wrap(wrap, audience, person, public, me, private)


def unlock(vault: Vault, me: str, passphrase: str) -> PrivateKey:
    """`me`'s private key; a wrong passphrase (or an altered enrolment) is refused."""
    enrolment = vault.people.get(me)
    if enrolment is None:
        raise VaultError("vault.not_enrolled", REFUSED, person=me)
    try:
        return crypto.unlock(enrolment, passphrase, me)
    except Refused:
        raise VaultError("vault.wrong_passphrase", REFUSED, person=me) from None


class Keyring:
    """The audience keys one person opens during one command; her passphrase is derived
    once (PBKDF2 is deliberately slow), format-1 slots are opened as a fallback."""

    def __init__(self, vault: Vault, me: str, passphrase: str) -> None:
        self.vault, self.me, self.passphrase = vault, me, passphrase
        self._private: PrivateKey | None = None

    def private(self) -> PrivateKey:
        if self._private is None:
            self._private = unlock(self.vault, self.me, self.passphrase)
        return self._private

    def key(self, audience: str) -> bytes:
        """The key of the audience's current generation (or its format-1 key)."""
        aud = self.vault.audiences.get(audience)
        if aud is None:
            raise VaultError("vault.unknown_audience", USAGE, audience=audience)
        me = self.me
        if me in aud.current():
            try:
                return crypto.unwrap_with(aud.slots[me], self.private(), audience, me,
                                          aud.generation or 0)  # fmt: skip
            except Refused:
                raise VaultError(
                    "vault.altered_wrap", REFUSED, person=me, audience=audience
                ) from None
        if me in aud.legacy and aud.legacy_valid():
            try:
                return crypto.unwrap_legacy(aud.legacy[me], self.passphrase, audience, me)
            except Refused:
                raise VaultError("vault.wrong_passphrase", REFUSED, person=me) from None
        if me in aud.slots:  # a wrap of an older generation: revoked in a parallel branch
            raise VaultError("vault.stale_wrap", REFUSED, person=me, audience=audience)
        raise VaultError("vault.not_holder", REFUSED, person=me, audience=audience)


def open_key(vault: Vault, audience: str, me: str, passphrase: str) -> bytes:
    """The current key of `audience`, opened by `me` with her passphrase."""
    return Keyring(vault, me, passphrase).key(audience)


def _open_field(vault: Vault, entry: Entry, name: str, key: bytes) -> str:
    sealed = entry.fields[name]
    aud = vault.audiences.get(entry.audience, Audience())
    if sealed.generation != aud.generation:
        raise VaultError("vault.stale_field", REFUSED, id=entry.id, field=name,
                         audience=entry.audience, generation=sealed.generation or 0,
                         current=aud.generation or 0)  # fmt: skip
    try:
        return crypto.open_sealed(key, sealed, field_ad(entry, name))
    except Refused:
        raise VaultError("vault.tampered", REFUSED, id=entry.id) from None


# --- enrolment --------------------------------------------------------------------


@dataclass
class Enrolled:
    vault: Vault
    fingerprint: str
    dropped: dict[str, list[str]] = field(default_factory=dict)  # audience -> who can grant


def enroll_preflight(vault: Vault, people: People, me: str, *, again: bool = False) -> None:
    """What `enroll` refuses before a new passphrase is asked for."""
    _person(people, me)
    if vault.version != FORMAT_VERSION:
        raise VaultError("vault.enroll_format1", USAGE, person=me)
    if any(me in aud.legacy for aud in vault.audiences.values()):
        raise VaultError("vault.migrate_first", REFUSED, person=me)
    if me in vault.people and not again:
        raise VaultError("vault.already_enrolled", REFUSED, person=me)


def enroll(
    vault: Vault, people: People, me: str, new_passphrase: str, *, again: bool = False, **kdf: Any
) -> Enrolled:
    """A key pair for `me`, its private key sealed under her new passphrase.

    Enrolling again (a lost passphrase) needs `again`: it drops every wrap she held,
    and says, per audience, who can grant her access again.
    """
    enroll_preflight(vault, people, me, again=again)
    check_new_passphrase(new_passphrase)
    enrolment, _ = crypto.enrol(me, new_passphrase, **_kdf(kdf))
    out = copy.deepcopy(vault)
    dropped: dict[str, list[str]] = {}
    for name, aud in out.audiences.items():
        if me in aud.slots:
            del aud.slots[me]
            dropped[name] = aud.holders()
    if me in out.people:  # her former keys still verify what she signed with them
        old = out.people[me]
        former = tuple(dict.fromkeys((old.public, *old.former)))
        out.people[me] = dataclasses.replace(enrolment, former=former)
    else:
        out.people = insert_sorted(out.people, me, enrolment)
    return Enrolled(out, crypto.fingerprint(enrolment.public), dropped)


def rekey_preflight(vault: Vault, me: str, passphrase: str) -> PrivateKey:
    """What `rekey` refuses before a new passphrase is asked for."""
    _writable(vault)
    if any(me in aud.legacy for aud in vault.audiences.values()):
        raise VaultError("vault.migrate_first", REFUSED, person=me)
    return unlock(vault, me, passphrase)


def rekey(vault: Vault, me: str, passphrase: str, new_passphrase: str, **kdf: Any) -> Vault:
    """Re-seal only `me`'s private key under a new passphrase (fresh salt); wraps stay."""
    private = rekey_preflight(vault, me, passphrase)
    check_new_passphrase(new_passphrase)
    out = copy.deepcopy(vault)
    out.people[me] = crypto.seal_private(private, new_passphrase, me, **_kdf(kdf))
    return out


# --- values -----------------------------------------------------------------------


def add(
    vault: Vault,
    people: People,
    me: str,
    passphrase: str,
    cred_id: str,
    audience: str,
    value: str,
    *,
    today: date,
    field: str = "password",
    label: str | None = None,
    url: str | None = None,
    replace_value: bool = False,
    **_: Any,
) -> Vault:
    """Seal `value` as `cred_id`/`field` under the audience's current key.

    The first add for an audience creates its key (generation 1) for `me`; so does an
    add to an audience nobody can open any more (next generation: the old values are
    then reported as sealed under a key that no longer exists, to be added again).
    """
    _writable(vault)
    if not ID_RE.fullmatch(cred_id):
        raise VaultError("vault.bad_id_arg", USAGE, id=cred_id)
    if not FIELD_RE.fullmatch(field):
        raise VaultError("vault.bad_field_arg", USAGE, field=field)
    if not ID_RE.fullmatch(audience):
        raise VaultError("vault.unknown_audience", USAGE, audience=audience)
    _audience_is_role(people, audience)
    if audience not in _person(people, me):
        raise VaultError("vault.no_role", REFUSED, person=me, audience=audience)
    if value == "":
        raise VaultError("vault.empty_value", USAGE)

    existing = vault.credentials.get(cred_id)
    if existing is not None:
        if existing.audience != audience:
            raise VaultError("vault.exists", REFUSED, id=cred_id, audience=existing.audience)
        if field in existing.fields and not replace_value:
            raise VaultError("vault.field_exists", REFUSED, id=cred_id, field=field)
        if (label is not None and label != existing.label) or (
            url is not None and url != existing.url
        ):
            raise VaultError("vault.meta_differs", REFUSED, id=cred_id)

    out = copy.deepcopy(vault)
    aud = out.audiences.get(audience)
    if aud is not None and aud.holders():
        _migrated(out, audience, me)
        verified(out, people, audience)
        key = Keyring(out, me, passphrase).key(audience)
    else:
        if me not in out.people and out.legacy_holders().get(me):
            raise VaultError("vault.migrate_first", REFUSED, person=me)
        history = aud.chain if aud is not None else []
        if history and me not in history[-1].holders:  # only a holder starts a generation
            raise VaultError("vault.recreate_not_holder", REFUSED, person=me, audience=audience,
                             holders=", ".join(history[-1].holders))  # fmt: skip
        if history:
            verified_history(out, people, audience)
        private = unlock(out, me, passphrase)
        key = crypto.new_data_key()
        generation = (aud.generation or 0) + 1 if aud is not None else 1
        steps = chain.next_step(audience, history, generation, [me], me, private)
        wrap = _wrap(key, out, audience, me, generation, me, private)
        fresh = Audience(generation, {me: wrap}, chain=steps)
        if aud is None:
            out.audiences = insert_sorted(out.audiences, audience, fresh)
        else:
            out.audiences[audience] = fresh
        aud = fresh
    assert aud.generation is not None

    if existing is None:
        entry = Entry(cred_id, label or cred_id, audience, url or None, today)
        out.credentials = insert_sorted(out.credentials, cred_id, entry)
    else:
        entry = out.credentials[cred_id]
        entry.rotated = today
    entry.fields[field] = _seal(entry, field, key, value, aud.generation)
    return out


def verified_history(vault: Vault, people: People, audience: str) -> None:
    """The audience's history verifies as far as its steps go (its wraps aside): what an
    audience nobody holds any more must show before a former holder starts it again."""
    problems = [
        p for p in chain.verify(vault.meta(), audience, people).problems
        if not p.key.startswith("vault.wrap_")
    ]  # fmt: skip
    if problems:
        raise VaultError(problems[0].key, REFUSED, **problems[0].args)


def reveal(
    vault: Vault, me: str, passphrase: str, cred_id: str, field: str | None = None
) -> dict[str, str]:
    """Open `field` of `cred_id` (every field when None) as `me` (formats 1 and 2)."""
    entry = vault.credentials.get(cred_id)
    if entry is None:
        raise VaultError("vault.unknown_id", USAGE, id=cred_id)
    if field is not None and field not in entry.fields:
        raise VaultError(
            "vault.unknown_field", USAGE, id=cred_id, field=field, fields=", ".join(entry.fields)
        )
    key = Keyring(vault, me, passphrase).key(entry.audience)
    names = [field] if field is not None else list(entry.fields)
    return {name: _open_field(vault, entry, name, key) for name in names}


def open_all(vault: Vault, me: str, passphrase: str) -> tuple[int, list[tuple[str, str, str]]]:
    """Open every value `me` may open: (values opened, [(credential, field, message key)])."""
    keyring = Keyring(vault, me, passphrase)
    mine = [name for name, aud in vault.audiences.items() if me in aud.holders()]
    if not mine:
        if me in vault.people:
            keyring.private()  # at least tell a wrong passphrase
        raise VaultError("vault.holds_nothing", REFUSED, person=me)
    opened, failed = 0, []
    for name in mine:
        key = keyring.key(name)
        for entry in vault.entries_of(name):
            for field_name in entry.fields:
                try:
                    _open_field(vault, entry, field_name, key)
                    opened += 1
                except VaultError as err:
                    failed.append((entry.id, field_name, err.key))
    return opened, failed


# --- access -----------------------------------------------------------------------


def grant_preflight(vault: Vault, people: People, audience: str, to: str) -> None:
    """What `grant` checks before any passphrase is asked for."""
    _writable(vault)
    if audience not in vault.audiences:
        _audience_is_role(people, audience)
        raise VaultError("vault.no_such_audience", USAGE, audience=audience)
    if audience not in _person(people, to):
        raise VaultError("vault.no_role", REFUSED, person=to, audience=audience)
    if to in vault.holders(audience):
        raise VaultError("vault.already_holder", REFUSED, person=to, audience=audience)
    if to not in vault.people:
        raise VaultError("vault.grantee_not_enrolled", REFUSED, person=to)
    try:
        crypto.load_public(vault.people[to].public)
    except Refused:
        raise VaultError("vault.bad_public", REFUSED, person=to) from None


def grant(vault: Vault, people: People, me: str, passphrase: str, audience: str, to: str) -> Vault:
    """Wrap the audience's current key to `to`'s public key; `me` must hold it.

    Only `me`'s passphrase is needed: `to` enrolled herself beforehand.
    """
    grant_preflight(vault, people, audience, to)
    _person(people, me)
    aud = _migrated(vault, audience, me)
    verified(vault, people, audience)
    keyring = Keyring(vault, me, passphrase)
    key = keyring.key(audience)
    out = copy.deepcopy(vault)
    generation = aud.generation or 0
    private = keyring.private()
    wrap = _wrap(key, out, audience, to, generation, me, private)
    target = out.audiences[audience]
    target.slots = insert_sorted({p: w for p, w in target.slots.items() if p != to}, to, wrap)
    target.chain = chain.next_step(audience, target.chain, generation,
                                   [*aud.holders(), to], me, private)  # fmt: skip
    return out


@dataclass
class Revoked:
    vault: Vault
    n: int  # values re-encrypted
    dropped: list[str] = field(default_factory=list)  # holders without a public key: grant again
    stale: list[tuple[str, str]] = field(default_factory=list)  # fields left as they were


def revoke(
    vault: Vault, people: People, me: str, passphrase: str, audience: str, person: str
) -> Revoked:
    """Remove `person`'s access and rotate the audience key (next generation).

    Every value is re-encrypted under the new key, which is wrapped to each
    remaining holder's public key: nobody else's passphrase is needed. Format-1
    holders who never enrolled cannot be re-wrapped and are returned, to be granted
    again once enrolled; values already sealed under a dead generation stay as they
    were (they opened for nobody) and are returned too.
    """
    _writable(vault)
    if audience not in vault.audiences:
        _audience_is_role(people, audience)
        raise VaultError("vault.no_such_audience", USAGE, audience=audience)
    _person(people, me)
    aud = vault.audiences[audience]
    if person not in aud.slots and person not in aud.legacy:
        raise VaultError("vault.not_holder", REFUSED, person=person, audience=audience)
    if person == me:
        raise VaultError("vault.revoke_self", REFUSED)
    _migrated(vault, audience, me)
    verified(vault, people, audience)
    keyring = Keyring(vault, me, passphrase)
    old = keyring.key(audience)
    private = keyring.private()

    out = copy.deepcopy(vault)
    generation = (aud.generation or 0) + 1
    new = crypto.new_data_key()
    n, stale = 0, []
    for entry in out.entries_of(audience):
        for name, sealed in list(entry.fields.items()):
            if sealed.generation != aud.generation:
                stale.append((entry.id, name))
                continue
            try:
                value = crypto.open_sealed(old, sealed, field_ad(entry, name))
            except Refused:
                raise VaultError("vault.tampered", REFUSED, id=entry.id) from None
            entry.fields[name] = _seal(entry, name, new, value, generation)
            n += 1
    remaining = [h for h in aud.holders() if h != person]
    dropped = [h for h in remaining if h not in out.people]
    kept = [h for h in remaining if h in out.people]
    out.audiences[audience] = Audience(
        generation,
        {h: _wrap(new, out, audience, h, generation, me, private) for h in kept},
        chain=chain.next_step(audience, aud.chain, generation, kept, me, private),
    )
    return Revoked(out, n, dropped, stale)


# --- migration from format 1 --------------------------------------------------------


@dataclass
class Migrated:
    vault: Vault
    audiences: list[str]  # where `me` now holds a format-2 wrap
    left: dict[str, list[str]]  # who still holds format-1 slots, and where
    fingerprint: str = ""


def migrate(vault: Vault, people: People, me: str, passphrase: str, **kdf: Any) -> Migrated:
    """Move `me`'s format-1 slots to format 2, with her own (format-1) passphrase.

    She enrols with that passphrase if she has not yet. For each audience she
    holds: the first holder to migrate re-seals its values in format 2 (generation
    1, same key), then every holder wraps the key to her own public key. The file
    becomes format 2 at the first migration; format-1 slots of others stay until
    they migrate (they keep working meanwhile).
    """
    _person(people, me)
    mine = [name for name, aud in vault.audiences.items() if me in aud.legacy]
    if not mine:
        left = vault.legacy_holders()
        if vault.version != FORMAT_VERSION:
            raise VaultError("vault.migrate_nothing_v1", REFUSED, person=me,
                             people=", ".join(left) or "-")  # fmt: skip
        raise VaultError("vault.migrate_nothing", REFUSED, person=me)
    keys: dict[str, bytes] = {}
    for name in mine:
        aud = vault.audiences[name]
        if not aud.legacy_valid():
            continue  # a leftover of a merge: it opens nothing, it is dropped below
        try:
            keys[name] = crypto.unwrap_legacy(aud.legacy[me], passphrase, name, me)
        except Refused:
            raise VaultError("vault.wrong_passphrase", REFUSED, person=me) from None

    out = copy.deepcopy(vault)
    out.version = FORMAT_VERSION
    if me in out.people:
        private = unlock(out, me, passphrase)
        public = out.people[me].public
    else:
        enrolment, private = crypto.enrol(me, passphrase, **_kdf(kdf))
        out.people = insert_sorted(out.people, me, enrolment)
        public = enrolment.public
    for name in mine:
        aud = out.audiences[name]
        if name not in keys:
            del aud.legacy[me]
            continue
        key = keys[name]
        if aud.generation is None:  # the first holder to migrate signs the key's history
            aud.generation = 1
            aud.chain = chain.next_step(name, [], 1, aud.holders(), me, private)
        del aud.legacy[me]
        for entry in out.entries_of(name):
            for field_name, sealed in list(entry.fields.items()):
                if sealed.generation not in (None, 1):
                    continue  # not this key's: `vault check` reports it
                try:
                    value = crypto.open_sealed(key, sealed, field_ad(entry, field_name))
                except Refused:
                    raise VaultError("vault.tampered", REFUSED, id=entry.id) from None
                if sealed.generation is None:
                    entry.fields[field_name] = _seal(entry, field_name, key, value, 1)
        wrap = chain.signed_wrap(crypto.wrap_to(key, public, name, me, 1), name, me, public, me,
                                 private)  # fmt: skip
        aud.slots = insert_sorted(aud.slots, me, wrap)
    return Migrated(out, sorted(keys), out.legacy_holders(), crypto.fingerprint(public))


# --- signing an audience written before signatures ----------------------------------------


@dataclass
class Signed:
    vault: Vault
    signed: list[str]  # audiences signed now
    already: list[str]  # audiences whose history already verified


def sign(
    vault: Vault, people: People, me: str, passphrase: str, audience: str | None = None
) -> Signed:
    """Sign the keys of audiences written before signatures, as one of their holders.

    For each audience `me` holds (or `audience`) with no signed history at all, she
    opens its key, wraps it again, signed, to every holder (so every wrap holds the key
    she holds, whoever made the old ones) and signs the first step of its history
    (holders: the current ones). An audience whose history verifies is left as it is;
    one whose history exists but does not verify is refused: signing it would vouch
    for a key someone may have planted. Sign a vault you have reviewed (git log).
    """
    _writable(vault)
    _person(people, me)
    if audience is not None:
        if audience not in vault.audiences:
            _audience_is_role(people, audience)
            raise VaultError("vault.no_such_audience", USAGE, audience=audience)
        if me not in vault.audiences[audience].current():
            raise VaultError("vault.not_holder", REFUSED, person=me, audience=audience)
        names = [audience]
    else:
        names = [n for n, aud in vault.audiences.items() if me in aud.current()]
        if not names:
            raise VaultError("vault.holds_nothing", REFUSED, person=me)
    out = copy.deepcopy(vault)
    keyring = Keyring(out, me, passphrase)
    done, already = [], []
    for name in names:
        history = chain.verify(out.meta(), name, people)
        if history.ok:
            already.append(name)
            continue
        first = history.problems[0]
        if first.key != "vault.unsigned":
            raise VaultError(first.key, REFUSED, **first.args)
        if name not in _person(people, me):
            raise VaultError("vault.no_role", REFUSED, person=me, audience=name)
        aud = out.audiences[name]
        generation = aud.generation or 0
        key = keyring.key(name)
        private = keyring.private()
        holders = aud.holders()
        aud.slots = {
            h: _wrap(key, out, name, h, generation, me, private)
            if w.generation == generation and h in out.people
            else w  # a leftover of another generation: reported as it was
            for h, w in aud.slots.items()
        }
        aud.chain = chain.next_step(name, [], generation, holders, me, private)
        done.append(name)
    if not done and audience is None and not already:
        raise VaultError("vault.holds_nothing", REFUSED, person=me)
    return Signed(out, done, already)
