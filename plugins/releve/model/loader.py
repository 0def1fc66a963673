"""Load a whole runbook from its root folder: the single entry point of the model."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.findings import Finding, has_control, printable, sort_findings
from ..core.settings import Settings, load_settings
from .clients import parse_client
from .credentials import credentials_of, load_vault
from .procedures import parse_procedure
from .records import parse_records
from .source_cache import SourceCache
from .sources import forget_folders, rel
from .team import parse_team
from .types import Procedure, Record, Runbook


def _markdown_files(root: Path, folder: Path, findings: list[Finding]) -> list[Path]:
    """The pages of a folder; a name with a control character (CR/LF) is reported, not read:
    it would become a folder, a URL and a CODEOWNERS line."""
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(_pages_under(folder)):
        if has_control(str(path)) and has_control(name := rel(root, path)):
            findings.append(Finding("RB008", printable(name), 1, 1, "source.bad_name"))
            continue
        out.append(path)
    return out


def _pages_under(folder: Path) -> list[Path]:
    """What `folder.rglob("*.md")` gives that is a file or a link (to a file, a folder, or
    nowhere), from each folder's listing: real folders are walked into, folder links are
    not (as `rglob` does), and no file is looked up on its own (2,000 lookups are a tenth
    of a cold `releve lint` on 2,000 procedures)."""
    found: list[Path] = []
    todo = [str(folder)]
    while todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            todo.append(entry.path)
                        elif entry.name.endswith(".md") and (entry.is_symlink() or entry.is_file()):
                            found.append(Path(entry.path))
                    except OSError:
                        continue
        except OSError:  # unreadable: as rglob, nothing from it
            continue
    return found


def _drills_from_records(procedures: list[Procedure], records: list[Record]) -> None:
    """A `drill` record by a backup is the procedure's latest drill (`Procedure.drilled`)."""
    by_proc = {p.id: p for p in procedures}
    for proc in procedures:  # a page reused from the last load must not keep its old drill
        proc.drilled = None
    for record in records:  # in date order: the last one wins
        proc = by_proc.get(record.procedure)
        if proc is not None and record.status == "drill" and record.by in proc.backup:
            proc.drilled = record.date


def _parse_files(
    files: list[tuple[str, Path, Callable[[Path, Path, list[Finding]], Any]]],
    root: Path,
    cache: SourceCache | None,
    then: Callable[[Any], None] | None,
    workers: int,
) -> list[tuple[Any, list[Finding]]]:
    """Each `(kind, path, parse)`'s parse and its findings, in order; from `cache` while a
    file is unchanged."""
    if cache is None:
        out = []
        for _kind, path, parse in files:
            own: list[Finding] = []
            out.append((parse(root, path, own), own))
        return out
    return cache.parse_all(files, root, then, workers)


def load_runbook(
    root: Path | str,
    settings: Settings | None = None,
    cache: SourceCache | None = None,
    then: Callable[[object], None] | None = None,
    workers: int = 1,
) -> Runbook:
    """Parse team, clients, procedures, vault metadata and records; problems become findings.

    With a `cache` (`SourceCache.open(root)`), procedures and clients unchanged since
    the cache was written are not parsed again; `then(page)` runs on each page parsed
    (the lint computes the facts it keeps in the cache), and with `workers` > 1 a long
    list of files to parse is shared with a forked process (`SourceCache.parse_all`)."""
    root = Path(root).absolute()
    forget_folders()  # folders may have become links since the last load (serve)
    settings = settings or load_settings(root)
    findings: list[Finding] = []
    team = parse_team(root, root / settings.team_file, findings)

    # Clients and procedures are parsed in one list, which a first lint shares out.
    client_paths = _markdown_files(root, root / settings.clients_dir, findings)
    proc_paths = _markdown_files(root, root / settings.procedures_dir, findings)
    files = [("client", path, parse_client) for path in client_paths]
    files += [("procedure", path, parse_procedure) for path in proc_paths]
    parsed = _parse_files(files, root, cache, then, workers)

    clients = {}
    for client, own in parsed[: len(client_paths)]:
        findings.extend(own)
        if client is None:
            continue
        if client.id in clients:
            findings.append(
                Finding("RB007", client.path, 1, 1, "dup.client",
                        {"id": client.id, "other": clients[client.id].path})
            )  # fmt: skip
            continue
        clients[client.id] = client

    procedures = []
    seen: dict[str, str] = {}
    for proc, own in parsed[len(client_paths) :]:
        findings.extend(own)
        if proc is None:
            continue
        if proc.id in seen:
            pos = proc.pos_of("id")
            findings.append(
                Finding("RB007", proc.path, pos.line, pos.column, "dup.procedure",
                        {"id": proc.id, "other": seen[proc.id]})
            )  # fmt: skip
            continue
        seen[proc.id] = proc.path
        procedures.append(proc)

    vault = load_vault(root, root / settings.vault_file, findings)
    records = parse_records(root, root / settings.records_dir, findings)
    _drills_from_records(procedures, records)
    return Runbook(
        root=root,
        team=team,
        procedures=procedures,
        clients=clients,
        credentials=credentials_of(vault),
        records=records,
        findings=sort_findings(findings),
        config=settings,
        vault=vault,
    )
