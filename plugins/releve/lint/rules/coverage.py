"""RB013, coverage gaps on due days, and RB017, people who cannot open what a task needs.

Read from the coverage model (working days: team.yml `workdays` minus
`holidays`; the horizon runs from today for `horizon` days), so the lint, the
gap calendar and `releve coverage` agree. One finding per procedure, at its
backups, naming the first and last gap days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ...core.findings import Finding
from ...core.settings import Settings
from ...coverage.compute import compute, horizon_end, needed_audiences
from ...i18n.formats import Span
from ...model import Runbook
from ...model.refs import references
from .content import finding


def rb013(runbook: Runbook, today: date, settings: Settings) -> Iterable[Finding]:
    coverage = compute(runbook, today, horizon_end(today, settings.horizon))
    for proc in coverage.gap_procedures():
        gaps = coverage.gaps[proc.id]
        # Names, in order of call; the dates in words, one day said as one day.
        people = [runbook.team.name_of(p) for p in dict.fromkeys(proc.people)]
        where = "backup" if "backup" in proc.positions else "owner"
        yield finding(
            "RB013",
            proc.pos_of(where),
            "lint.coverage_gap",
            days=len(gaps),
            first=gaps[0],
            period=Span(gaps[0], gaps[-1]),
            people=people,
        )


def rb017(runbook: Runbook, today: date, settings: Settings) -> Iterable[Finding]:
    """An owner or backup who holds no key of the audience of a credential the task needs.

    On a day she does the task she cannot open it: the cover rule passes her over.
    """
    holders = {a: set(runbook.holders(a)) for a in runbook.vault.audiences}
    enrolled = set(runbook.vault.people)  # people with a key pair (`releve vault enroll`)
    for proc in runbook.procedures:
        if not needed_audiences(runbook, proc):
            continue
        for cred_id in dict.fromkeys(c for c, _ in references(proc)):
            cred = runbook.credentials.get(cred_id)
            if cred is None:
                continue  # RB005
            for index, person in enumerate(dict.fromkeys(proc.people)):
                if person in holders.get(cred.audience, ()):
                    continue
                where = proc.pos_of("owner") if index == 0 else proc.pos_of(
                    "backup", proc.backup.index(person))  # fmt: skip
                yield finding("RB017", where, _cannot_open_key(runbook, person, cred.audience,
                                                               enrolled),
                              person=person, credential=cred_id, audience=cred.audience,
                              holder=min(holders.get(cred.audience) or {"HOLDER"}),
                              team=runbook.team.pos.path)  # fmt: skip


def _cannot_open_key(runbook: Runbook, person: str, audience: str, enrolled: set[str]) -> str:
    """The RB017 message whose commands run as printed: `vault grant` refuses a person
    without the role, or without a key pair, so the hint starts with what is missing."""
    known = runbook.team.people.get(person)
    has_role = known is not None and audience in known.roles
    suffix = "" if person in enrolled else "_not_enrolled"
    return f"lint.cannot_open{'' if has_role else '_no_role'}{suffix}"
