"""Read and write vault.yml, keeping untouched entries byte-identical.

The file is written by us, deterministically: one block per audience and one
per credential, each sealed item on one line. When a command rewrites the
file, every block whose data did not change is copied from the old text as it
was (comments and all), so git sees only the entries a command touched.
Writes are atomic: a temporary file in the same folder, fsync, `os.replace`.
"""

from __future__ import annotations

import binascii
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..model.types import Pos
from ..model.yamlsource import load_yaml
from .crypto import FORMAT_VERSION, KEY_BYTES, NONCE_BYTES, SALT_BYTES, Sealed, Slot, b64, unb64

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FIELD_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
HEADER = (
    "# Sealed credentials (Relève vault format 1): edit only with `releve vault ...`.\n"
    "# Clear: ids, labels, URLs, audiences, holders, rotation dates. Sealed: field values.\n"
)
TAG_BYTES = 16
PLAIN_RE = re.compile(r"^[a-z][a-z0-9-]*$")  # written unquoted: never read as a number or date
RESERVED = {"y", "n", "yes", "no", "on", "off", "null", "true", "false"}


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
class Vault:
    audiences: dict[str, dict[str, Slot]] = field(
        default_factory=dict
    )  # audience -> person -> slot
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
        return sorted(self.audiences.get(audience, {}))

    def entries_of(self, audience: str) -> list[Entry]:
        return [e for e in self.credentials.values() if e.audience == audience]


# --- plain data: what YAML holds ------------------------------------------------


def slot_plain(slot: Slot) -> dict[str, Any]:
    return {
        "iterations": slot.iterations,
        "salt": b64(slot.salt),
        "nonce": b64(slot.nonce),
        "key": b64(slot.key),
    }


def sealed_plain(sealed: Sealed) -> dict[str, str]:
    return {"nonce": b64(sealed.nonce), "value": b64(sealed.value)}


def entry_plain(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"label": entry.label, "audience": entry.audience}
    if entry.url is not None:
        out["url"] = entry.url
    if entry.rotated is not None:
        out["rotated"] = entry.rotated
    out.update(entry.extra)
    out["fields"] = {name: sealed_plain(s) for name, s in entry.fields.items()}
    return out


def audience_plain(slots: dict[str, Slot]) -> dict[str, Any]:
    return {"slots": {person: slot_plain(s) for person, s in slots.items()}}


# --- reading --------------------------------------------------------------------


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
        iterations = value["iterations"]
        if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
            self.problem(where, "vault.bad_slot", where=where)
            return None
        return Slot(
            iterations,
            self.blob(f"{where}.salt", value["salt"], SALT_BYTES),
            self.blob(f"{where}.nonce", value["nonce"], NONCE_BYTES),
            self.blob(f"{where}.key", value["key"], KEY_BYTES + TAG_BYTES),
        )

    def entry(self, cred_id: str, value: Any) -> Entry | None:
        where = f"credentials.{cred_id}"
        if not isinstance(value, dict):
            self.problem(where, "vault.bad_entry", id=cred_id)
            return None
        label, audience, url = value.get("label"), value.get("audience"), value.get("url")
        rotated = value.get("rotated")
        ok = isinstance(label, str) and label.strip()
        ok = ok and isinstance(audience, str) and ID_RE.fullmatch(audience)
        ok = ok and (url is None or isinstance(url, str))
        ok = ok and (rotated is None or isinstance(rotated, date))
        if not ok:
            self.problem(where, "vault.bad_entry", id=cred_id)
            return None
        fields: dict[str, Sealed] = {}
        raw_fields = value.get("fields")
        if not isinstance(raw_fields, dict) or not raw_fields:
            self.problem(where, "vault.no_fields", id=cred_id)
            raw_fields = {}
        for name, sealed in raw_fields.items():
            fwhere = f"{where}.fields.{name}"
            if (
                not FIELD_RE.fullmatch(str(name))
                or not isinstance(sealed, dict)
                or set(sealed) != {"nonce", "value"}
            ):
                self.problem(fwhere, "vault.bad_field", id=cred_id, field=name)
                continue
            fields[str(name)] = Sealed(
                self.blob(f"{fwhere}.nonce", sealed["nonce"], NONCE_BYTES),
                self.blob(f"{fwhere}.value", sealed["value"], minimum=TAG_BYTES),
            )
        extra = {
            k: v
            for k, v in value.items()
            if k not in ("label", "audience", "url", "rotated", "fields")
        }
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
    if data.get("version") != FORMAT_VERSION:
        reader.problem("version", "vault.bad_version", version=data.get("version"))
        return vault
    for key in data:
        if key not in ("version", "audiences", "credentials"):
            reader.problem(key, "vault.unknown_key", key=key)
    audiences = data.get("audiences") or {}
    credentials = data.get("credentials") or {}
    if not isinstance(audiences, dict) or not isinstance(credentials, dict):
        reader.problem("", "vault.not_mapping")
        return vault

    lines = text.splitlines(keepends=True)
    first_top = min((pos[0] for k, pos in doc.positions.items() if "." not in k), default=1)
    vault.header = "".join(lines[: first_top - 1])
    blocks = {"audiences": _blocks(text, doc.positions, "audiences"),
              "credentials": _blocks(text, doc.positions, "credentials")}  # fmt: skip

    for aud, spec in audiences.items():
        where = f"audiences.{aud}"
        slots_data = spec.get("slots") if isinstance(spec, dict) else None
        if not ID_RE.fullmatch(str(aud)) or not isinstance(slots_data, dict | None):
            reader.problem(where, "vault.bad_audience", audience=aud)
            continue
        slots = {}
        for person, value in (slots_data or {}).items():
            slot = reader.slot(f"{where}.slots.{person}", value)
            if slot is not None:
                slots[str(person)] = slot
        vault.audiences[str(aud)] = slots
        if str(aud) in blocks["audiences"]:
            vault.original[("audiences", str(aud))] = (blocks["audiences"][str(aud)], spec)
    for cred_id, value in credentials.items():
        if not ID_RE.fullmatch(str(cred_id)):
            reader.problem(f"credentials.{cred_id}", "vault.bad_id", id=cred_id)
            continue
        entry = reader.entry(str(cred_id), value)
        if entry is not None:
            vault.credentials[entry.id] = entry
            if entry.id in blocks["credentials"]:
                vault.original[("credentials", entry.id)] = (blocks["credentials"][entry.id], value)
    return vault


def load(path: Path, rel: str = "vault.yml") -> Vault:
    """Read vault.yml; a missing file is an empty vault."""
    if not path.exists():
        return Vault(path=rel)
    return parse(path.read_text(encoding="utf-8"), rel)


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


def _emit_audience(audience: str, slots: dict[str, Slot]) -> str:
    out = [f"  {audience}:\n", "    slots:\n" if slots else "    slots: {}\n"]
    out += [f"      {person}: {_flow(slot_plain(s))}\n" for person, s in slots.items()]
    return "".join(out)


def dump(vault: Vault) -> str:
    """The file text; blocks whose data is unchanged are copied from the text read."""

    def block(section: str, key: str, plain: Any, fresh: str) -> str:
        old = vault.original.get((section, key))
        return old[0] if old is not None and old[1] == plain else fresh

    parts = [vault.header or HEADER, f"version: {FORMAT_VERSION}\n"]
    if vault.audiences:
        parts.append("audiences:\n")
        for aud, slots in vault.audiences.items():
            parts.append(block("audiences", aud, audience_plain(slots), _emit_audience(aud, slots)))
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
    """Write `text` to `path` so that a crash leaves either the old file or the new one."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
