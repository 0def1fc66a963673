"""The vault's cryptography, with the `cryptography` library; nothing here touches files.

Every step is one a browser's WebCrypto can redo (see `assets/reveal.js`).

Format 2 (per-person key pairs, as age and Bitwarden organisations do):

- a person enrols once: a P-256 key pair; the private key (PKCS#8, 67 bytes) is sealed
  with AES-256-GCM under PBKDF2-HMAC-SHA256(NFC passphrase, 16-byte salt, >= 600,000
  iterations), associated data `person_ad(person, public)`; the public key (uncompressed
  point, 65 bytes) stays in clear;
- an audience data key (32 random bytes, numbered by its generation) is wrapped to each
  holder's public key: a fresh ephemeral P-256 key, ECDH with the holder's public key,
  HKDF-SHA256 (salt: ephemeral point then holder's point; info `WRAP_INFO`) -> 32-byte
  key, AES-256-GCM, associated data `wrap_ad(audience, person, generation)`;
- a secret field: AES-256-GCM under the audience data key, fresh 12-byte nonce,
  associated data `field_ad(...)`, which binds the credential's clear metadata and the
  generation of the key that sealed it.

Format 1 (read-only, until `releve vault migrate`): the audience data key is wrapped
under each holder's passphrase (`wrap_legacy`/`unwrap_legacy`) and fields use
`legacy_field_ad`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

FORMAT_VERSION = 2
LEGACY_VERSION = 1
MIN_ITERATIONS = 600_000
# Above this a file is refusing service, not protecting a key: `vault show` and the browser's
# Reveal would spin for minutes (the documented range: MIN_ITERATIONS to MAX_ITERATIONS).
MAX_ITERATIONS = 10_000_000
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
TAG_BYTES = 16
PUBLIC_BYTES = 65  # uncompressed P-256 point: 0x04 || x || y
# PKCS#8 of a P-256 private key without the optional public key: this prefix, then the
# 32-byte scalar. Both OpenSSL and WebCrypto (`importKey`/`unwrapKey` "pkcs8") read it.
PKCS8_PREFIX = bytes.fromhex(
    "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420"
)
PRIVATE_BYTES = len(PKCS8_PREFIX) + 32
WRAP_INFO = b"releve-vault/2/wrap"
SIGNATURE_BYTES = 64  # ECDSA P-256: r || s, 32 bytes each (WebCrypto's format)


class Refused(Exception):
    """Decryption failed: wrong passphrase, or sealed data or metadata were altered."""


@dataclass(frozen=True)
class Slot:
    """Format 1: the audience data key wrapped under one holder's passphrase."""

    iterations: int
    salt: bytes
    nonce: bytes
    key: bytes  # wrapped data key: AES-GCM ciphertext and tag


@dataclass(frozen=True)
class Enrolment:
    """Format 2: a person's public key in clear, and her private key sealed by her passphrase.

    `former`: her earlier public keys (`enroll --again`), kept to verify what she signed."""

    public: bytes
    iterations: int
    salt: bytes
    nonce: bytes
    private: bytes  # sealed PKCS#8: AES-GCM ciphertext and tag
    former: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Wrap:
    """Format 2: generation `generation` of an audience key, wrapped to one holder's public
    key, signed by the holder who made it (`by`; None: a wrap made before signatures)."""

    generation: int
    ephemeral: bytes  # the ephemeral public key of this wrap, uncompressed point
    nonce: bytes
    key: bytes  # wrapped data key: AES-GCM ciphertext and tag
    by: str | None = None
    signature: bytes | None = None


@dataclass(frozen=True)
class Sealed:
    """One secret field: AES-GCM ciphertext (with its 16-byte tag), nonce, and the
    generation of the audience key that sealed it (None: a format-1 field)."""

    nonce: bytes
    value: bytes
    generation: int | None = None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise(passphrase: str) -> bytes:
    """Passphrases are compared as NFC: 'é' typed composed or decomposed opens the same key."""
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


def fingerprint(public: bytes) -> str:
    """A short digest of a public key, to compare by another channel (phone, in person)."""
    digest = hashlib.sha256(public).hexdigest()[:20]
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


