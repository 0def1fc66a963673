"""Sealed credentials: `vault.yml`, format version 1.

Names and metadata stay readable (the lint and the site check references);
every secret field is sealed. Layout, one block per audience and per
credential, each sealed item on one line (merge-friendly; no whole-file
checksum)::

    version: 1
    audiences:
      comptabilite:                 # a role from team.yml
        slots:                      # one per holder: the audience data key, wrapped
          marie: {iterations: 600000, salt: B64, nonce: B64, key: B64}
    credentials:
      banque-operations:
        label: "AccèsD Affaires"
        audience: comptabilite
        url: "https://..."          # optional
        rotated: 2026-11-23         # set when a value is added or replaced
        fields:
          password: {nonce: B64, value: B64}

Cryptography (`crypto.py`, redone by `assets/reveal.js` with WebCrypto):

- each audience has a random 256-bit data key, wrapped with AES-256-GCM for each
  holder under PBKDF2-HMAC-SHA256(NFC passphrase, 16-byte random salt, iterations
  >= 600,000 stored per slot); associated data `releve-vault/1/slot/AUDIENCE/PERSON`;
- each field is AES-256-GCM under the data key with a fresh 12-byte nonce
  (`value` is ciphertext + 16-byte tag); associated data
  `releve-vault/1/field/ID/FIELD/AUDIENCE/METAHASH`, METAHASH being the hex
  SHA-256 of the compact sorted JSON `{"audience","id","label","url"}`: moving a
  value to another entry, or editing its label, URL or audience, makes it fail.

B64 is standard base64. Modules: `crypto` (primitives), `store` (read, write
atomically, keep untouched blocks byte-identical), `ops` (add, reveal, grant,
revoke, rekey), `check` (structure and references), `publish` (the site's JSON).
"""

from __future__ import annotations

from ..model.refs import CRED_REF, inline_references, references
from .check import check_vault
from .crypto import FORMAT_VERSION, MIN_ITERATIONS, Refused
from .ops import REFUSED, USAGE, VaultError
from .publish import site_json
from .store import Entry, Vault, dump, load, parse, write_atomic

__all__ = [
    "CRED_REF",
    "FORMAT_VERSION",
    "MIN_ITERATIONS",
    "REFUSED",
    "USAGE",
    "Entry",
    "Refused",
    "Vault",
    "VaultError",
    "check_vault",
    "dump",
    "inline_references",
    "load",
    "parse",
    "references",
    "site_json",
    "write_atomic",
]
