"""The whole diff of two snapshots, its verdict and its exit code.

`build` runs every comparison once; the text, JSON and Markdown views only
read the resulting `RunbookDiff`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model import Procedure
from . import compare
from .cover_changes import CoverDiff
from .cover_changes import compare as compare_cover
from .snapshot import Snapshot


@dataclass
class RunbookDiff:
    base: Snapshot
    head: Snapshot
    start: date
    end: date
    procedures: compare.ProcedureDiff
    team: compare.TeamDiff
    vault: compare.VaultDiff
    lint: compare.LintDiff
    risks: compare.RiskDiff
    cover: CoverDiff

    @property
    def blocking(self) -> bool:
        """Exit 1: the change adds lint errors, or urgent procedures lose cover."""
        return bool(self.lint.errors_added or self.cover.urgent_losing())

    def urgent_lost_days(self) -> list[date]:
        return sorted({d for c in self.cover.urgent_losing() for d in c.lost_days})

    def lost_days(self) -> list[date]:
        return sorted({d for c in self.cover.losing for d in c.lost_days})

    def gained_days(self) -> list[date]:
        return sorted({d for c in self.cover.gaining for d in c.gained_days})

    def name(self, person: str) -> str:
        """A person's name from either revision (she may have left the team)."""
        for snap in (self.head, self.base):
            if person in snap.runbook.team.people:
                return snap.runbook.team.name_of(person)
        return person

    def who(self, person: str) -> str:
        """A person as access is shown: "Name (id)", the id always beside the name, so a
        look-alike display name cannot pass for someone else."""
        name = self.name(person)
        return f"{name} ({person})" if name != person else person

    def procedure(self, proc_id: str) -> Procedure | None:
        return self.head.runbook.procedure(proc_id) or self.base.runbook.procedure(proc_id)

    def empty(self) -> bool:
        """Nothing at all to report (the change touched nothing the runbook reads)."""
        p = self.procedures
        parts = (p.added, p.removed, p.renamed, p.changed, p.edited, self.team, self.vault,
                 self.lint.added, self.lint.resolved, self.risks.added, self.risks.removed,
                 self.cover.procedures, self.cover.people)  # fmt: skip
        return not any(parts)


def build(base: Snapshot, head: Snapshot, start: date, end: date, lang: str) -> RunbookDiff:
    procs = compare.procedures(base.runbook, head.runbook)
    moved = {p.old.path: p.new.path for p in procs.pairs if p.old.path != p.new.path}
    return RunbookDiff(
        base=base,
        head=head,
        start=start,
        end=end,
        procedures=procs,
        team=compare.team(base.runbook, head.runbook),
        vault=compare.vault(base.runbook, head.runbook),
        lint=compare.lint(base.findings, head.findings, moved, lang),
        risks=compare.risks(base.risks, head.risks, procs.new_id()),
        cover=compare_cover(procs, base.coverage, head.coverage),
    )
