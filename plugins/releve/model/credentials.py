"""Read the clear metadata of vault.yml: ids, labels, audiences, holders.

Only names and metadata are read here; sealed fields are never decoded, so
the model (and therefore the site, the lint and the binder) holds no secret.
"""

from __future__ import annotations

from pathlib import Path

from ..findings import Finding
from .fields import Fields, is_id
from .sources import read_text, rel
from .types import Credential
from .yamlsource import load_yaml


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
    audiences = f.mapping("audiences")
    holders = {
        str(aud): sorted(str(p) for p in (spec or {}).get("slots", {}) or {})
        for aud, spec in audiences.items()
        if isinstance(spec, dict)
    }
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
        out[str(cred_id)] = Credential(
            id=str(cred_id),
            label=e.text("label") or str(cred_id),
            audience=audience,
            pos=entries.pos(str(cred_id)),
            url=e.text("url"),
            fields=[str(k) for k in sealed],
            holders=holders.get(audience, []),
            rotated=e.date("rotated"),
        )
    return out
