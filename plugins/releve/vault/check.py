"""`releve vault check` without a passphrase: structure and every reference.

- the file parses and follows format 1 (sealed items well formed);
- every audience is a role in team.yml, every holder exists and has that role;
- every credential's audience has at least one holder; slots use enough iterations;
- every credential a procedure names (front-matter `credentials:` or inline
  `[[cred:ID]]`) exists in the vault.
"""

from __future__ import annotations

from ..findings import Finding
from ..model import Runbook
from ..model.refs import references
from ..model.types import Pos
from .crypto import MIN_ITERATIONS
from .store import Vault


def check_vault(vault: Vault, runbook: Runbook) -> list[Finding]:
    findings = list(vault.problems)
    people = runbook.team.people

    def at(pos: Pos, code: str, key: str, **args) -> None:
        findings.append(Finding(code, pos.path, pos.line, pos.column, key, args))

    for audience, slots in vault.audiences.items():
        apos = vault.pos(f"audiences.{audience}")
        if not any(audience in p.roles for p in people.values()):
            at(apos, "RB008", "vault.audience_not_role", audience=audience)
        for person, slot in slots.items():
            spos = vault.pos(f"audiences.{audience}.slots.{person}")
            if person not in people:
                at(spos, "RB003", "vault.holder_unknown", person=person, audience=audience)
            elif audience not in people[person].roles:
                at(spos, "RB008", "vault.holder_without_role", person=person, audience=audience)
            if slot.iterations < MIN_ITERATIONS:
                at(spos, "RB008", "vault.weak_slot", person=person, audience=audience,
                   n=MIN_ITERATIONS)  # fmt: skip
    for entry in vault.credentials.values():
        if not vault.audiences.get(entry.audience):
            at(vault.pos(f"credentials.{entry.id}.audience"), "RB008", "vault.no_holder",
               id=entry.id, audience=entry.audience)  # fmt: skip
    for proc in runbook.procedures:
        for cred_id, pos in references(proc):
            if cred_id not in vault.credentials:
                at(pos, "RB005", "vault.unknown_reference", id=cred_id)
    return findings
