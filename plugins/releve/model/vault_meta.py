"""The vault's clear metadata, and the rules that read it alone.

`vault.yml` is parsed once (`vault_parse.read_vault`) into these types: ids,
labels, URLs, audiences, rotation dates, which key generation sealed each value
or wraps each holder's key, enrolled people and their public keys. No sealed
byte is kept here, so the model (lint, pages, coverage, binders) holds no
secret. The vault commands (`vault/store.py`) build on the same parse, and
project their in-memory vault back to these types (`Vault.meta()`) so that the
rules below have one home:

- who holds an audience (`audience_holders`): the people holding a wrap of its
  current key generation, plus format-1 slots while they are still valid;
- who still has format-1 slots to migrate (`pending_migration`, RB019);
- values and wraps of a key generation that no longer exists (`key_findings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..core.findings import ERROR, WARNING, Finding

FORMAT_VERSION = 2
LEGACY_VERSION = 1
SECTIONS = ("people", "audiences", "credentials")  # format 1 has no `people`


# --- the one rule of who can open what ----------------------------------------------


def legacy_valid(generation: int | None) -> bool:
    """Format-1 slots hold generation 1 (or the pre-migration key); a revoke drops them,
    so beside a later generation they are leftovers of a merge and open nothing."""
    return generation in (None, 1)


def current_holders(generation: int | None, slots: Mapping[str, int | None]) -> list[str]:
    """People holding a wrap of the current key generation (`slots`: person -> generation)."""
    if generation is None:
        return []
    return sorted(person for person, wrap in slots.items() if wrap == generation)


def audience_holders(
    generation: int | None, slots: Mapping[str, int | None], legacy: Iterable[str]
) -> list[str]:
    """Who can open an audience's values: current-generation wraps and valid format-1 slots.

    The access rule of coverage ("can open every credential"), RB017, the credential
    cards, `vault check`, `vault audit`, `vault list` and the vault operations.
    """
    holders = set(current_holders(generation, slots))
    if legacy_valid(generation):
        holders |= set(legacy)
    return sorted(holders)


def pending_migration(legacy: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Person -> audiences where she still holds a format-1 slot (`legacy`: audience ->
    people), who must run `releve vault migrate`."""
    out: dict[str, list[str]] = {}
    for audience, people in legacy.items():
        for person in people:
            out.setdefault(person, []).append(audience)
    return {person: sorted(auds) for person, auds in sorted(out.items())}


# --- the metadata ---------------------------------------------------------------------


@dataclass
class PersonMeta:
    """An enrolled person: her public key and her passphrase's iterations, in clear, and
    her earlier public keys (`enroll --again`), which verify what she signed with them."""

    public: bytes
    iterations: int
    former: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Statement:
    """One signed step of an audience's key history (`chain:` in vault.yml): after it, key
    generation `generation` is held by `holders`; `by` signed it with her enrolled key.
    The signature also covers the step before it (`vault/chain.py`), so steps can be
    neither removed, reordered nor replaced without breaking the chain."""

    generation: int
    holders: tuple[str, ...]
    by: str
    signature: bytes


@dataclass(frozen=True)
class WrapSig:
    """What a holder's wrap is signed over, without the wrap: its generation, the SHA-256
    of its sealed bytes, and who signed it (None: made before signatures)."""

    generation: int
    digest: bytes
    by: str | None = None
    signature: bytes | None = None


@dataclass
class AudienceMeta:
    generation: int | None = None  # None: no format-2 key yet (format-1 slots only)
    slots: dict[str, int] = field(default_factory=dict)  # person -> generation of her wrap
    legacy: dict[str, int] = field(default_factory=dict)  # person -> iterations (format 1)
    wraps: dict[str, WrapSig] = field(default_factory=dict)  # person -> her wrap's signature
    chain: list[Statement] = field(default_factory=list)  # the signed key history

    def current(self) -> list[str]:
        return current_holders(self.generation, self.slots)

    def holders(self) -> list[str]:
        return audience_holders(self.generation, self.slots, self.legacy)


@dataclass
class CredentialMeta:
    id: str
    label: str
    audience: str
    url: str | None = None
    rotated: date | None = None
    rotate_every: int | None = None
    fields: dict[str, int | None] = field(default_factory=dict)  # name -> generation sealing it
    readable: bool = True  # False: a bad label, audience, url or date (the store skips it)


