"""One side of a diff: a runbook loaded by the model, with what every view derives from it.

Both sides are read the same way (`load_runbook`, `lint_runbook`, coverage
`compute`, `single_points_of_failure`) over the same period, so a difference
between them is a difference in the runbook, never in how it was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.findings import Finding
from ..core.settings import Settings, load_settings
from ..coverage.compute import Coverage, Risk, compute, single_points_of_failure
from ..lint import lint_runbook
from ..lint.engine import sane
from ..model import Runbook, load_runbook
from .export import Repo, Revision, exported


@dataclass
class Snapshot:
    revision: Revision
    runbook: Runbook
    settings: Settings
    findings: list[Finding]
    coverage: Coverage
    risks: list[Risk]


def settings_of(root: Path) -> Settings:
    """Settings with usable thresholds (the horizon in particular), as the lint uses them."""
    return sane(load_settings(root))


def take(root: Path, revision: Revision, today: date, start: date, end: date) -> Snapshot:
    """Load the runbook at `root` and derive lint, coverage over [start, end] and risks."""
    settings = settings_of(root)
    runbook = load_runbook(root, settings)
    return Snapshot(
        revision=revision,
        runbook=runbook,
        settings=settings,
        findings=lint_runbook(runbook, today, settings),
        coverage=compute(runbook, start, end),
        risks=single_points_of_failure(runbook),
    )


def take_revision(repo: Repo, revision: Revision, today: date, start: date, end: date) -> Snapshot:
    """Export a commit into a temporary folder and take its snapshot there."""
    with exported(repo, revision) as root:
        return take(root, revision, today, start, end)
