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
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..core import atomic
from ..core.findings import Finding
from ..model.types import Pos
from ..model.yamlsource import load_yaml
from .crypto import (
    FORMAT_VERSION,
    KEY_BYTES,
    LEGACY_VERSION,
    NONCE_BYTES,
    PRIVATE_BYTES,
    PUBLIC_BYTES,
    SALT_BYTES,
    TAG_BYTES,
    Enrolment,
    Sealed,
    Slot,
    Wrap,
    b64,
    unb64,
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FIELD_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
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

    def legacy_valid(self) -> bool:
        """Format-1 slots hold generation 1 (or the pre-migration key); a revoke drops them,
        so beside a later generation they are leftovers of a merge and open nothing."""
        return self.generation in (None, 1)

    def current(self) -> list[str]:
        """People holding a wrap of the current generation."""
        return sorted(p for p, w in self.slots.items() if w.generation == self.generation)

    def holders(self) -> list[str]:
        """Everyone who can open this audience's values: current wraps and valid legacy slots."""
        legacy = set(self.legacy) if self.legacy_valid() else set()
        return sorted(set(self.current()) | legacy)


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
        out: dict[str, list[str]] = {}
        for name, aud in self.audiences.items():
            for person in aud.legacy:
                out.setdefault(person, []).append(name)
        return {person: sorted(auds) for person, auds in sorted(out.items())}


# --- plain data: what YAML holds ------------------------------------------------


def slot_plain(slot: Slot) -> dict[str, Any]:
    return {
        "iterations": slot.iterations,
        "salt": b64(slot.salt),
        "nonce": b64(slot.nonce),
        "key": b64(slot.key),
    }


def wrap_plain(wrap: Wrap) -> dict[str, Any]:
    return {
        "generation": wrap.generation,
        "ephemeral": b64(wrap.ephemeral),
        "nonce": b64(wrap.nonce),
        "key": b64(wrap.key),
    }


def enrolment_plain(e: Enrolment) -> dict[str, Any]:
    return {
        "public": b64(e.public),
        "iterations": e.iterations,
        "salt": b64(e.salt),
        "nonce": b64(e.nonce),
        "private": b64(e.private),
    }


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
    return out


# --- reading --------------------------------------------------------------------


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


class _Reader:
    def __init__(self, path: str, positions: dict[str, tuple[int, int]]) -> None:
        self.path = path
        self.positions = positions
        self.problems: list[Finding] = []

    def problem(self, at: str, key: str, **args: Any) -> None:
        line, column = self.positions.get(at, (1, 1))
        self.problems.append(Finding("RB008", self.path, line, column, key, args))

    def blob(self, where: str, value: Any, size: int | None = None, minimum: int = 0) -> bytes:
        try:
            data = unb64(value) if isinstance(value, str) else None
        except (binascii.Error, ValueError):
            data = None
        if data is None or (size is not None and len(data) != size) or len(data) < minimum:
            self.problem(where, "vault.bad_blob", where=where)
            return b""
        return data

    def slot(self, where: str, value: Any) -> Slot | None:
        if not isinstance(value, dict) or set(value) != {"iterations", "salt", "nonce", "key"}:
            self.problem(where, "vault.bad_slot", where=where)
            return None
        if not _positive(value["iterations"]):
            self.problem(where, "vault.bad_slot", where=where)
            return None
        return Slot(
            value["iterations"],
            self.blob(f"{where}.salt", value["salt"], SALT_BYTES),
            self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES),
            self.blob(f"{where}.key", value["key"], KEY_BYTES + TAG_BYTES),
        )

    def wrap(self, where: str, value: Any) -> Wrap | None:
        keys = {"generation", "ephemeral", "nonce", "key"}
        if not isinstance(value, dict) or set(value) != keys or not _positive(value["generation"]):
            self.problem(where, "vault.bad_wrap", where=where)
            return None
        return Wrap(
            value["generation"],
            self.blob(f"{where}.ephemeral", value["ephemeral"], PUBLIC_BYTES),
            self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES),
            self.blob(f"{where}.key", value["key"], KEY_BYTES + TAG_BYTES),
        )

    def enrolment(self, where: str, value: Any) -> Enrolment | None:
        keys = {"public", "iterations", "salt", "nonce", "private"}
        if not isinstance(value, dict) or set(value) != keys or not _positive(value["iterations"]):
            self.problem(where, "vault.bad_person", where=where)
            return None
        return Enrolment(
            self.blob(f"{where}.public", value["public"], PUBLIC_BYTES),
            value["iterations"],
            self.blob(f"{where}.salt", value["salt"], SALT_BYTES),
            self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES),
            self.blob(f"{where}.private", value["private"], PRIVATE_BYTES + TAG_BYTES),
        )

    def sealed(
        self, where: str, cred_id: str, name: Any, value: Any, version: int
    ) -> Sealed | None:
        keys = set(value) if isinstance(value, dict) else set()
        ok = FIELD_RE.fullmatch(str(name)) and keys in (
            {"nonce", "value"},
            {"generation", "nonce", "value"} if version >= FORMAT_VERSION else set(),
        )
        if ok and "generation" in keys and not _positive(value["generation"]):
            ok = False
        if not ok:
            self.problem(where, "vault.bad_field", id=cred_id, field=name)
            return None
        return Sealed(
            self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES),
            self.blob(f"{where}.value", value["value"], minimum=TAG_BYTES),
            value.get("generation"),
        )

    def audience(self, where: str, name: str, spec: Any, version: int) -> Audience | None:
        allowed = {"slots"} if version == LEGACY_VERSION else {"generation", "slots", "legacy"}
        if not isinstance(spec, dict) or not set(spec) <= allowed:
            self.problem(where, "vault.bad_audience", audience=name)
            return None
        slots, legacy = spec.get("slots"), spec.get("legacy")
        generation = spec.get("generation")
        if not isinstance(slots, dict | None) or not isinstance(legacy, dict | None):
            self.problem(where, "vault.bad_audience", audience=name)
            return None
        if generation is not None and not _positive(generation):
            self.problem(f"{where}.generation", "vault.bad_generation", audience=name)
            return None
        if version >= FORMAT_VERSION and slots and generation is None:
            self.problem(where, "vault.bad_generation", audience=name)
            return None
        aud = Audience(generation)
        if version == LEGACY_VERSION:
            legacy, slots = slots, None
        for person, value in (slots or {}).items():
            wrap = self.wrap(f"{where}.slots.{person}", value)
            if wrap is not None:
                aud.slots[str(person)] = wrap
        for person, value in (legacy or {}).items():
            slot = self.slot(f"{where}.{'slots' if version == 1 else 'legacy'}.{person}", value)
            if slot is not None:
                aud.legacy[str(person)] = slot
        return aud

    def entry(self, cred_id: str, value: Any, version: int) -> Entry | None:
        where = f"credentials.{cred_id}"
        if not isinstance(value, dict):
            self.problem(where, "vault.bad_entry", id=cred_id)
            return None
        label, audience, url = value.get("label"), value.get("audience"), value.get("url")
        rotated = value.get("rotated")
        ok = isinstance(label, str) and label.strip()
        ok = ok and isinstance(audience, str) and ID_RE.fullmatch(audience)
        ok = ok and (url is None or isinstance(url, str))
        ok = ok and (
            rotated is None or (isinstance(rotated, date) and not hasattr(rotated, "hour"))
        )
        if not ok:
            self.problem(where, "vault.bad_entry", id=cred_id)
            return None
        fields: dict[str, Sealed] = {}
        raw_fields = value.get("fields")
        if not isinstance(raw_fields, dict) or not raw_fields:
            self.problem(where, "vault.no_fields", id=cred_id)
            raw_fields = {}
        for name, sealed in raw_fields.items():
            got = self.sealed(f"{where}.fields.{name}", cred_id, name, sealed, version)
            if got is not None:
                fields[str(name)] = got
        extra = {k: v for k, v in value.items() if k not in ENTRY_KEYS}
        return Entry(cred_id, label, audience, url, rotated, fields, extra)


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


