"""RB018: a sealed credential whose value was not changed within `rotate_every` days.

Reads only the clear `rotated` date of each vault entry (set by `releve vault add`
and `--replace`); a credential may set its own `rotate_every` in vault.yml.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...core.findings import Finding
from ...core.settings import Settings
from ...model import Runbook
from .content import add_days, finding


def rb018(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    for cred in sorted(runbook.credentials.values(), key=lambda c: c.id):
        every = cred.rotate_every or settings.rotate_every
        hint = {"audience": cred.audience, "fields": ", ".join(cred.fields) or "password",
                "holder": min(cred.holders or ["HOLDER"])}  # fmt: skip
        if cred.rotated is None:
            yield finding("RB018", cred.pos, "lint.never_rotated", credential=cred.id, **hint)
            continue
        due = add_days(cred.rotated, every)
        if due < today:
            yield finding(
                "RB018",
                cred.pos,
                "lint.rotation_overdue",
                credential=cred.id,
                rotated=cred.rotated.isoformat(),
                every=every,
                due=due.isoformat(),
                **hint,
            )
