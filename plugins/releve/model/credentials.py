"""Read vault.yml's clear metadata into the model: the vault, and its credentials.

The parser (`vault_parse.read_vault`) is the one the vault commands use, so the lint
reports at its line everything `releve vault` would refuse (RB008), and the same
findings from the clear key generations: a value or a wrap of a generation that no
longer exists (RB008, e.g. a git merge of `revoke` with a parallel `add`), format-1
material still waiting for `releve vault migrate` (RB019, a warning).

Sealed fields are checked but never kept, so the model (and therefore the site, the
lint and the binder) holds no secret.
"""

from __future__ import annotations

from pathlib import Path

from ..core.findings import Finding
from .sources import read_text, rel
from .types import Credential, Pos
from .vault_meta import VaultMeta, format_findings, key_findings
from .vault_parse import read_vault


def load_vault(root: Path, path: Path, findings: list[Finding]) -> VaultMeta:
    """The vault's metadata (empty when there is no vault); its problems become findings."""
    name = rel(root, path)
    if not path.exists():
        return VaultMeta(path=name)
    text, problem = read_text(root, path)
    if problem:
        findings.append(problem)
        return VaultMeta(path=name, problems=[problem])
    meta, _ = read_vault(text or "", name)
    findings.extend(meta.problems)
    findings.extend(key_findings(meta))
    findings.extend(format_findings(meta))
    return meta


def credentials_of(meta: VaultMeta) -> dict[str, Credential]:
    """The model's view of each credential, its holders by the vault's rule."""
    out: dict[str, Credential] = {}
    for cred in meta.credentials.values():
        out[cred.id] = Credential(
            id=cred.id,
            label=cred.label.strip(),
            audience=cred.audience,
            pos=Pos(meta.path, *meta.at(f"credentials.{cred.id}")),
            url=(cred.url or "").strip() or None,
            fields=list(cred.fields),
            holders=meta.holders(cred.audience),
            rotated=cred.rotated,
            rotate_every=cred.rotate_every,
        )
    return out
