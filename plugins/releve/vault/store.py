"""Read and write vault.yml (formats 1 and 2), keeping untouched entries byte-identical.

The file is written by us, deterministically: one line per enrolled person, one
block per audience and one per credential, each sealed item on one line. When a
command rewrites the file, every block whose data did not change is copied from
the old text as it was (comments and all), so git sees only the entries a
command touched. Writes are atomic: a temporary file in the same folder, fsync,
`os.replace`.

A format-1 file is read into the same structures (its passphrase slots become
`Audience.legacy`, its fields have no generation); `releve vault migrate` turns it
into format 2 one holder at a time, so a format-2 file may still carry format-1
slots and fields until every holder has migrated.

Reading builds on the model's parser (`model/vault_parse.py`), which checks the whole
file and reads its clear metadata, so the lint and these commands agree on what a valid
vault is; this module adds what only the commands need: the sealed bytes, the text of
each block (for the byte-identical round trip) and writing. `Vault.meta()` gives an
in-memory vault back to the model's rules (holders, key generations, RB019).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..core import atomic
from ..core.findings import Finding
from ..model.fields import ID_RE as ID_RE  # the model's ids, for ops to check arguments
from ..model.types import Pos
from ..model.vault_meta import (
    SECTIONS,
    AudienceMeta,
    CredentialMeta,
    PersonMeta,
    Statement,
    VaultMeta,
    WrapSig,
    audience_holders,
    current_holders,
    legacy_valid,
    pending_migration,
)
from ..model.vault_parse import FIELD_RE as FIELD_RE
from ..model.vault_parse import read_vault, wrap_digest
from ..model.vault_parse import unb64 as unb64_or_none
from .crypto import (
    FORMAT_VERSION,
    LEGACY_VERSION,
    Enrolment,
    Sealed,
    Slot,
    Wrap,
    b64,
)

HEADER = (
    "# Sealed credentials (Relève vault format 2): edit only with `releve vault ...`.\n"
    "# Clear: ids, labels, URLs, audiences, holders, public keys, rotation dates.\n"
    "# Sealed: field values, audience keys, private keys.\n"
)
LEGACY_HEADER = (
    "# Sealed credentials (Relève vault format 1): edit only with `releve vault ...`.\n"
    "# Clear: ids, labels, URLs, audiences, holders, rotation dates. Sealed: field values.\n"
)
PLAIN_RE = re.compile(r"^[a-z][a-z0-9-]*$")  # written unquoted: never read as a number or date
RESERVED = {"y", "n", "yes", "no", "on", "off", "null", "true", "false"}
ENTRY_KEYS = ("label", "audience", "url", "rotated", "fields")


@dataclass
class Entry:
    """One credential: clear metadata and sealed fields (field name -> Sealed)."""

    id: str
    label: str
    audience: str
    url: str | None = None
    rotated: date | None = None
    fields: dict[str, Sealed] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # other clear keys, kept as they are


@dataclass
class Audience:
    """The keys of one audience: its current generation, the wraps of that key for each
    holder, and format-1 passphrase slots not migrated yet."""

    generation: int | None = None  # None: no format-2 key yet (format-1 material only)
    slots: dict[str, Wrap] = field(default_factory=dict)  # person -> wrap (format 2)
    legacy: dict[str, Slot] = field(default_factory=dict)  # person -> slot (format 1)
    chain: list[Statement] = field(default_factory=list)  # signed key history (chain.py)

    def legacy_valid(self) -> bool:
        """Whether the format-1 slots still open anything (the model's rule)."""
        return legacy_valid(self.generation)

    def current(self) -> list[str]:
        """People holding a wrap of the current generation."""
        return current_holders(self.generation, self.wrap_generations())

    def holders(self) -> list[str]:
        """Everyone who can open this audience's values (the model's rule)."""
        return audience_holders(self.generation, self.wrap_generations(), self.legacy)

    def wrap_generations(self) -> dict[str, int]:
        """Person -> generation of her wrap."""
        return {person: wrap.generation for person, wrap in self.slots.items()}


@dataclass
class Vault:
    version: int = FORMAT_VERSION
    people: dict[str, Enrolment] = field(default_factory=dict)  # person -> enrolment
    audiences: dict[str, Audience] = field(default_factory=dict)
    credentials: dict[str, Entry] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    path: str = "vault.yml"
    # what was read, to copy untouched blocks verbatim: (section, key) -> (text, plain data)
    original: dict[tuple[str, str], tuple[str, Any]] = field(default_factory=dict)
    header: str = HEADER
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # "credentials.x" -> line

    def pos(self, where: str) -> Pos:
        return Pos(self.path, *self.positions.get(where, (1, 1)))

    def holders(self, audience: str) -> list[str]:
        aud = self.audiences.get(audience)
        return aud.holders() if aud is not None else []

    def entries_of(self, audience: str) -> list[Entry]:
        return [e for e in self.credentials.values() if e.audience == audience]

    def legacy_holders(self) -> dict[str, list[str]]:
        """Person -> audiences where she still holds a format-1 slot (who must migrate)."""
        return pending_migration({name: aud.legacy for name, aud in self.audiences.items()})

    def meta(self) -> VaultMeta:
        """This vault's clear metadata, for the model's rules (`model/vault_meta.py`): what
        was read, or what an operation changed in memory."""
        return VaultMeta(
            path=self.path,
            version=self.version,
            people={
                p: PersonMeta(e.public, e.iterations, e.former) for p, e in self.people.items()
            },
            audiences={
                name: AudienceMeta(
                    aud.generation,
                    aud.wrap_generations(),
                    {person: slot.iterations for person, slot in aud.legacy.items()},
                    {person: wrap_sig(w) for person, w in aud.slots.items()},
                    list(aud.chain),
                )
                for name, aud in self.audiences.items()
            },
            credentials={
                e.id: CredentialMeta(
                    e.id,
                    e.label,
                    e.audience,
                    e.url,
                    e.rotated,
                    fields={name: sealed.generation for name, sealed in e.fields.items()},
                )
                for e in self.credentials.values()
            },
            problems=list(self.problems),
            positions=self.positions,
        )


def wrap_sig(wrap: Wrap) -> WrapSig:
    """What the wrap's signature covers (the model's view of a wrap)."""
    digest = wrap_digest(wrap.ephemeral, wrap.nonce, wrap.key)
    return WrapSig(wrap.generation, digest, wrap.by, wrap.signature)


# --- plain data: what YAML holds ------------------------------------------------


def slot_plain(slot: Slot) -> dict[str, Any]:
    return {
        "iterations": slot.iterations,
        "salt": b64(slot.salt),
        "nonce": b64(slot.nonce),
        "key": b64(slot.key),
    }


def wrap_plain(wrap: Wrap) -> dict[str, Any]:
    out: dict[str, Any] = {
        "generation": wrap.generation,
        "ephemeral": b64(wrap.ephemeral),
        "nonce": b64(wrap.nonce),
        "key": b64(wrap.key),
    }
    if wrap.by is not None and wrap.signature is not None:
        out |= {"by": wrap.by, "signature": b64(wrap.signature)}
    return out


def statement_plain(step: Statement) -> dict[str, Any]:
    return {
        "generation": step.generation,
        "holders": list(step.holders),
        "by": step.by,
        "signature": b64(step.signature),
    }


def enrolment_plain(e: Enrolment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "public": b64(e.public),
        "iterations": e.iterations,
        "salt": b64(e.salt),
        "nonce": b64(e.nonce),
        "private": b64(e.private),
    }
    if e.former:
        out["former"] = [b64(key) for key in e.former]
    return out


def sealed_plain(sealed: Sealed) -> dict[str, Any]:
    out: dict[str, Any] = {} if sealed.generation is None else {"generation": sealed.generation}
    return out | {"nonce": b64(sealed.nonce), "value": b64(sealed.value)}


def entry_plain(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"label": entry.label, "audience": entry.audience}
    if entry.url is not None:
        out["url"] = entry.url
    if entry.rotated is not None:
        out["rotated"] = entry.rotated
    out.update(entry.extra)
    out["fields"] = {name: sealed_plain(s) for name, s in entry.fields.items()}
    return out


def audience_plain(aud: Audience, version: int = FORMAT_VERSION) -> dict[str, Any]:
    if version == LEGACY_VERSION:
        return {"slots": {person: slot_plain(s) for person, s in aud.legacy.items()}}
    out: dict[str, Any] = {} if aud.generation is None else {"generation": aud.generation}
    out["slots"] = {person: wrap_plain(w) for person, w in aud.slots.items()}
    if aud.legacy:
        out["legacy"] = {person: slot_plain(s) for person, s in aud.legacy.items()}
    if aud.chain:
        out["chain"] = [statement_plain(step) for step in aud.chain]
    return out


# --- reading --------------------------------------------------------------------


def _bytes(value: Any) -> bytes:
    """The sealed bytes of an item the parser checked; b"" for one it reported."""
    return unb64_or_none(value) or b""


def _blocks(text: str, positions: dict[str, tuple[int, int]], section: str) -> dict[str, str]:
    """Text of each child block of a top-level section written in block style."""
    lines = text.splitlines(keepends=True)
    if section not in positions:
        return {}
    sec_line = positions[section][0]
    children = sorted(
        (pos[0], key[len(section) + 1 :])
        for key, pos in positions.items()
        if key.startswith(section + ".") and "." not in key[len(section) + 1 :]
        and "[" not in key[len(section) + 1 :]
    )  # fmt: skip
    if not children or any(line <= sec_line for line, _ in children):
        return {}
    tops = sorted(pos[0] for key, pos in positions.items() if "." not in key and "[" not in key)
    end = next((line for line in tops if line > sec_line), len(lines) + 1)
    out = {}
    for i, (line, key) in enumerate(children):
        stop = children[i + 1][0] if i + 1 < len(children) else end
        out[key] = "".join(lines[line - 1 : stop - 1])
    return out


def parse(text: str, path: str = "vault.yml") -> Vault:
    """Parse vault text with the model's parser (`read_vault`), then take the sealed bytes
    and the text of each block; problems (with lines) are collected, never raised."""
    meta, doc = read_vault(text, path)
    vault = Vault(path=path, problems=list(meta.problems), positions=doc.positions)
    if meta.version is None:
        return vault
    vault.version = version = meta.version
    data = doc.data
    sections = SECTIONS if version == FORMAT_VERSION else SECTIONS[1:]
    raw = {name: data.get(name) if isinstance(data.get(name), dict) else {} for name in sections}

    lines = text.splitlines(keepends=True)
    first_top = min((pos[0] for k, pos in doc.positions.items() if "." not in k), default=1)
    vault.header = "".join(lines[: first_top - 1])
    blocks = {name: _blocks(text, doc.positions, name) for name in sections}

    def keep(section: str, key: str, plain: Any) -> None:
        if key in blocks[section]:
            vault.original[(section, key)] = (blocks[section][key], plain)

    for person, enrolment in meta.people.items():
        value = raw["people"][person]
        vault.people[person] = Enrolment(
            enrolment.public,
            enrolment.iterations,
            _bytes(value["salt"]),
            _bytes(value["nonce"]),
            _bytes(value["private"]),
            enrolment.former,
        )
        keep("people", person, value)
    for name, audience in meta.audiences.items():
        spec = raw["audiences"][name]
        wraps = spec.get("slots") or {}
        slots = (wraps if version == LEGACY_VERSION else spec.get("legacy")) or {}
        aud = Audience(audience.generation, chain=list(audience.chain))
        for person in audience.slots:
            w, signed = wraps[person], audience.wraps[person]
            aud.slots[person] = Wrap(
                w["generation"], _bytes(w["ephemeral"]), _bytes(w["nonce"]), _bytes(w["key"]),
                signed.by, signed.signature,
            )  # fmt: skip
        for person in audience.legacy:
            s = slots[person]
            aud.legacy[person] = Slot(
                s["iterations"], _bytes(s["salt"]), _bytes(s["nonce"]), _bytes(s["key"])
            )
        vault.audiences[name] = aud
        keep("audiences", name, spec)
    for cred_id, cred in meta.credentials.items():
        if not cred.readable:
            continue
        value = raw["credentials"][cred_id]
        sealed = value.get("fields") or {}
        fields = {
            name: Sealed(_bytes(sealed[name]["nonce"]), _bytes(sealed[name]["value"]), generation)
            for name, generation in cred.fields.items()
        }
        extra = {k: v for k, v in value.items() if k not in ENTRY_KEYS}
        vault.credentials[cred_id] = Entry(cred_id, value["label"], value["audience"],
                                           value.get("url"), value.get("rotated"), fields,
                                           extra)  # fmt: skip
        keep("credentials", cred_id, value)
    return vault


def load(path: Path, rel: str = "vault.yml") -> Vault:
    """Read vault.yml; a missing file is an empty vault, an unreadable one a problem."""
    if not path.exists():
        return Vault(path=rel)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Vault(path=rel, problems=[Finding("RB008", rel, 1, 1, "source.not_utf8")])
    except OSError as err:
        reason = err.strerror or type(err).__name__
        problem = Finding("RB008", rel, 1, 1, "source.unreadable", {"reason": reason})
        return Vault(path=rel, problems=[problem])
    return parse(text, rel)


# --- writing --------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | date):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, str) and PLAIN_RE.fullmatch(value) and value not in RESERVED:
        return value
    return _UNPRINTABLE.sub(_escape, json.dumps(value, ensure_ascii=False, default=str))


# JSON leaves these raw, but YAML rejects them or reads them as line breaks: escape them.
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def _flow(mapping: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        return "[" + ", ".join(_scalar(x) for x in v) + "]" if isinstance(v, list) else _scalar(v)

    return "{" + ", ".join(f"{k}: {value(v)}" for k, v in mapping.items()) + "}"


def _emit_entry(entry: Entry) -> str:
    out = [f"  {entry.id}:\n"]
    for key, value in entry_plain(entry).items():
        if key == "fields":
            out.append("    fields:\n")
            out += [f"      {name}: {_flow(s)}\n" for name, s in value.items()]
        elif isinstance(value, dict | list):
            flow = json.dumps(value, ensure_ascii=False, default=str)
            out.append(f"    {key}: {_UNPRINTABLE.sub(_escape, flow)}\n")
        else:
            out.append(f"    {key}: {_scalar(value)}\n")
    return "".join(out)


def _emit_audience(name: str, aud: Audience, version: int) -> str:
    out = [f"  {name}:\n"]
    for key, value in audience_plain(aud, version).items():
        if isinstance(value, list):  # the chain: one signed step a line, appended in order
            out.append(f"    {key}:\n")
            out += [f"      - {_flow(item)}\n" for item in value]
        elif isinstance(value, dict):
            out.append(f"    {key}:\n" if value else f"    {key}: {{}}\n")
            out += [f"      {person}: {_flow(item)}\n" for person, item in value.items()]
        else:
            out.append(f"    {key}: {_scalar(value)}\n")
    return "".join(out)


def dump(vault: Vault) -> str:
    """The file text; blocks whose data is unchanged are copied from the text read."""

    def block(section: str, key: str, plain: Any, fresh: str) -> str:
        old = vault.original.get((section, key))
        return old[0] if old is not None and old[1] == plain else fresh

    version = vault.version
    header = vault.header or HEADER
    if version == FORMAT_VERSION and header == LEGACY_HEADER:
        header = HEADER
    parts = [header, f"version: {version}\n"]
    if version == FORMAT_VERSION:
        if vault.people:
            parts.append("people:\n")
            for person, e in vault.people.items():
                plain = enrolment_plain(e)
                parts.append(block("people", person, plain, f"  {person}: {_flow(plain)}\n"))
        else:
            parts.append("people: {}\n")
    if vault.audiences:
        parts.append("audiences:\n")
        for name, aud in vault.audiences.items():
            plain = audience_plain(aud, version)
            parts.append(block("audiences", name, plain, _emit_audience(name, aud, version)))
    else:
        parts.append("audiences: {}\n")
    if vault.credentials:
        parts.append("credentials:\n")
        for entry in vault.credentials.values():
            parts.append(block("credentials", entry.id, entry_plain(entry), _emit_entry(entry)))
    else:
        parts.append("credentials: {}\n")
    return "".join(parts)


def insert_sorted(mapping: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of `mapping` with `key` placed before the first existing key sorting after it."""
    items = list(mapping.items())
    index = next((i for i, (k, _) in enumerate(items) if k > key), len(items))
    items.insert(index, (key, value))
    return dict(items)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a crash leaves either the old file or the new one
    (Relève's one atomic write, `core/atomic.py`)."""
    atomic.write_atomic(path, text)