SECTIONS = ("people", "audiences", "credentials")


def parse(text: str, path: str = "vault.yml") -> Vault:
    """Parse vault text; problems (with lines) are collected, never raised."""
    doc = load_yaml(text)
    reader = _Reader(path, doc.positions)
    reader.problems.extend(
        Finding("RB008", path, p.line, p.column, p.key, p.args) for p in doc.problems
    )
    vault = Vault(path=path, problems=reader.problems, positions=doc.positions)
    data = doc.data
    if data is None:
        return vault
    if not isinstance(data, dict):
        reader.problem("", "vault.not_mapping")
        return vault
    version = data.get("version")
    if version not in (LEGACY_VERSION, FORMAT_VERSION) or isinstance(version, bool):
        reader.problem("version", "vault.bad_version", version=version)
        return vault
    vault.version = version
    sections = SECTIONS if version == FORMAT_VERSION else SECTIONS[1:]
    for key in data:
        if key != "version" and key not in sections:
            reader.problem(key, "vault.unknown_key", key=key)
    raw = {name: data.get(name) or {} for name in sections}
    if not all(isinstance(value, dict) for value in raw.values()):
        reader.problem("", "vault.not_mapping")
        return vault

    lines = text.splitlines(keepends=True)
    first_top = min((pos[0] for k, pos in doc.positions.items() if "." not in k), default=1)
    vault.header = "".join(lines[: first_top - 1])
    blocks = {name: _blocks(text, doc.positions, name) for name in sections}

    def keep(section: str, key: str, plain: Any) -> None:
        if key in blocks[section]:
            vault.original[(section, key)] = (blocks[section][key], plain)

    for person, value in raw.get("people", {}).items():
        where = f"people.{person}"
        if not ID_RE.fullmatch(str(person)):
            reader.problem(where, "vault.bad_person", where=where)
            continue
        enrolment = reader.enrolment(where, value)
        if enrolment is not None:
            vault.people[str(person)] = enrolment
            keep("people", str(person), value)
    for name, spec in raw["audiences"].items():
        where = f"audiences.{name}"
        if not ID_RE.fullmatch(str(name)):
            reader.problem(where, "vault.bad_audience", audience=name)
            continue
        aud = reader.audience(where, str(name), spec, version)
        if aud is not None:
            vault.audiences[str(name)] = aud
            keep("audiences", str(name), spec)
    for cred_id, value in raw["credentials"].items():
        if not ID_RE.fullmatch(str(cred_id)):
            reader.problem(f"credentials.{cred_id}", "vault.bad_id", id=cred_id)
            continue
        entry = reader.entry(str(cred_id), value, version)
        if entry is not None:
            vault.credentials[entry.id] = entry
            keep("credentials", entry.id, value)
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
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in mapping.items()) + "}"


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
        if isinstance(value, dict):
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
