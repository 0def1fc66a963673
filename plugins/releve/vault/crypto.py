"""The vault's cryptography, with the `cryptography` library; nothing here touches files.

Every step is one a browser's WebCrypto can redo (see `assets/reveal.js`):

- key of a holder's slot: PBKDF2-HMAC-SHA256(NFC passphrase as UTF-8, salt, iterations),
  32 bytes;
- audience data key: 32 random bytes, wrapped with AES-256-GCM under the slot key,
  associated data `slot_ad(audience, person)`;
- secret field: AES-256-GCM under the audience data key, fresh 12-byte nonce,
  associated data `field_ad(...)`, which binds the credential's clear metadata.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

FORMAT_VERSION = 1
MIN_ITERATIONS = 600_000
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16


class Refused(Exception):
    """Decryption failed: wrong passphrase, or sealed data or metadata were altered."""


@dataclass(frozen=True)
class Slot:
    """The audience data key wrapped for one holder."""

    iterations: int
    salt: bytes
    nonce: bytes
    key: bytes  # wrapped data key: AES-GCM ciphertext and tag


@dataclass(frozen=True)
class Sealed:
    """One secret field: AES-GCM ciphertext (with its 16-byte tag) and nonce."""

    nonce: bytes
    value: bytes


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise(passphrase: str) -> bytes:
    """Passphrases are compared as NFC: 'é' typed composed or decomposed opens the same slot."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def meta_hash(cred_id: str, label: str, url: str | None, audience: str) -> str:
    """SHA-256 (hex) of the canonical clear metadata: compact JSON with sorted keys.

    The browser builds the same string with `JSON.stringify` on keys in this order.
    """
    canonical = json.dumps(
        {"audience": audience, "id": cred_id, "label": label, "url": url},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def field_ad(cred_id: str, field: str, audience: str, metadata: str) -> bytes:
    return f"releve-vault/{FORMAT_VERSION}/field/{cred_id}/{field}/{audience}/{metadata}".encode()


def slot_ad(audience: str, person: str) -> bytes:
    return f"releve-vault/{FORMAT_VERSION}/slot/{audience}/{person}".encode()


def derive(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return kdf.derive(normalise(passphrase))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def check_iterations(iterations: int, *, weak_for_tests: bool) -> None:
    if iterations < MIN_ITERATIONS and not weak_for_tests:
        raise ValueError(f"PBKDF2 needs at least {MIN_ITERATIONS} iterations")


def wrap(
    data_key: bytes,
    passphrase: str,
    audience: str,
    person: str,
    *,
    iterations: int = MIN_ITERATIONS,
    weak_for_tests: bool = False,
) -> Slot:
    """Wrap `data_key` for `person`; `weak_for_tests` alone allows fewer iterations (tests)."""
    check_iterations(iterations, weak_for_tests=weak_for_tests)
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    kek = derive(passphrase, salt, iterations)
    key = AESGCM(kek).encrypt(nonce, data_key, slot_ad(audience, person))
    return Slot(iterations, salt, nonce, key)


def unwrap(slot: Slot, passphrase: str, audience: str, person: str) -> bytes:
    if slot.iterations < 1 or len(slot.salt) != SALT_BYTES or len(slot.nonce) != NONCE_BYTES:
        raise Refused("malformed slot")
    kek = derive(passphrase, slot.salt, slot.iterations)
    try:
        key = AESGCM(kek).decrypt(slot.nonce, slot.key, slot_ad(audience, person))
    except InvalidTag:
        raise Refused("wrong passphrase or altered slot") from None
    if len(key) != KEY_BYTES:
        raise Refused("malformed data key")
    return key


def seal(data_key: bytes, value: str, ad: bytes) -> Sealed:
    nonce = os.urandom(NONCE_BYTES)
    return Sealed(nonce, AESGCM(data_key).encrypt(nonce, value.encode("utf-8"), ad))


def open_sealed(data_key: bytes, sealed: Sealed, ad: bytes) -> str:
    if len(sealed.nonce) != NONCE_BYTES:
        raise Refused("malformed nonce")
    try:
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.value, ad).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError):
        raise Refused("altered value or metadata") from None
