"""Parse vault.yml (formats 1 and 2) into its clear metadata, checking the whole file.

One parser for the lint, the site and `releve vault`, so they agree on what a valid
vault is: every problem becomes an RB008 finding at its line, which the lint reports
and the vault commands refuse (they print the first). Sealed items are checked too
(their keys, standard base64, their length) and then dropped: `VaultMeta` holds clear
metadata only. The store (`vault/store.py`) takes the sealed bytes from the YAML
document returned beside it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import date
from typing import Any

from ..core.findings import Finding
from .fields import ID_RE, MAX_INT, date_in_range
from .vault_meta import (
    FORMAT_VERSION,
    LEGACY_VERSION,
    SECTIONS,
    AudienceMeta,
    CredentialMeta,
    PersonMeta,
    Statement,
    VaultMeta,
    WrapSig,
)
from .yamlsource import YamlDoc, load_yaml

FIELD_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

# Lengths of the sealed items, in bytes (the same as vault/crypto.py's, which writes them).
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
TAG_BYTES = 16
PUBLIC_BYTES = 65  # uncompressed P-256 point
PRIVATE_BYTES = 67  # PKCS#8 of a P-256 private key, without its public key
SIGNATURE_BYTES = 64  # ECDSA P-256, r || s

PERSON_KEYS = {"public", "iterations", "salt", "nonce", "private"}
WRAP_KEYS = {"generation", "ephemeral", "nonce", "key"}
SIGNED = {"by", "signature"}  # a wrap made since signatures carries both
SLOT_KEYS = {"iterations", "salt", "nonce", "key"}
STATEMENT_KEYS = {"generation", "holders", "by", "signature"}
# Far above any real value: PBKDF2 iterations past this would hang `vault show` and the
# browser's Reveal (the documented range is MIN_ITERATIONS to MAX_ITERATIONS).
MAX_ITERATIONS = 10_000_000
MAX_GENERATION = 1_000_000_000
MAX_CHAIN = 10_000  # signed steps of one audience's key history


def wrap_digest(ephemeral: bytes, nonce: bytes, key: bytes) -> bytes:
    """What a wrap's signature covers of its sealed bytes (`vault/chain.py`)."""
    return hashlib.sha256(ephemeral + nonce + key).digest()


def positive(value: Any, limit: int | None = None) -> bool:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return ok and (limit is None or value <= limit)


