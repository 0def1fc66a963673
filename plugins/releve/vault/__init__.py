"""Sealed credentials: `vault.yml`, format version 2 (format 1 read-only, until migrated).

Names and metadata stay readable (the lint and the site check references);
every secret field is sealed. Layout, one line per enrolled person, one block
per audience and per credential, each sealed item on one line (merge-friendly;
no whole-file checksum)::

    version: 2
    people:                         # one line per enrolled person
      marie: {public: B64, iterations: 600000, salt: B64, nonce: B64, private: B64}
    audiences:
      comptabilite:                 # a role from team.yml
        generation: 3               # which audience key is current
        slots:                      # the current key, wrapped to each holder's public key
          marie: {generation: 3, ephemeral: B64, nonce: B64, key: B64}
    credentials:
      banque-operations:
        label: "AccèsD Affaires"
        audience: comptabilite
        url: "https://..."          # optional
        rotated: 2026-11-23         # set when a value is added or replaced
        fields:
          password: {generation: 3, nonce: B64, value: B64}

Cryptography (`crypto.py`, redone by `assets/reveal.js` with WebCrypto):

- each person enrols once (`releve vault enroll`): a P-256 key pair; the public key
  (uncompressed point) is in clear, the private key (PKCS#8) is AES-256-GCM under
  PBKDF2-HMAC-SHA256(NFC passphrase, 16-byte random salt, iterations >= 600,000),
  associated data `releve-vault/2/person/PERSON/SHA256HEX(PUBLIC)`;
- each audience has a random 256-bit data key per generation, wrapped to each
  holder: ephemeral P-256 key, ECDH with the holder's public key, HKDF-SHA256
  (salt = ephemeral point || holder's point, info `releve-vault/2/wrap`), AES-256-GCM
  with associated data `releve-vault/2/wrap/AUDIENCE/PERSON/GENERATION`. So `grant`
  needs only the granter's passphrase, and `revoke` (a new generation) re-wraps for
  the remaining holders without theirs;
- each field is AES-256-GCM under the data key with a fresh 12-byte nonce
  (`value` is ciphertext + 16-byte tag); associated data
  `releve-vault/2/field/ID/FIELD/AUDIENCE/GENERATION/METAHASH`, METAHASH being the
  hex SHA-256 of the compact sorted JSON `{"audience","id","label","url"}`: moving a
  value to another entry, or editing its label, URL or audience, makes it fail; the
  clear `generation` lets `vault check` see, without a passphrase, a value sealed
  under a key that no longer exists (a git merge of `revoke` with a parallel `add`).

Format 1 (`version: 1`): the data key is wrapped under each holder's passphrase
(`slots: {PERSON: {iterations, salt, nonce, key}}`, associated data
`releve-vault/1/slot/AUDIENCE/PERSON`) and fields carry no generation (associated
data `releve-vault/1/field/ID/FIELD/AUDIENCE/METAHASH`). `releve vault migrate`
moves each holder's slots to format 2 with her own passphrase; slots not migrated
yet sit under `legacy:` in the audience and keep working.

B64 is standard base64. Modules: `crypto` (primitives), `store` (read, write
atomically, keep untouched blocks byte-identical), `lock` (one writer at a time),
`ops` (enroll, add, reveal, grant, revoke, rekey, migrate), `check` (structure,
references, key generations), `audit` (who can open what), `publish` (the site's JSON).
"""

from __future__ import annotations

from ..model.refs import CRED_REF, inline_references, references
from .check import check_vault
from .crypto import FORMAT_VERSION, MIN_ITERATIONS, Refused
from .ops import REFUSED, USAGE, VaultError
from .publish import site_json
from .store import Audience, Entry, Vault, dump, load, parse, write_atomic

__all__ = [
    "CRED_REF",
    "FORMAT_VERSION",
    "MIN_ITERATIONS",
    "REFUSED",
    "USAGE",
    "Audience",
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
