"""What `releve vault` does, on a `Vault` in memory: add, reveal, grant, revoke, rekey.

Each operation checks everything before changing anything and returns the
changed vault (the caller writes it), or raises `VaultError` with a message
key; so a refused command writes nothing. `iterations` and `weak_for_tests`
exist for the test suite only: the CLI never passes them.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from . import crypto
from .crypto import MIN_ITERATIONS, Refused
from .store import FIELD_RE, ID_RE, Entry, Vault, insert_sorted

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


def field_ad(entry: Entry, field: str) -> bytes:
    meta = crypto.meta_hash(entry.id, entry.label, entry.url, entry.audience)
    return crypto.field_ad(entry.id, field, entry.audience, meta)


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


def open_key(vault: Vault, audience: str, person: str, passphrase: str) -> bytes:
    """The audience data key, unwrapped with `person`'s passphrase."""
    if audience not in vault.audiences:
        raise VaultError("vault.unknown_audience", USAGE, audience=audience)
    slot = vault.audiences[audience].get(person)
    if slot is None:
        raise VaultError("vault.not_holder", REFUSED, person=person, audience=audience)
    try:
        return crypto.unwrap(slot, passphrase, audience, person)
    except Refused:
        raise VaultError("vault.wrong_passphrase", REFUSED, person=person) from None


def _verify_any_slot(vault: Vault, person: str, passphrase: str) -> None:
    """When `person` already holds slots, `passphrase` must open one (a typo is refused)."""
    mine = [aud for aud, slots in vault.audiences.items() if person in slots]
    if mine:
        open_key(vault, mine[0], person, passphrase)


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
    **kdf: Any,
) -> Vault:
    """Seal `value` as `cred_id`/`field`; the first add for an audience creates it for `me`."""
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
    if audience in out.audiences:
        key = open_key(out, audience, me, passphrase)
    else:
        _verify_any_slot(out, me, passphrase)
        check_new_passphrase(passphrase)
        key = crypto.new_data_key()
        slot = crypto.wrap(key, passphrase, audience, me, **_kdf(kdf))
        out.audiences = insert_sorted(out.audiences, audience, {me: slot})

    if existing is None:
        entry = Entry(cred_id, label or cred_id, audience, url or None, today)
        out.credentials = insert_sorted(out.credentials, cred_id, entry)
    else:
        entry = out.credentials[cred_id]
        entry.rotated = today
    entry.fields[field] = crypto.seal(key, value, field_ad(entry, field))
    return out


def reveal(
    vault: Vault, me: str, passphrase: str, cred_id: str, field: str | None = None
) -> dict[str, str]:
    """Open `field` of `cred_id` (every field when None) as `me`."""
    entry = vault.credentials.get(cred_id)
    if entry is None:
        raise VaultError("vault.unknown_id", USAGE, id=cred_id)
    if field is not None and field not in entry.fields:
        raise VaultError(
            "vault.unknown_field", USAGE, id=cred_id, field=field, fields=", ".join(entry.fields)
        )
    key = open_key(vault, entry.audience, me, passphrase)
    names = [field] if field is not None else list(entry.fields)
    try:
        return {name: crypto.open_sealed(key, entry.fields[name], field_ad(entry, name))
                for name in names}  # fmt: skip
    except Refused:
        raise VaultError("vault.tampered", REFUSED, id=cred_id) from None


def grant_preflight(vault: Vault, people: People, audience: str, to: str) -> None:
    """What `grant` checks before any passphrase is asked for."""
    if audience not in vault.audiences:
        _audience_is_role(people, audience)
        raise VaultError("vault.no_such_audience", USAGE, audience=audience)
    if audience not in _person(people, to):
        raise VaultError("vault.no_role", REFUSED, person=to, audience=audience)
    if to in vault.audiences[audience]:
        raise VaultError("vault.already_holder", REFUSED, person=to, audience=audience)