def unb64(value: Any) -> bytes | None:
    """Strict standard base64, or None."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError):
        return None


def _day(value: Any) -> bool:
    return isinstance(value, date) and not hasattr(value, "hour") and date_in_range(value)


class _Parser:
    def __init__(self, meta: VaultMeta) -> None:
        self.meta = meta

    def problem(self, at: str, message: str, /, **args: Any) -> None:
        self.meta.problems.append(self.meta.finding("RB008", at, message, **args))

    def blob(self, where: str, value: Any, size: int | None = None, minimum: int = 0) -> bytes:
        data = unb64(value)
        if data is None or (size is not None and len(data) != size) or len(data) < minimum:
            self.problem(where, "vault.bad_blob", where=where)
            return b""
        return data

    def person(self, where: str, value: Any) -> PersonMeta | None:
        if not isinstance(value, dict) or set(value) - {"former"} != PERSON_KEYS:
            self.problem(where, "vault.bad_person", where=where)
            return None
        if not positive(value["iterations"]):
            self.problem(where, "vault.bad_person", where=where)
            return None
        if value["iterations"] > MAX_ITERATIONS:
            self.problem(f"{where}.iterations", "vault.too_many_iterations", where=where,
                         n=MAX_ITERATIONS)  # fmt: skip
            return None
        public = self.blob(f"{where}.public", value["public"], PUBLIC_BYTES)
        self.blob(f"{where}.salt", value["salt"], SALT_BYTES)
        self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES)
        self.blob(f"{where}.private", value["private"], PRIVATE_BYTES + TAG_BYTES)
        former = value.get("former", [])
        if not isinstance(former, list):
            self.problem(f"{where}.former", "vault.bad_person", where=where)
            former = []
        keys = tuple(self.blob(f"{where}.former", key, PUBLIC_BYTES) for key in former)
        return PersonMeta(public, value["iterations"], tuple(k for k in keys if k))

    def slot(self, where: str, value: Any) -> int | None:
        """A format-1 slot: its iterations, or None."""
        if not isinstance(value, dict) or set(value) != SLOT_KEYS:
            self.problem(where, "vault.bad_slot", where=where)
            return None
        if not positive(value["iterations"]):
            self.problem(where, "vault.bad_slot", where=where)
            return None
        if value["iterations"] > MAX_ITERATIONS:
            self.problem(f"{where}.iterations", "vault.too_many_iterations", where=where,
                         n=MAX_ITERATIONS)  # fmt: skip
            return None
        self.blob(f"{where}.salt", value["salt"], SALT_BYTES)
        self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES)
        self.blob(f"{where}.key", value["key"], KEY_BYTES + TAG_BYTES)
        return value["iterations"]

    def wrap(self, where: str, value: Any) -> WrapSig | None:
        """A format-2 wrap: its key generation and what its signature covers, or None."""
        keys = set(value) if isinstance(value, dict) else set()
        if keys not in (WRAP_KEYS, WRAP_KEYS | SIGNED):
            self.problem(where, "vault.bad_wrap", where=where)
            return None
        if not positive(value["generation"], MAX_GENERATION):
            self.problem(where, "vault.bad_wrap", where=where)
            return None
        ephemeral = self.blob(f"{where}.ephemeral", value["ephemeral"], PUBLIC_BYTES)
        nonce = self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES)
        key = self.blob(f"{where}.key", value["key"], KEY_BYTES + TAG_BYTES)
        by, signature = value.get("by"), None
        if keys >= SIGNED:
            if not isinstance(by, str) or not ID_RE.fullmatch(by):
                self.problem(f"{where}.by", "vault.bad_wrap", where=where)
                return None
            signature = self.blob(f"{where}.signature", value["signature"], SIGNATURE_BYTES)
        return WrapSig(value["generation"], wrap_digest(ephemeral, nonce, key), by, signature)

    def chain(self, where: str, value: Any) -> list[Statement]:
        """The signed key history of an audience; a malformed step is reported (and left
        out, which breaks the chain: `vault/chain.py` says so too)."""
        if not isinstance(value, list) or len(value) > MAX_CHAIN:
            self.problem(where, "vault.bad_chain", where=where)
            return []
        out = []
        for index, step in enumerate(value):
            at = f"{where}[{index}]"
            if not isinstance(step, dict) or set(step) != STATEMENT_KEYS:
                self.problem(at, "vault.bad_chain", where=at)
                continue
            holders, by = step["holders"], step["by"]
            ok = positive(step["generation"], MAX_GENERATION)
            ok = ok and isinstance(holders, list) and isinstance(by, str) and ID_RE.fullmatch(by)
            ok = ok and all(isinstance(h, str) and ID_RE.fullmatch(h) for h in holders)
            if not ok:
                self.problem(at, "vault.bad_chain", where=at)
                continue
            signature = self.blob(f"{at}.signature", step["signature"], SIGNATURE_BYTES)
            out.append(Statement(step["generation"], tuple(holders), by, signature))
        return out

    def sealed(self, where: str, cred_id: str, name: str, value: Any) -> bool:
        keys = set(value) if isinstance(value, dict) else set()
        two = self.meta.version == FORMAT_VERSION
        ok = FIELD_RE.fullmatch(name) and (
            keys == {"nonce", "value"} or (two and keys == {"generation", "nonce", "value"})
        )
        if ok and "generation" in keys and not positive(value["generation"], MAX_GENERATION):
            ok = False
        if not ok:
            self.problem(where, "vault.bad_field", id=cred_id, field=name)
            return False
        self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES)
        self.blob(f"{where}.value", value["value"], minimum=TAG_BYTES)
        return True

    def audience(self, where: str, name: str, spec: Any) -> AudienceMeta | None:
        legacy_file = self.meta.version == LEGACY_VERSION
        allowed = {"slots"} if legacy_file else {"generation", "slots", "legacy", "chain"}
        if not isinstance(spec, dict) or not set(spec) <= allowed:
            self.problem(where, "vault.bad_audience", audience=name)
            return None
        slots, legacy = spec.get("slots"), spec.get("legacy")
        generation = spec.get("generation")
        if not isinstance(slots, dict | None) or not isinstance(legacy, dict | None):
            self.problem(where, "vault.bad_audience", audience=name)
            return None
        if generation is not None and not positive(generation, MAX_GENERATION):
            self.problem(f"{where}.generation", "vault.bad_generation", audience=name)
            return None
        if not legacy_file and slots and generation is None:
            self.problem(where, "vault.bad_generation", audience=name)
            return None
        aud = AudienceMeta(generation)
        if legacy_file:
            legacy, slots = slots, None
        for person, value in (slots or {}).items():
            wrap = self.wrap(f"{where}.slots.{person}", value)
            if wrap is not None:
                aud.slots[person] = wrap.generation
                aud.wraps[person] = wrap
        if "chain" in spec:
            aud.chain = self.chain(f"{where}.chain", spec["chain"])
        for person, value in (legacy or {}).items():
            slot = self.slot(self.meta.legacy_where(name, person), value)
            if slot is not None:
                aud.legacy[person] = slot
        return aud

    def credential(self, cred_id: str, value: Any) -> CredentialMeta | None:
        """The entry's metadata; with a bad label, audience, url or date it is reported and
        kept for the model (its references still resolve) but marked unreadable."""
        where = f"credentials.{cred_id}"
        if not isinstance(value, dict):
            self.problem(where, "vault.bad_entry", id=cred_id)
            return None
        label, audience, url = value.get("label"), value.get("audience"), value.get("url")
        rotated = value.get("rotated")
        good = {
            "label": isinstance(label, str) and bool(label.strip()),
            "audience": isinstance(audience, str) and bool(ID_RE.fullmatch(audience)),
            "url": url is None or isinstance(url, str),
            "rotated": rotated is None or _day(rotated),
        }
        bad = [key for key, ok in good.items() if not ok]
        if bad:
            first = f"{where}.{bad[0]}"
            self.problem(first if first in self.meta.positions else where, "vault.bad_entry",
                         id=cred_id)  # fmt: skip
        every = value.get("rotate_every")
        if every is not None and not (positive(every) and every <= MAX_INT):
            self.problem(f"{where}.rotate_every", "field.wrong_type", key="rotate_every",
                         expected=f"integer from 1 to {MAX_INT}")  # fmt: skip
            every = None
        fields: dict[str, int | None] = {}
        raw = value.get("fields")
        if not isinstance(raw, dict) or not raw:
            self.problem(where, "vault.no_fields", id=cred_id)
            raw = {}
        for name, sealed in raw.items():
            if self.sealed(f"{where}.fields.{name}", cred_id, name, sealed):
                fields[name] = sealed.get("generation")
        return CredentialMeta(
            id=cred_id,
            label=label if good["label"] else cred_id,
            audience=audience if good["audience"] else "",
            url=url if good["url"] else None,
            rotated=rotated if good["rotated"] else None,
            rotate_every=every,
            fields=fields,
            readable=not bad,
        )


def read_vault(text: str, path: str = "vault.yml") -> tuple[VaultMeta, YamlDoc]:
    """The clear metadata of vault text, and the YAML document it was read from.

    Problems (with lines) are collected in `meta.problems`, never raised; what cannot be
    read is left out (an audience, a slot, a field), and the rest is still read.
    """
    doc = load_yaml(text)
    meta = VaultMeta(path=path, positions=doc.positions)
    meta.problems.extend(
        Finding("RB008", path, p.line, p.column, p.key, p.args) for p in doc.problems
    )
    parser = _Parser(meta)
    data = doc.data
    if data is None:
        return meta, doc
    if not isinstance(data, dict):
        parser.problem("", "vault.not_mapping")
        return meta, doc
    version = data.get("version")
    if not positive(version) or version not in (LEGACY_VERSION, FORMAT_VERSION):
        parser.problem("version", "vault.bad_version", version=version)
        return meta, doc
    meta.version = version
    sections = SECTIONS if version == FORMAT_VERSION else SECTIONS[1:]
    for key in data:
        if key != "version" and key not in sections:
            parser.problem(key, "vault.unknown_key", key=key)
    raw: dict[str, dict] = {}
    for name in sections:
        value = data.get(name)
        if value is not None and not isinstance(value, dict):
            parser.problem(name, "field.wrong_type", key=name, expected="mapping")
        raw[name] = value if isinstance(value, dict) else {}

    for person, value in raw.get("people", {}).items():
        where = f"people.{person}"
        if not ID_RE.fullmatch(person):
            parser.problem(where, "vault.bad_person", where=where)
            continue
        enrolment = parser.person(where, value)
        if enrolment is not None:
            meta.people[person] = enrolment
    for name, spec in raw["audiences"].items():
        where = f"audiences.{name}"
        if not ID_RE.fullmatch(name):
            parser.problem(where, "vault.bad_audience", audience=name)
            continue
        aud = parser.audience(where, name, spec)
        if aud is not None:
            meta.audiences[name] = aud
    for cred_id, value in raw["credentials"].items():
        if not ID_RE.fullmatch(cred_id):
            parser.problem(f"credentials.{cred_id}", "vault.bad_id", id=cred_id)
            continue
        cred = parser.credential(cred_id, value)
        if cred is not None:
            meta.credentials[cred_id] = cred
    return meta, doc
