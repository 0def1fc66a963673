"""`releve vault audit`: who can open what, what is due for rotation, whose access to review.

Everything here comes from clear metadata (no passphrase): the holders of each
audience's current key, the `rotated` dates, team.yml's people and roles. The
rotation rule is the lint's (RB018), `upkeep.deadlines.rotation_due`, so the audit and
the lint never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..core.findings import Finding
from ..core.settings import Settings
from ..model import Runbook
from ..model.vault_meta import key_findings
from ..upkeep.deadlines import rotation_due
from . import chain
from .crypto import fingerprint
from .store import Vault


@dataclass(frozen=True)
class Overdue:
    id: str
    rotated: date | None
    every: int
    due: date | None


@dataclass(frozen=True)
class Stray:
    """A key held by someone who is no longer in team.yml, or no longer has the role."""

    person: str
    audience: str
    reason: str  # "unknown" | "no_role"


@dataclass
class Audit:
    people: list[str]  # columns of the matrix: team members, then unknown holders
    access: dict[str, list[str]]  # credential id -> people who can open it
    audiences: dict[str, str]  # credential id -> audience
    overdue: list[Overdue] = field(default_factory=list)
    stray: list[Stray] = field(default_factory=list)
    fingerprints: dict[str, str | None] = field(default_factory=dict)  # person -> fingerprint
    pending: dict[str, list[str]] = field(default_factory=dict)  # format-1 slots left
    unverified: list[Finding] = field(default_factory=list)  # RB026: access nobody vouches for

    def as_json(self) -> dict:
        return {
            "people": self.people,
            "access": self.access,
            "overdue": [
                {
                    "id": o.id,
                    "rotated": o.rotated and o.rotated.isoformat(),
                    "every": o.every,
                    "due": o.due and o.due.isoformat(),
                }
                for o in self.overdue
            ],
            "stray": [
                {"person": s.person, "audience": s.audience, "reason": s.reason} for s in self.stray
            ],
            "fingerprints": self.fingerprints,
            "pending_migration": self.pending,
            "unverified": [f.as_dict() for f in self.unverified],
        }


@dataclass(frozen=True)
class _Sealed:
    """What rotation reads: the vault entry's own date, the runbook's interval for it."""

    rotated: date | None
    rotate_every: int | None


def audit(vault: Vault, runbook: Runbook, today: date, settings: Settings) -> Audit:
    team = runbook.team.people
    holders_of = {name: aud.holders() for name, aud in vault.audiences.items()}
    unknown = sorted({p for hs in holders_of.values() for p in hs if p not in team})
    people = [p.id for p in runbook.team.in_order()] + unknown  # core.order, then the unknown
    access = {e.id: holders_of.get(e.audience, []) for e in vault.credentials.values()}
    result = Audit(people, access, {e.id: e.audience for e in vault.credentials.values()})
    for entry in vault.credentials.values():
        cred = runbook.credentials.get(entry.id)
        sealed = _Sealed(entry.rotated, cred.rotate_every if cred else None)
        due = rotation_due(sealed, today, settings)
        if due.overdue:
            result.overdue.append(Overdue(entry.id, due.last, due.every, due.due))
    for name, holders in holders_of.items():
        for person in holders:
            if person not in team:
                result.stray.append(Stray(person, name, "unknown"))
            elif name not in team[person].roles:
                result.stray.append(Stray(person, name, "no_role"))
    for person in people:
        enrolment = vault.people.get(person)
        result.fingerprints[person] = fingerprint(enrolment.public) if enrolment else None
    result.pending = vault.legacy_holders()
    # Who can open what is only true of keys whose signed history verifies (chain.py): a
    # planted wrap would otherwise show as access.
    meta = vault.meta()
    roles = {pid: set(p.roles) for pid, p in team.items()}
    result.unverified = [f for f in key_findings(meta) if f.code == "RB026"]
    result.unverified += chain.findings(meta, roles)
    return result
