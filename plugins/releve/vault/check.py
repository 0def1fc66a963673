"""`releve vault check` without a passphrase: structure and every reference.

- the file parses and follows format 2 or 1 (sealed items well formed, public keys
  are P-256 points);
- every audience is a role in team.yml, every holder exists and has that role;
- every credential's audience has at least one holder; passphrases use enough iterations;
- every value and wrap belongs to the audience's current key generation (a merge of
  `revoke` with a parallel `add` leaves a value sealed under a key that is gone; a
  value above it, a rollback);
- every audience's signed key history verifies (`chain.py`, RB026);
- format-1 material is a warning until every holder has migrated;
- every credential a procedure names (front-matter `credentials:` or inline
  `[[cred:ID]]`) exists in the vault.
"""

from __future__ import annotations

from ..core.findings import Finding
from ..model import Runbook
from ..model.refs import references
from ..model.types import Pos
from ..model.vault_meta import format_findings as meta_format_findings
from ..model.vault_meta import key_findings
from . import chain
from .crypto import MIN_ITERATIONS, Refused, load_public
from .store import Vault


def check_vault(vault: Vault, runbook: Runbook) -> list[Finding]:
    findings = list(vault.problems)
    people = runbook.team.people
    meta = vault.meta()

    def at(pos: Pos, code: str, key: str, **args) -> None:
        findings.append(Finding(code, pos.path, pos.line, pos.column, key, args))

    for person in vault.people:
        if person not in people:
            at(vault.pos(f"people.{person}"), "RB003", "vault.enrolled_unknown", person=person)
    findings.extend(key_findings(meta))
    findings.extend(chain.findings(meta, {pid: set(p.roles) for pid, p in people.items()}))
    for audience, aud in vault.audiences.items():
        apos = vault.pos(f"audiences.{audience}")
        if not any(audience in p.roles for p in people.values()):
            at(apos, "RB008", "vault.audience_not_role", audience=audience)
        holders = [(p, f"audiences.{audience}.slots.{p}") for p in aud.slots]
        holders += [(p, meta.legacy_where(audience, p)) for p in aud.legacy]
        for person, where in holders:
            spos = vault.pos(where)
            if person not in people:
                at(spos, "RB003", "vault.holder_unknown", person=person, audience=audience)
            elif audience not in people[person].roles:
                at(spos, "RB008", "vault.holder_without_role", person=person, audience=audience)
        for person, slot in aud.legacy.items():
            if slot.iterations < MIN_ITERATIONS:
                at(vault.pos(meta.legacy_where(audience, person)), "RB008", "vault.weak_slot",
                   person=person, audience=audience, n=MIN_ITERATIONS)  # fmt: skip
        for person in aud.current():
            if person not in vault.people:
                at(vault.pos(f"audiences.{audience}.slots.{person}"), "RB008",
                   "vault.wrap_not_enrolled", person=person, audience=audience)  # fmt: skip
    for person, enrolment in vault.people.items():
        if enrolment.iterations < MIN_ITERATIONS:
            at(vault.pos(f"people.{person}"), "RB008", "vault.weak_enrolment", person=person,
               n=MIN_ITERATIONS)  # fmt: skip
        try:
            load_public(enrolment.public)
        except Refused:
            at(vault.pos(f"people.{person}"), "RB008", "vault.bad_public", person=person)
    for entry in vault.credentials.values():
        if not meta.holders(entry.audience):
            at(vault.pos(f"credentials.{entry.id}.audience"), "RB008", "vault.no_holder",
               id=entry.id, audience=entry.audience)  # fmt: skip
    findings.extend(meta_format_findings(meta))
    for proc in runbook.procedures:
        for cred_id, pos in references(proc):
            if cred_id not in vault.credentials:
                at(pos, "RB005", "vault.unknown_reference", id=cred_id)
    return findings


def stale_findings(vault: Vault) -> list[Finding]:
    """Values and wraps of a key generation that no longer exists (the model's rule)."""
    return key_findings(vault.meta())


def format_findings(vault: Vault) -> list[Finding]:
    """RB019: format-1 material still to migrate (the model's rule, as the lint's)."""
    return meta_format_findings(vault.meta())
