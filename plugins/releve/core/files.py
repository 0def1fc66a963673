"""Which files make up a runbook: the one list every view reads.

The lint scans some of them for secrets, `releve diff` exports them from a git
revision, `mkdocs serve` watches them and the build refuses symbolic links
leading out of them. Kept in one place so that what the lint sees, what the
diff compares and what the site publishes never drift apart (a folder missing
from one list is a password the lint reports but `releve diff` never shows).

Paths are runbook-relative POSIX strings, as written in mkdocs.yml and the
settings; a folder that is not strictly inside the runbook (`.`, `..`, an
absolute path elsewhere) still counts for the symbolic-link check, but never
matches a file (`holds`): the runbook cannot claim files outside itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

from .settings import Settings

CONFIG = "mkdocs.yml"
RECORDS_DIR = "records"  # YAML records (dated events), versioned with the runbook
# Where GitHub looks for CODEOWNERS, in its order; `docs/` is GitHub's, not docs_dir.
CODEOWNERS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


def _inside(name: str | None) -> PurePosixPath | None:
    """`name` as a folder strictly inside the runbook, or None (outside, the root itself)."""
    if not name:
        return None
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or path == PurePosixPath("."):
        return None
    return PurePosixPath(*[p for p in path.parts if p != "."])


@dataclass(frozen=True)
class RunbookFiles:
    """The files and folders of one runbook, relative to its root."""

    config: str = CONFIG
    team: str = "team.yml"
    vault: str = "vault.yml"
    codeowners: tuple[str, ...] = CODEOWNERS
    procedures: str = "procedures"
    clients: str = "clients"
    docs: str = "docs"  # MkDocs' docs_dir: published as it is
    records: str = RECORDS_DIR
    overrides: str | None = None  # the theme's custom_dir

    @classmethod
    def of(cls, root: Path, settings: Settings) -> RunbookFiles:
        """The list for the runbook at `root` under `settings` (mkdocs.yml read or the plugin's)."""

        def relative(name: str | None) -> str | None:
            if not name:
                return None
            path = Path(name)
            if path.is_absolute():  # MkDocs hands the plugin absolute folders
                try:
                    return path.relative_to(root).as_posix() or "."
                except ValueError:
                    return path.as_posix()
            return path.as_posix()

        return cls(
            team=settings.team_file,
            vault=settings.vault_file,
            procedures=settings.procedures_dir,
            clients=settings.clients_dir,
            docs=relative(settings.docs_dir) or "docs",
            overrides=relative(settings.custom_dir),
        )

    @property
    def files(self) -> tuple[str, ...]:
        return (self.config, self.team, self.vault, *self.codeowners)

    @property
    def folders(self) -> tuple[str, ...]:
        names = (self.procedures, self.clients, self.docs, self.records, self.overrides)
        return tuple(name for name in names if name)

    @property
    def scanned(self) -> tuple[str, ...]:
        """Folders of free text the secret scan (RB009) reads whole: they reach the site
        (the theme's overrides too: their templates and scripts are on every page)."""
        names = (self.docs, self.records, self.overrides)
        return tuple(name for name in names if _inside(name) is not None)

    def paths(self, root: Path) -> list[Path]:
        """Every file and folder of the list under `root`, whether it exists or not."""
        return [root / name for name in dict.fromkeys((*self.files, *self.folders))]

    @cached_property
    def _matched(self) -> tuple[frozenset[PurePosixPath], tuple[PurePosixPath, ...]]:
        files = frozenset(p for p in map(_inside, self.files) if p is not None)
        return files, tuple(p for p in map(_inside, self.folders) if p is not None)

    def holds(self, path: str | PurePosixPath) -> bool:
        """Whether a runbook-relative file belongs to the runbook (what `releve diff` exports)."""
        path = PurePosixPath(path)
        files, folders = self._matched
        return path in files or any(path.is_relative_to(f) and path != f for f in folders)


def leads_outside(root: Path, name: str) -> bool:
    """Whether the file an option names (`vault_file: ../other/vault.yml`, an absolute path,
    a link) is outside the runbook at `root`, links followed: such a file is never read,
    written or published (the vault commands would write another team's vault)."""
    path = Path(name)
    path = path if path.is_absolute() else root / path
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop: not inside either
        return True


def outside_options(root: Path, files: RunbookFiles) -> list[tuple[str, str]]:
    """(option, value) of the team and vault files that lead outside the runbook."""
    named = (("team_file", files.team), ("vault_file", files.vault))
    return [(option, value) for option, value in named if leads_outside(root, value)]
