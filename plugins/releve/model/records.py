"""Parse `records/**/*.yml`: one file per record of a task done, partly done, skipped or rehearsed.

A record file is small and written by `releve done` or by the site's "Mark as
done" link; a hand-edited one may be broken. Nothing here raises: a file that
is not YAML, a folder where a file should be, or a wrong type becomes a
finding at file:line, and the other records still load. Whether the ids exist
and the date is not in the future is the lint's job (RB021), which knows today.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..core.findings import Finding, has_control, printable
from .fields import Fields
from .sources import read_text, rel
from .types import Pos, Record
from .yamlsource import load_yaml

RECORD_KEYS = {"procedure", "date", "by", "status", "note"}
SUFFIXES = (".yml", ".yaml")
# A runbook keeps years of records; past this many files, the rest are not read (one
# finding says so) so that a stray folder cannot make every build crawl.
MAX_RECORDS = 100_000


def record_files(root: Path, folder: Path, findings: list[Finding]) -> list[Path]:
    """The record files under `folder`, sorted; a folder named like a record is reported."""
    if not folder.is_dir():
        return []
    out: list[Path] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in SUFFIXES:
            continue
        name = rel(root, path)
        if has_control(name):
            findings.append(Finding("RB008", printable(name), 1, 1, "source.bad_name"))
            continue
        if path.is_dir():
            findings.append(Finding("RB008", name, 1, 1, "record.is_folder"))
            continue
        out.append(path)
        if len(out) >= MAX_RECORDS:
            findings.append(Finding("RB008", rel(root, folder), 1, 1, "record.too_many",
                                    {"limit": MAX_RECORDS}))  # fmt: skip
            break
    return out


def parse_record(root: Path, path: Path, findings: list[Finding]) -> Record | None:
    name = rel(root, path)
    text, problem = read_text(root, path)
    if problem:
        findings.append(problem)
        return None
    doc = load_yaml(text or "")
    findings.extend(Finding("RB008", name, p.line, p.column, p.key, p.args) for p in doc.problems)
    if doc.problems:
        return None
    if not isinstance(doc.data, dict):
        findings.append(Finding("RB008", name, 1, 1, "record.not_mapping"))
        return None
    f = Fields(doc.data, doc.positions, name, findings)
    procedure = f.ident("procedure", required=True)
    by = f.ident("by", required=True)
    status = f.text("status", required=True)
    day = f.date("date")
    if day is None and not f.has("date"):
        f.text("date", required=True)
    if isinstance(day, datetime):
        day = day.date()
    if not procedure or not by or not status or day is None:
        return None
    record = Record(
        procedure=procedure,
        date=day,
        by=by,
        status=status,
        pos=Pos(name),
        note=f.text("note"),
        positions=f.all_positions(),
    )
    record.unknown_keys = [(k, f.pos(k)) for k in f.data if k not in RECORD_KEYS]
    return record


def parse_records(root: Path, folder: Path, findings: list[Finding]) -> list[Record]:
    """Every readable record under `folder`, in date order (then file order)."""
    records = [
        r for path in record_files(root, folder, findings)
        if (r := parse_record(root, path, findings)) is not None
    ]  # fmt: skip
    return sorted(records, key=lambda r: (r.date, r.path))
