"""Read the clear metadata of vault.yml: ids, labels, audiences, holders.

Only names and metadata are read here; sealed fields are never decoded, so
the model (and therefore the site, the lint and the binder) holds no secret.

`Credential.holders` are the people who can open a credential: in format 2,
those holding a wrap of the current generation of its audience key (plus
format-1 slots not migrated yet); in format 1, the holders of a slot. Two
findings come from the clear key generations alone: a value sealed under a
generation that no longer exists (RB008, e.g. a git merge of `revoke` with a
parallel `add`) and format-1 material still waiting for `releve vault migrate`
(RB019, a warning).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.findings import WARNING, Finding
from .fields import Fields, is_id
from .sources import read_text, rel
from .types import Credential
from .yamlsource import load_yaml


def _generation(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def audience_holders(spec: Any, version: Any) -> list[str]:
    """Who can open an audience's values, from its clear key metadata."""
    if not isinstance(spec, dict):
        return []
    slots = spec.get("slots") if isinstance(spec.get("slots"), dict) else {}
    if version == 1:
        return sorted(str(p) for p in slots)
    generation = _generation(spec.get("generation"))
    holders = {
        str(person)
        for person, wrap in slots.items()
        if isinstance(wrap, dict) and generation is not None
        and _generation(wrap.get("generation")) == generation
    }  # fmt: skip
    legacy = spec.get("legacy") if isinstance(spec.get("legacy"), dict) else {}
    if generation in (None, 1):
        holders |= {str(p) for p in legacy}
    return sorted(holders)


def pending_migration(audiences: dict[str, Any], version: Any) -> dict[str, list[str]]:
    """Person -> audiences where she still holds a format-1 slot."""
    out: dict[str, list[str]] = {}
    for aud, spec in audiences.items():
        if not isinstance(spec, dict):
            continue
        legacy = spec.get("slots" if version == 1 else "legacy")
        for person in legacy if isinstance(legacy, dict) else {}:
            out.setdefault(str(person), []).append(str(aud))
    return {person: sorted(auds) for person, auds in sorted(out.items())}


def parse_credentials(root: Path, path: Path, findings: list[Finding]) -> dict[str, Credential]:
    if not path.exists():
        return {}
    name = rel(root, path)
    text, problem = read_text(root, path)
    if problem:
        findings.append(problem)
        return {}
    doc = load_yaml(text or "")
    findings.extend(Finding("RB008", name, p.line, p.column, p.key, p.args) for p in doc.problems)
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        findings.append(Finding("RB008", name, 1, 1, "vault.not_mapping"))
        return {}
    f = Fields(doc.data, doc.positions, name, findings)
    version = doc.data.get("version")
    audiences = f.mapping("audiences")
    holders = {str(aud): audience_holders(spec, version) for aud, spec in audiences.items()}
    a = f.sub("audiences", audiences)
    for aud, spec in audiences.items():  # `ops: 5`, `slots: 5`, `slots: [a, b]` hold nobody
        if not isinstance(spec, dict):
            a.wrong_type(str(aud), "mapping")
        elif spec.get("slots") is not None and not isinstance(spec["slots"], dict):
            a.sub(str(aud), spec).wrong_type("slots", "mapping")
    generations = {
        str(aud): _generation(spec.get("generation")) if version != 1 else None
        for aud, spec in audiences.items()
        if isinstance(spec, dict)
    }
    left = pending_migration(audiences, version)
    if version == 1 or left:
        key = "vault.format1" if version == 1 else "vault.migration_pending"
        people = ", ".join(f"{p} ({', '.join(auds)})" for p, auds in left.items()) or "-"
        pos = f.pos("version")
        findings.append(Finding("RB019", name, pos.line, pos.column, key, {"people": people},
                                WARNING))  # fmt: skip
    out: dict[str, Credential] = {}
    entries = f.sub("credentials", f.mapping("credentials"))
    for cred_id, entry in entries.data.items():
        e = entries.sub(str(cred_id), entry)
        if not isinstance(entry, dict):
            entries.wrong_type(str(cred_id), "mapping")
            continue
        if not is_id(str(cred_id)):
            p = entries.pos(str(cred_id))
            findings.append(Finding("RB008", name, p.line, p.column, "field.bad_id",
                                    {"key": "credentials", "value": str(cred_id)}))  # fmt: skip
            continue
        audience = e.ident("audience", required=True) or ""
        sealed = e.mapping("fields")
        current = generations.get(audience)
        for field_name, value in sealed.items():
            if not isinstance(value, dict) or audience not in generations:
                continue
            generation = _generation(value.get("generation"))
            if generation != current and (generation is not None or current is not None):
                pos = e.sub("fields", sealed).pos(str(field_name))
                args = {"id": str(cred_id), "field": str(field_name), "audience": audience,
                        "generation": generation or 0, "current": current or 0}  # fmt: skip
                key = "vault.stale_field" if generation is not None else "vault.unmigrated_field"
                findings.append(Finding("RB008", name, pos.line, pos.column, key, args))
        out[str(cred_id)] = Credential(
            id=str(cred_id),
            label=e.text("label") or str(cred_id),
            audience=audience,
            pos=entries.pos(str(cred_id)),
            url=e.text("url"),
            fields=[str(k) for k in sealed],
            holders=holders.get(audience, []),
            rotated=e.date("rotated"),
            rotate_every=e.integer("rotate_every", minimum=1),
        )
    return out
