"""Parse one procedure page (procedures/**/*.md) into a `Procedure`."""

from __future__ import annotations

from pathlib import Path

from ..core.findings import Finding
from .fields import ID_RE, Fields, id_from_file_name, safe_id
from .schedule import ON_DEMAND, Schedule, ScheduleError, parse_schedule
from .sources import read_text, rel, split_page
from .types import PRIORITIES, Pos, Procedure

PROCEDURE_KEYS = {
    "title", "id", "service", "clients", "owner", "backup", "priority", "sla", "frequency",
    "success_criteria", "credentials", "reviewed", "review_every", "last_drill", "tags",
    "schedule", "releve_ignore",
}  # fmt: skip


def parse_procedure(root: Path, path: Path, findings: list[Finding]) -> Procedure | None:
    name = rel(root, path)
    default_id = id_from_file_name(path.stem)
    text, problem = read_text(root, path)
    if problem:
        findings.append(problem)
        return None
    page = split_page(text or "", name)
    findings.extend(page.findings)
    data = page.meta.data
    if data is not None and not isinstance(data, dict):
        findings.append(Finding("RB008", name, 2, 1, "source.frontmatter_not_mapping"))
        data = {}
    broken = page.meta.data is None and bool(page.findings)
    f = Fields(data or {}, page.meta.positions, name, findings, report_missing=not broken)
    proc_id = f.ident("id") or default_id
    if not ID_RE.match(proc_id):
        findings.append(Finding("RB006", name, 1, 1, "field.bad_file_id", {"value": proc_id}))
        proc_id = safe_id(path.stem)
    proc = Procedure(
        id=proc_id,
        title=f.text("title", required=True) or path.stem,
        source=path,
        pos=Pos(name),
        body=page.body,
        body_line=page.body_line,
        service=f.ident("service", required=True) or "",
        clients=f.text_list("clients"),
        owner=f.ident("owner", required=True) or "",
        backup=f.text_list("backup"),
        priority=f.choice("priority", PRIORITIES, required=True) or "",
        sla=f.text("sla"),
        frequency=f.text("frequency"),
        schedule=_schedule(f, findings),
        success_criteria=f.text_list("success_criteria", required=True),
        credentials=f.text_list("credentials"),
        reviewed=f.date("reviewed"),
        review_every=f.integer("review_every", minimum=1),
        last_drill=f.date("last_drill"),
        tags=f.text_list("tags"),
        meta=dict(f.data),
        positions=f.all_positions(),
    )
    proc.unknown_keys = [(k, f.pos(k)) for k in f.data if k not in PROCEDURE_KEYS]
    return proc


def _schedule(f: Fields, findings: list[Finding]) -> Schedule:
    """The `schedule` key; unreadable text is RB008 at its line, listing the forms."""
    text = f.text("schedule")
    if text is None:
        return ON_DEMAND
    try:
        return parse_schedule(text)
    except ScheduleError as err:
        p = f.pos("schedule")
        findings.append(
            Finding("RB008", f.path, p.line, p.column, "field.bad_schedule",
                    {"part": err.part[:60]})
        )  # fmt: skip
        return ON_DEMAND
