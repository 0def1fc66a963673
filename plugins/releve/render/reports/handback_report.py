"""`releve handback` as text, Markdown or JSON: one `Handback`, three views.

The person page's "While you were away" section reads the same `Handback`
(`records.handback`), so the command and the site list the same items.
"""

from __future__ import annotations

import json

from ...core.findings import escape_controls
from ...i18n import Translator
from ...model import Runbook
from ...records.handback import Handback, HandbackItem
from ..templates import render


def item_json(item: HandbackItem) -> dict:
    record = item.record
    return {
        "date": item.day.isoformat(),
        "procedure": item.procedure.id,
        "title": item.procedure.title,
        "expected_by": item.cover.by,
        "cover_status": item.cover.status,
        "state": item.state,
        "record": None if record is None else {
            "by": record.by, "status": record.status, "note": record.note,
            "path": record.path,
        },
    }  # fmt: skip


def as_json(handback: Handback) -> str:
    data = {
        "person": handback.person,
        "from": handback.start.isoformat(),
        "to": handback.end.isoformat(),
        "attention": [item_json(i) for i in handback.attention],
        "days": [
            {"date": d.day.isoformat(), "items": [item_json(i) for i in d.items]}
            for d in handback.days
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _context(runbook: Runbook, handback: Handback, _: Translator) -> dict:
    def name(pid: str | None) -> str:
        return runbook.team.name_of(pid) if pid else ""

    return {"h": handback, "name": name, "person": name(handback.person)}


def as_text(runbook: Runbook, handback: Handback, lang: str) -> str:
    """For a terminal: every value from the runbook with its control characters shown."""
    _ = Translator(lang)
    text = render("reports/handback.txt.j2", lang, **_context(runbook, handback, _))
    return "\n".join(escape_controls(line) for line in text.splitlines())


def as_markdown(runbook: Runbook, handback: Handback, lang: str) -> str:
    _ = Translator(lang)
    return render("reports/handback.md.j2", lang, **_context(runbook, handback, _))
