"""Vault fixtures for the tests: format-2 vaults built with the real operations, and
format-1 vaults (read-only since format 2) built from the crypto primitives, as the
format-1 `releve vault` wrote them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from releve.vault import crypto, ops, store

FAST = {"iterations": 1000, "weak_for_tests": True}  # test-only: the CLI never passes these
DAY = date(2026, 11, 23)


def enrolled(people: Mapping[str, set[str]], passphrases: Mapping[str, str],
             who: Iterable[str] | None = None, vault: store.Vault | None = None,
             **kdf) -> store.Vault:  # fmt: skip
    """`vault` (empty by default) with each of `who` (default: every passphrase) enrolled."""
    v = vault if vault is not None else store.Vault()
    for person in who if who is not None else passphrases:
        v = ops.enroll(v, people, person, passphrases[person], **(kdf or FAST)).vault
    return v


def legacy_vault(
    holders: Mapping[str, Iterable[str]],
    passphrases: Mapping[str, str],
    values: Iterable[tuple[str, str, str, str]],
    *,
    label: str | None = None,
    today: date = DAY,
    **kdf,
) -> store.Vault:
    """A format-1 vault: `holders` audience -> people; `values` (id, audience, field, value)."""
    kdf = kdf or FAST
    v = store.Vault(version=crypto.LEGACY_VERSION, header=store.LEGACY_HEADER)
    keys = {}
    for audience, people in holders.items():
        keys[audience] = crypto.new_data_key()
        v.audiences[audience] = store.Audience(legacy={
            p: crypto.wrap_legacy(keys[audience], passphrases[p], audience, p, **kdf)
            for p in people
        })  # fmt: skip
    for cred_id, audience, field, value in values:
        entry = v.credentials.setdefault(
            cred_id, store.Entry(cred_id, label or cred_id.capitalize(), audience, None, today)
        )
        meta = crypto.meta_hash(entry.id, entry.label, entry.url, entry.audience)
        ad = crypto.legacy_field_ad(cred_id, field, audience, meta)
        entry.fields[field] = crypto.seal(keys[audience], value, ad)
    return v
