"""Vault rules over the clear metadata.

RB018: a sealed credential whose value was not changed within `rotate_every` days.
Reads only the clear `rotated` date of each vault entry (set by `releve vault add`
and `--replace`); a credential may set its own `rotate_every` in vault.yml.

RB026: an audience whose keys' signed history does not verify (`vault/chain.py`):
unsigned, planted by someone without the role, a generation made by a non-holder,
a wrap nobody signed. Public keys and signatures only: no passphrase.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...core.findings import Finding
from ...core.settings import Settings
from ...model import Runbook
from ...upkeep.deadlines import rotation_due
from .content import finding


def rb026(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    if all(aud.generation is None for aud in runbook.vault.audiences.values()):
        return  # no format-2 key to verify: the lint stays free of the crypto library
    from ...vault import chain  # ECDSA: imported only when there is a signature to check

    roles = {pid: set(p.roles) for pid, p in runbook.team.people.items()}
    yield from chain.findings(runbook.vault, roles)


def rb018(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    for cred in sorted(runbook.credentials.values(), key=lambda c: c.id):
        due = rotation_due(cred, today, settings)  # the audit's rule too (upkeep.deadlines)
        if not due.overdue:
            continue
        hint = {"audience": cred.audience, "fields": ", ".join(cred.fields) or "password",
                "holder": min(cred.holders or ["HOLDER"])}  # fmt: skip
        if due.last is None or due.due is None:
            yield finding("RB018", cred.pos, "lint.never_rotated", credential=cred.id, **hint)
            continue
        yield finding(
            "RB018",
            cred.pos,
            "lint.rotation_overdue",
            credential=cred.id,
            rotated=due.last.isoformat(),
            every=due.every,
            due=due.due.isoformat(),
            **hint,
        )
