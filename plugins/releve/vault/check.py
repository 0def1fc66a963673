"""`releve vault check` without a passphrase: structure and every reference.

- the file parses and follows format 2 or 1 (sealed items well formed, public keys
  are P-256 points);
- every audience is a role in team.yml, every holder exists and has that role;
- every credential's audience has at least one holder; passphrases use enough iterations;
- every value and wrap belongs to the audience's current key generation (a merge of
  `revoke` with a parallel `add` leaves a value sealed under a key that is gone);
- format-1 material is a warning until every holder has migrated;
- every credential a procedure names (front-matter `credentials:` or inline
  `[[cred:ID]]`) exists in the vault.
"""

from __future__ import annotations

from ..core.findings import Finding
from ..model import Runbook
from ..model.refs import references
from ..model.types import Pos
from .crypto import FORMAT_VERSION, MIN_ITERATIONS, Refused, load_public
from .store import Vault


def check_vault(vault: Vault, runbook: Runbook) -> list[Finding]:
    findings = list(vault.problems)
    people = runbook.team.people

    def at(pos: Pos, code: str, key: str, **args) -> None:
        findings.append(Finding(code, pos.path, pos.line, pos.column, key, args))

    for person in vault.people:
        if person not in people:
            at(vault.pos(f"people.{person}"), "RB003", "vault.enrolled_unknown", person=person)
    for finding in stale_findings(vault):
        findings.append(finding)
    legacy = "legacy" if vault.version == FORMAT_VERSION else "slots"
    for audience, aud in vault.audiences.items():
        apos = vault.pos(f"audiences.{audience}")
        if not any(audience in p.roles for p in people.values()):
            at(apos, "RB008", "vault.audience_not_role", audience=audience)
        holders = [(p, f"audiences.{audience}.slots.{p}") for p in aud.slots]
        holders += [(p, f"audiences.{audience}.{legacy}.{p}") for p in aud.legacy]
        for person, where in holders:
            spos = vault.pos(where)
            if person not in people:
                at(spos, "RB003", "vault.holder_unknown", person=person, audience=audience)
            elif audience not in people[person].roles:
                at(spos, "RB008", "vault.holder_without_role", person=person, audience=audience)
        for person, slot in aud.legacy.items():
            if slot.iterations < MIN_ITERATIONS:
                at(vault.pos(f"audiences.{audience}.{legacy}.{person}"), "RB008", "vault.weak_slot",
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
        if not vault.holders(entry.audience):
            at(vault.pos(f"credentials.{entry.id}.audience"), "RB008", "vault.no_holder",
               id=entry.id, audience=entry.audience)  # fmt: skip
    findings.extend(format_findings(vault))
    for proc in runbook.procedures:
        for cred_id, pos in references(proc):
            if cred_id not in vault.credentials:
                at(pos, "RB005", "vault.unknown_reference", id=cred_id)
    return findings


def stale_findings(vault: Vault) -> list[Finding]:
    """What a merge of `revoke` (a new key generation) with a parallel `add` or `grant`
    leaves behind, seen without a passphrase: values and wraps of a generation that no
    longer exists, which nobody can open."""
    out = []

    def at(where: str, key: str, **args) -> None:
        pos = vault.pos(where)
        out.append(Finding("RB008", pos.path, pos.line, pos.column, key, args))

    for entry in vault.credentials.values():
        aud = vault.audiences.get(entry.audience)
        if aud is None:
            continue
        for name, sealed in entry.fields.items():
            if sealed.generation is None and aud.generation is not None:
                at(f"credentials.{entry.id}.fields.{name}", "vault.unmigrated_field", id=entry.id,
                   field=name, audience=entry.audience)  # fmt: skip
            elif sealed.generation != aud.generation:
                at(f"credentials.{entry.id}.fields.{name}", "vault.stale_field", id=entry.id,
                   field=name, audience=entry.audience, generation=sealed.generation or 0,
                   current=aud.generation or 0)  # fmt: skip
    for audience, aud in vault.audiences.items():
        for person, wrap in aud.slots.items():
            if wrap.generation != aud.generation:
                at(f"audiences.{audience}.slots.{person}", "vault.stale_wrap_found",
                   person=person, audience=audience, generation=wrap.generation,
                   current=aud.generation or 0)  # fmt: skip
        if aud.legacy and not aud.legacy_valid():
            for person in aud.legacy:
                at(f"audiences.{audience}.legacy.{person}", "vault.stale_wrap_found",
                   person=person, audience=audience, generation=1,
                   current=aud.generation or 0)  # fmt: skip
    return out


def format_findings(vault: Vault) -> list[Finding]:
    """A format-1 vault, or format-1 slots not migrated yet: a warning (RB019) naming who
    still has to run `releve vault migrate`."""
    left = vault.legacy_holders()
    if vault.version == FORMAT_VERSION and not left:
        return []
    pos = vault.pos("version")
    people = ", ".join(f"{p} ({', '.join(auds)})" for p, auds in left.items()) or "-"
    key = "vault.format1" if vault.version != FORMAT_VERSION else "vault.migration_pending"
    return [Finding("RB019", pos.path, pos.line, pos.column, key, {"people": people},
                    "warning")]  # fmt: skip
