"""The sealed data the site publishes for the Reveal button (`assets/releve/vault.json`).

Only what the browser needs to redo the decryption and check who made each key
(`chain.py`, redone by reveal.js): each enrolled person's public key (and former
ones) and sealed private key; per audience, its current generation, the signed
wraps of its key, its signed history, the people who have its role in team.yml,
and any format-1 slot not migrated yet; per credential, the clear metadata bound
in the associated data and each sealed field. Nothing here
is a secret without a holder's passphrase; it is a JSON file, never page text,
so Material's search does not index it.

The JSON has one shape for both file formats (`"version": 2`): a format-1 file's
slots are published as `legacy`, its fields with a null generation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from .crypto import FORMAT_VERSION
from .store import Vault, enrolment_plain, sealed_plain, slot_plain, statement_plain, wrap_plain


def site_json(vault: Vault, roles: Mapping[str, set[str]] | None = None) -> str:
    """The JSON; `roles` (person -> roles from team.yml) names each audience's members."""
    roles = roles or {}
    data = {
        "version": FORMAT_VERSION,
        "people": {person: enrolment_plain(e) for person, e in vault.people.items()},
        "audiences": {
            name: {
                "generation": aud.generation,
                "slots": {person: wrap_plain(w) for person, w in aud.slots.items()},
                "legacy": {person: slot_plain(s) for person, s in aud.legacy.items()},
                "chain": [statement_plain(step) for step in aud.chain],
                "members": sorted(p for p, r in roles.items() if name in r),
            }
            for name, aud in vault.audiences.items()
        },
        "credentials": {
            e.id: {
                "label": e.label,
                "url": e.url,
                "audience": e.audience,
                "fields": {
                    name: {"generation": s.generation} | sealed_plain(s)
                    for name, s in e.fields.items()
                },
            }
            for e in vault.credentials.values()
        },
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
