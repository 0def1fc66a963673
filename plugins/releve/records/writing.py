"""A new record file: where it goes and what it says.

`releve done` writes it; the site's "Mark as done" link pre-fills the same
path and text on the git host, so a record made either way looks the same.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from ..core.atomic import write_atomic


@dataclass(frozen=True)
class RecordFile:
    path: str  # relative to the runbook root, POSIX
    text: str


def record_path(records_dir: str, procedure: str, day: date, person: str, taken: set[str]) -> str:
    """`records/YYYY/YYYY-MM-DD-<procedure>-<person>.yml`, `-2`, `-3`... when taken."""
    base = f"{records_dir.strip('/')}/{day.year:04d}/{day.isoformat()}-{procedure}-{person}"
    path, n = f"{base}.yml", 1
    while path in taken:
        n += 1
        path = f"{base}-{n}.yml"
    return path


def name_suffix(path: str, procedure: str, day: date, person: str) -> int:
    """Which of `record_path`'s names a record file has: 1 (no suffix), n (`-n`), 0 (another)."""
    name = path.rsplit("/", 1)[-1]
    base = f"{day.isoformat()}-{procedure}-{person}"
    if name == f"{base}.yml":
        return 1
    rest = name.removeprefix(f"{base}-").removesuffix(".yml")
    return int(rest) if name.startswith(f"{base}-") and name.endswith(".yml") and rest.isdigit() \
        and rest.isascii() and rest[0] != "0" else 0  # fmt: skip


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    yaml.width = 4096
    return yaml


def record_text(procedure: str, day: date, person: str, status: str, note: str | None) -> str:
    """The record as YAML, keys in the documented order; the note quoted safely."""
    data = {"procedure": procedure, "date": day, "by": person, "status": status}
    if note:
        data["note"] = note
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def quoted_ids(ids: list[str]) -> set[str]:
    """The ids `record_text` writes in quotes (those YAML would read as a number, a date...),
    found in one pass: the site's "Mark as done" writes the same text in the browser."""
    new = [i for i in dict.fromkeys(ids) if i not in _QUOTED]
    if new:
        out = io.StringIO()
        _yaml().dump(new, out)
        lines = out.getvalue().splitlines()
        if len(lines) == len(new):  # one line each (ids are one-line names)
            _QUOTED.update((i, line != f"- {i}") for i, line in zip(new, lines, strict=True))
        else:
            return {i for i in ids if _quoted_alone(i)}
    return {i for i in ids if _QUOTED[i]}


# id -> quoted by `record_text`: the answer never changes, and `releve serve` asks for
# 2,000 ids on every rebuild.
_QUOTED: dict[str, bool] = {}


def _quoted_alone(ident: str) -> bool:
    out = io.StringIO()
    _yaml().dump([ident], out)
    return out.getvalue() != f"- {ident}\n"


def new_record(root: Path, records_dir: str, procedure: str, day: date, person: str,
               status: str, note: str | None = None) -> RecordFile:  # fmt: skip
    """The next free record file for that task, day and person (nothing is written)."""
    folder = root / records_dir / f"{day.year:04d}"
    taken = (
        {f"{records_dir.strip('/')}/{day.year:04d}/{p.name}" for p in folder.iterdir()}
        if folder.is_dir() else set()
    )  # fmt: skip
    return RecordFile(
        record_path(records_dir, procedure, day, person, taken),
        record_text(procedure, day, person, status, note),
    )


MAX_NOTE = 1_000  # characters: a record's note is a sentence or two, not a report


def write_record(root: Path, records_dir: str, procedure: str, day: date, person: str,
                 status: str, note: str | None = None) -> str:  # fmt: skip
    """Write the next free record file and return its path (relative to `root`).

    The file appears whole or not at all, and never replaces another record
    (`write_atomic(..., exclusive=True)`): when a parallel `releve done` took the
    name first, the next suffix is tried.
    """
    for _ in range(100):
        entry = new_record(root, records_dir, procedure, day, person, status, note)
        try:
            write_atomic(root / entry.path, entry.text, exclusive=True)
        except FileExistsError:
            continue
        return entry.path
    raise FileExistsError(str(root / records_dir))
