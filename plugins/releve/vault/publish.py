"""The sealed data the site publishes for the Reveal button (`assets/releve/vault.json`).

Only what the browser needs to redo the decryption: per audience, each
holder's slot (iterations, salt, nonce, wrapped key); per credential, the
clear metadata bound in the associated data and each sealed field. Nothing
here is a secret without a holder's passphrase; it is a JSON file, never page
text, so Material's search does not index it.
"""

from __future__ import annotations

import json

from .crypto import FORMAT_VERSION
from .store import Vault, sealed_plain, slot_plain


def site_json(vault: Vault) -> str:
    data = {
        "version": FORMAT_VERSION,
        "audiences": {
            aud: {"slots": {person: slot_plain(s) for person, s in slots.items()}}
            for aud, slots in vault.audiences.items()
        },
        "credentials": {
            e.id: {
                "label": e.label,
                "url": e.url,
                "audience": e.audience,
                "fields": {name: sealed_plain(s) for name, s in e.fields.items()},
            }
            for e in vault.credentials.values()
        },
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