# --- associated data --------------------------------------------------------------


def field_ad(cred_id: str, field: str, audience: str, generation: int, metadata: str) -> bytes:
    v = FORMAT_VERSION
    return f"releve-vault/{v}/field/{cred_id}/{field}/{audience}/{generation}/{metadata}".encode()


def legacy_field_ad(cred_id: str, field: str, audience: str, metadata: str) -> bytes:
    return f"releve-vault/{LEGACY_VERSION}/field/{cred_id}/{field}/{audience}/{metadata}".encode()


def person_ad(person: str, public: bytes) -> bytes:
    """Binds the sealed private key to its owner and to her public key: a swapped public
    key makes her own unlock fail, so she notices."""
    digest = hashlib.sha256(public).hexdigest()
    return f"releve-vault/{FORMAT_VERSION}/person/{person}/{digest}".encode()


def wrap_ad(audience: str, person: str, generation: int) -> bytes:
    return f"releve-vault/{FORMAT_VERSION}/wrap/{audience}/{person}/{generation}".encode()


def legacy_slot_ad(audience: str, person: str) -> bytes:
    return f"releve-vault/{LEGACY_VERSION}/slot/{audience}/{person}".encode()


# --- passphrases ------------------------------------------------------------------


def derive(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return kdf.derive(normalise(passphrase))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def check_iterations(iterations: int, *, weak_for_tests: bool) -> None:
    if iterations < MIN_ITERATIONS and not weak_for_tests:
        raise ValueError(f"PBKDF2 needs at least {MIN_ITERATIONS} iterations")
    if iterations > MAX_ITERATIONS:
        raise ValueError(f"PBKDF2 takes at most {MAX_ITERATIONS} iterations")


# --- key pairs --------------------------------------------------------------------

PrivateKey = ec.EllipticCurvePrivateKey


def public_bytes(private: PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def load_public(public: bytes) -> ec.EllipticCurvePublicKey:
    """The point, checked to be on P-256; an altered public key is refused."""
    if len(public) != PUBLIC_BYTES or public[0] != 0x04:
        raise Refused("malformed public key")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
    except ValueError:
        raise Refused("public key is not a P-256 point") from None


def _pkcs8(private: PrivateKey) -> bytes:
    return PKCS8_PREFIX + private.private_numbers().private_value.to_bytes(32, "big")


def seal_private(
    private: PrivateKey,
    passphrase: str,
    person: str,
    *,
    iterations: int = MIN_ITERATIONS,
    weak_for_tests: bool = False,
) -> Enrolment:
    """Seal `private` under `passphrase` (fresh salt and nonce); `weak_for_tests` alone
    allows fewer iterations (tests)."""
    check_iterations(iterations, weak_for_tests=weak_for_tests)
    public = public_bytes(private)
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    kek = derive(passphrase, salt, iterations)
    sealed = AESGCM(kek).encrypt(nonce, _pkcs8(private), person_ad(person, public))
    return Enrolment(public, iterations, salt, nonce, sealed)


def enrol(person: str, passphrase: str, **kdf) -> tuple[Enrolment, PrivateKey]:
    """A new key pair for `person`, its private key sealed under `passphrase`."""
    private = ec.generate_private_key(ec.SECP256R1())
    return seal_private(private, passphrase, person, **kdf), private


def unlock(enrolment: Enrolment, passphrase: str, person: str) -> PrivateKey:
    """The private key of `person`; Refused on a wrong passphrase or an altered enrolment."""
    e = enrolment
    if not 1 <= e.iterations <= MAX_ITERATIONS:
        raise Refused("iterations out of range")
    if len(e.salt) != SALT_BYTES or len(e.nonce) != NONCE_BYTES:
        raise Refused("malformed enrolment")
    kek = derive(passphrase, e.salt, e.iterations)
    try:
        pkcs8 = AESGCM(kek).decrypt(e.nonce, e.private, person_ad(person, e.public))
    except InvalidTag:
        raise Refused("wrong passphrase or altered enrolment") from None
    if len(pkcs8) != PRIVATE_BYTES or not pkcs8.startswith(PKCS8_PREFIX):
        raise Refused("malformed private key")
    try:
        private = serialization.load_der_private_key(pkcs8, None)
    except ValueError:
        raise Refused("malformed private key") from None
    if not isinstance(private, ec.EllipticCurvePrivateKey) or public_bytes(private) != e.public:
        raise Refused("the public key does not match the private key")
    return private


# --- audience keys ----------------------------------------------------------------


def _wrap_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral + recipient,
                info=WRAP_INFO)  # fmt: skip
    return hkdf.derive(shared)


def wrap_to(data_key: bytes, public: bytes, audience: str, person: str, generation: int) -> Wrap:
    """Wrap `data_key` to `person`'s public key, with a fresh ephemeral key pair."""
    recipient = load_public(public)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    eph_public = public_bytes(ephemeral)
    kek = _wrap_key(ephemeral.exchange(ec.ECDH(), recipient), eph_public, public)
    nonce = os.urandom(NONCE_BYTES)
    key = AESGCM(kek).encrypt(nonce, data_key, wrap_ad(audience, person, generation))
    return Wrap(generation, eph_public, nonce, key)


def unwrap_with(
    wrap: Wrap, private: PrivateKey, audience: str, person: str, generation: int
) -> bytes:
    """The audience data key of generation `generation` from `person`'s wrap."""
    if len(wrap.nonce) != NONCE_BYTES:
        raise Refused("malformed wrap")
    eph = load_public(wrap.ephemeral)
    kek = _wrap_key(private.exchange(ec.ECDH(), eph), wrap.ephemeral, public_bytes(private))
    try:
        key = AESGCM(kek).decrypt(wrap.nonce, wrap.key, wrap_ad(audience, person, generation))
    except InvalidTag:
        raise Refused("altered wrapped key") from None
    if len(key) != KEY_BYTES:
        raise Refused("malformed data key")
    return key


# --- format 1 slots (read, and written only by the tests' format-1 fixtures) ---------


def wrap_legacy(
    data_key: bytes,
    passphrase: str,
    audience: str,
    person: str,
    *,
    iterations: int = MIN_ITERATIONS,
    weak_for_tests: bool = False,
) -> Slot:
    check_iterations(iterations, weak_for_tests=weak_for_tests)
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    kek = derive(passphrase, salt, iterations)
    key = AESGCM(kek).encrypt(nonce, data_key, legacy_slot_ad(audience, person))
    return Slot(iterations, salt, nonce, key)


def unwrap_legacy(slot: Slot, passphrase: str, audience: str, person: str) -> bytes:
    if not 1 <= slot.iterations <= MAX_ITERATIONS:
        raise Refused("iterations out of range")
    if len(slot.salt) != SALT_BYTES or len(slot.nonce) != NONCE_BYTES:
        raise Refused("malformed slot")
    kek = derive(passphrase, slot.salt, slot.iterations)
    try:
        key = AESGCM(kek).decrypt(slot.nonce, slot.key, legacy_slot_ad(audience, person))
    except InvalidTag:
        raise Refused("wrong passphrase or altered slot") from None
    if len(key) != KEY_BYTES:
        raise Refused("malformed data key")
    return key


# --- fields -----------------------------------------------------------------------


def seal(data_key: bytes, value: str, ad: bytes, generation: int | None = None) -> Sealed:
    nonce = os.urandom(NONCE_BYTES)
    return Sealed(nonce, AESGCM(data_key).encrypt(nonce, value.encode("utf-8"), ad), generation)


def open_sealed(data_key: bytes, sealed: Sealed, ad: bytes) -> str:
    if len(sealed.nonce) != NONCE_BYTES:
        raise Refused("malformed nonce")
    try:
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.value, ad).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError):
        raise Refused("altered value or metadata") from None


# --- signatures (who made each audience key and each wrap) -----------------------------


def sign(private: PrivateKey, message: bytes) -> bytes:
    """ECDSA P-256 with SHA-256 by the enrolled key itself, as r || s (64 bytes)."""
    r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` (r || s) is `public`'s over `message`; never raises."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        key = load_public(public)
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        key.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except (Refused, InvalidSignature, ValueError):
        return False
    return True