@dataclass
class VaultMeta:
    path: str = "vault.yml"
    version: int | None = None  # None: no vault, an empty one, or one that cannot be read
    people: dict[str, PersonMeta] = field(default_factory=dict)
    audiences: dict[str, AudienceMeta] = field(default_factory=dict)
    credentials: dict[str, CredentialMeta] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)  # the vault commands refuse these
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # "audiences.x" -> pos

    def at(self, where: str) -> tuple[int, int]:
        return self.positions.get(where, (1, 1))

    def holders(self, audience: str) -> list[str]:
        aud = self.audiences.get(audience)
        return aud.holders() if aud is not None else []

    def pending(self) -> dict[str, list[str]]:
        return pending_migration({name: aud.legacy for name, aud in self.audiences.items()})

    def legacy_where(self, audience: str, person: str) -> str:
        """Where a format-1 slot is: `slots` in a format-1 file, `legacy` in format 2."""
        section = "slots" if self.version == LEGACY_VERSION else "legacy"
        return f"audiences.{audience}.{section}.{person}"

    def finding(self, code: str, where: str, key: str, severity: str = ERROR, /, **args) -> Finding:
        return Finding(code, self.path, *self.at(where), key, args, severity)


# --- findings from the metadata alone -------------------------------------------------


def rolled_back(meta: VaultMeta, audience: str) -> int | None:
    """The highest generation a value or a wrap of `audience` was sealed under, when it is
    above the audience's own: its keys were rolled back (an older `audiences:` block
    restored, which gives the key back to whoever a `revoke` removed). Generations only
    go up, so this is never a merge; None when the audience is not rolled back."""
    aud = meta.audiences.get(audience)
    if aud is None:
        return None
    current = aud.generation or 0
    seen = [g for g in aud.slots.values() if g > current]
    seen += [
        g
        for cred in meta.credentials.values()
        if cred.audience == audience
        for g in cred.fields.values()
        if g is not None and g > current
    ]
    return max(seen) if seen else None


def key_findings(meta: VaultMeta) -> list[Finding]:
    """What a merge of `revoke` (a new key generation) with a parallel `add` or `grant`
    leaves behind, seen without a passphrase: values and wraps of a generation that no
    longer exists, which nobody can open (RB008); and values or wraps of a generation
    above the audience's, which only a rollback of its keys leaves (RB026)."""
    out = []
    for cred in meta.credentials.values():
        aud = meta.audiences.get(cred.audience)
        if aud is None:
            continue
        for name, generation in cred.fields.items():
            where = f"credentials.{cred.id}.fields.{name}"
            if generation is None and aud.generation is not None:
                out.append(meta.finding("RB008", where, "vault.unmigrated_field", id=cred.id,
                                        field=name, audience=cred.audience))  # fmt: skip
            elif generation is not None and generation > (aud.generation or 0):
                out.append(meta.finding("RB026", where, "vault.rolled_back_field", id=cred.id,
                                        field=name, audience=cred.audience,
                                        generation=generation,
                                        current=aud.generation or 0))  # fmt: skip
            elif generation != aud.generation:
                out.append(meta.finding("RB008", where, "vault.stale_field", id=cred.id,
                                        field=name, audience=cred.audience,
                                        generation=generation or 0,
                                        current=aud.generation or 0))  # fmt: skip
    for audience, aud in meta.audiences.items():
        for person, generation in aud.slots.items():
            if generation > (aud.generation or 0):
                out.append(meta.finding("RB026", f"audiences.{audience}.slots.{person}",
                                        "vault.rolled_back_wrap", person=person,
                                        audience=audience, generation=generation,
                                        current=aud.generation or 0))  # fmt: skip
            elif generation != aud.generation:
                out.append(meta.finding("RB008", f"audiences.{audience}.slots.{person}",
                                        "vault.stale_wrap_found", person=person,
                                        audience=audience, generation=generation,
                                        current=aud.generation or 0))  # fmt: skip
        if not legacy_valid(aud.generation):
            for person in aud.legacy:
                out.append(meta.finding("RB008", meta.legacy_where(audience, person),
                                        "vault.stale_wrap_found", person=person,
                                        audience=audience, generation=1,
                                        current=aud.generation or 0))  # fmt: skip
    return out


def format_findings(meta: VaultMeta) -> list[Finding]:
    """RB019, a warning: a format-1 vault, or format-1 slots not migrated yet, naming who
    still has to run `releve vault migrate`."""
    left = meta.pending()
    if meta.version not in (LEGACY_VERSION, FORMAT_VERSION):
        return []
    if meta.version == FORMAT_VERSION and not left:
        return []
    people = ", ".join(f"{p} ({', '.join(auds)})" for p, auds in left.items()) or "-"
    key = "vault.format1" if meta.version == LEGACY_VERSION else "vault.migration_pending"
    return [meta.finding("RB019", "version", key, WARNING, people=people)]