def grant(
    vault: Vault,
    people: People,
    me: str,
    passphrase: str,
    audience: str,
    to: str,
    new_passphrase: str,
    **kdf: Any,
) -> Vault:
    """Add a slot for `to`, who must have the role; `me` must already hold one."""
    grant_preflight(vault, people, audience, to)
    _person(people, me)
    key = open_key(vault, audience, me, passphrase)
    _verify_any_slot(vault, to, new_passphrase)
    check_new_passphrase(new_passphrase)
    out = copy.deepcopy(vault)
    slot = crypto.wrap(key, new_passphrase, audience, to, **_kdf(kdf))
    out.audiences[audience] = insert_sorted(out.audiences[audience], to, slot)
    return out


def revoke(
    vault: Vault,
    people: People,
    me: str,
    passphrase: str,
    audience: str,
    person: str,
    passphrase_of: Callable[[str], str | None] = lambda _: None,
    **kdf: Any,
) -> tuple[Vault, list[str]]:
    """Remove `person`'s slot and rotate the audience key; re-encrypt every field.

    The new key is wrapped for `me`, and for each other holder whose passphrase
    `passphrase_of` gives (it must open their old slot); the slots of holders
    without one are dropped and returned, to be granted again.
    """
    if audience not in vault.audiences:
        _audience_is_role(people, audience)
        raise VaultError("vault.no_such_audience", USAGE, audience=audience)
    _person(people, person)
    _person(people, me)
    if person not in vault.audiences[audience]:
        raise VaultError("vault.not_holder", REFUSED, person=person, audience=audience)
    if person == me:
        raise VaultError("vault.revoke_self", REFUSED)
    old = open_key(vault, audience, me, passphrase)
    others: dict[str, str] = {}
    dropped: list[str] = []
    for holder in vault.holders(audience):
        if holder in (me, person):
            continue
        given = passphrase_of(holder)
        if given:
            open_key(vault, audience, holder, given)
            others[holder] = given
        else:
            dropped.append(holder)

    out = copy.deepcopy(vault)
    new = crypto.new_data_key()
    for entry in out.entries_of(audience):
        for name, sealed in list(entry.fields.items()):
            try:
                value = crypto.open_sealed(old, sealed, field_ad(entry, name))
            except Refused:
                raise VaultError("vault.tampered", REFUSED, id=entry.id) from None
            entry.fields[name] = crypto.seal(new, value, field_ad(entry, name))
    kept = {me: passphrase, **others}
    out.audiences[audience] = {
        holder: crypto.wrap(new, kept[holder], audience, holder, **_kdf(kdf))
        for holder in vault.holders(audience)
        if holder in kept
    }
    return out, dropped


def rekey(vault: Vault, me: str, passphrase: str, new_passphrase: str, **kdf: Any) -> Vault:
    """Re-wrap every slot of `me` under a new passphrase (fresh salts)."""
    mine = [aud for aud, slots in vault.audiences.items() if me in slots]
    if not mine:
        raise VaultError("vault.holds_nothing", REFUSED, person=me)
    keys = {aud: open_key(vault, aud, me, passphrase) for aud in mine}
    check_new_passphrase(new_passphrase)
    out = copy.deepcopy(vault)
    for aud, key in keys.items():
        out.audiences[aud] = dict(out.audiences[aud])
        out.audiences[aud][me] = crypto.wrap(key, new_passphrase, aud, me, **_kdf(kdf))
    return out


def open_all(vault: Vault, me: str, passphrase: str) -> tuple[int, list[tuple[str, str]]]:
    """Open every value `me` may open: (values opened, [(credential id, field) that failed])."""
    mine = [aud for aud, slots in vault.audiences.items() if me in slots]
    if not mine:
        raise VaultError("vault.holds_nothing", REFUSED, person=me)
    opened, failed = 0, []
    for aud in mine:
        key = open_key(vault, aud, me, passphrase)
        for entry in vault.entries_of(aud):
            for name, sealed in entry.fields.items():
                try:
                    crypto.open_sealed(key, sealed, field_ad(entry, name))
                    opened += 1
                except Refused:
                    failed.append((entry.id, name))
    return opened, failed
