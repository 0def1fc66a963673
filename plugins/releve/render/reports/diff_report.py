"""Views of a `RunbookDiff`: the verdict, JSON, plain text and pull-request Markdown.

The verdict comes first everywhere: one line a reviewer reads before
anything else ("2 urgent procedures lose cover on 5 days", "No effect on
coverage"). Markdown is rendered by an autoescaped Jinja template with
folding sections; text and JSON are built here from the same data.
"""

from __future__ import annotations

import json
import re
from datetime import date

from markupsafe import Markup

from ...core.days import day_runs
from ...core.findings import Finding, terminal
from ...core.order import natural_key, title_key
from ...coverage.cover_rule import GAP, NO_ACCESS
from ...diff.changes import RunbookDiff
from ...i18n import Translator, t
from ...i18n.formats import format_period
from ...model import Procedure
from ..templates import md_text, render

STATUSES = (GAP, NO_ACCESS)


def calendar(diff: RunbookDiff) -> list[date]:
    """Working days of either revision over the period: what "consecutive" means for spans."""
    return sorted(set(diff.base.coverage.days) | set(diff.head.coverage.days))


def span_text(days: list[date], workdays: list[date], lang: str) -> str:
    """Runs of days in words, `21–24 déc. 2026; 4 janv. 2027` (`;`: English dates hold commas)."""
    separator = t(lang, "diff.separator")
    return separator.join(format_period(a, b, lang) for a, b in day_runs(days, workdays))


def md_ticks(text: str) -> Markup:
    """A message for Markdown: prose escaped, its `code` parts kept as code spans.

    Inside a code span nothing is HTML or Markdown, so only line breaks (which
    could end the span's paragraph) are taken out.
    """
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code span at all
        return md_text(text)
    return Markup("".join(
        md_text(part) if index % 2 == 0 else "`" + " ".join(part.splitlines()) + "`"
        for index, part in enumerate(parts)
    ))  # fmt: skip


def verdict(diff: RunbookDiff, _: Translator) -> str:
    """One line: the effect on coverage, then new single points of failure and lint errors."""
    urgent = diff.cover.urgent_losing()
    if urgent:
        days = _("diff.days", n=len(diff.urgent_lost_days()))
        parts = [_("diff.verdict.urgent_lose", n=len(urgent), days=days)]
    elif diff.cover.losing:
        days = _("diff.days", n=len(diff.lost_days()))
        parts = [_("diff.verdict.lose", n=len(diff.cover.losing), days=days)]
    elif diff.cover.gaining:
        days = _("diff.days", n=len(diff.gained_days()))
        parts = [_("diff.verdict.gain", n=len(diff.cover.gaining), days=days)]
    else:
        parts = [_("diff.verdict.no_effect")]
    if diff.risks.added:  # the count is the list's: every exposure the change adds
        parts.append(_("diff.verdict.spof", n=len(diff.risks.added)))
    if diff.lint.errors_added:
        parts.append(_("diff.verdict.lint_errors", n=len(diff.lint.errors_added)))
    return _("diff.separator").join(parts)


def _proc(p: Procedure) -> dict:
    return {"id": p.id, "title": p.title, "path": p.path, "priority": p.priority,
            "owner": p.owner or None, "backup": list(p.backup)}  # fmt: skip


def _value(field: str, value: object) -> object:
    if field == "schedule":
        return value.text  # type: ignore[attr-defined]
    return list(value) if isinstance(value, list) else value


def _days(days: list[date]) -> list[str]:
    return [d.isoformat() for d in days]


def _finding(f: Finding, lang: str) -> dict:
    return f.as_dict(lang)


def as_json(diff: RunbookDiff, _: Translator) -> dict:
    """Everything the diff found, for tools; dates ISO, people and procedures by id."""
    p, lang = diff.procedures, _.lang
    return {
        "base": {"revision": diff.base.revision.label, "commit": diff.base.revision.sha},
        "head": {"revision": diff.head.revision.label, "commit": diff.head.revision.sha},
        "from": diff.start.isoformat(),
        "to": diff.end.isoformat(),
        "verdict": verdict(diff, _),
        "blocking": diff.blocking,
        "procedures": {
            "added": [_proc(x) for x in p.added],
            "removed": [_proc(x) for x in p.removed],
            "renamed": [
                {
                    "from": {"id": x.old.id, "path": x.old.path},
                    "to": {"id": x.new.id, "path": x.new.path},
                    "how": x.renamed,
                }
                for x in p.renamed
            ],
            "changed": [
                {
                    "id": x.new.id,
                    "path": x.new.path,
                    "changes": {
                        c.field: {"from": _value(c.field, c.before), "to": _value(c.field, c.after)}
                        for c in x.changes
                    },
                }
                for x in p.changed
            ],
            "edited": [x.new.id for x in p.edited],
        },
        "coverage": {
            "procedures": [
                {
                    "procedure": c.proc.id,
                    "priority": c.proc.priority,
                    "new": c.added,
                    "lost": {s: _days(c.lost.get(s, [])) for s in STATUSES},
                    "gained": {s: _days(c.gained.get(s, [])) for s in STATUSES},
                }
                for c in diff.cover.procedures
            ],
            "people": [
                {
                    "person": x.person,
                    "takes_over": x.takes_over,
                    "hands_back": x.hands_back,
                    "owned_days_lost": x.lost,
                    "owned_days_gained": x.gained,
                }
                for x in diff.cover.people
            ],
        },
        "single_points_of_failure": {
            kind: [
                {
                    "people": list(e.people),
                    "procedures": [x.id for x in e.procedures],
                    "new" if kind == "added" else "gone": e.new,
                }
                for e in exposures
            ]
            for kind, exposures in (("added", diff.risks.added), ("removed", diff.risks.removed))
        },
        "lint": {
            "added": [_finding(f, lang) for f in diff.lint.added],
            "resolved": [_finding(f, lang) for f in diff.lint.resolved],
        },
        "team": {
            "people_added": diff.team.people_added,
            "people_removed": diff.team.people_removed,
            "absences_added": [_absence(a) for a in diff.team.absences_added],
            "absences_removed": [_absence(a) for a in diff.team.absences_removed],
            "holidays_added": _days(diff.team.holidays_added),
            "holidays_removed": _days(diff.team.holidays_removed),
        },
        "vault": {
            "holders_added": [
                {"audience": h.audience, "person": h.person} for h in diff.vault.holders_added
            ],
            "holders_removed": [
                {"audience": h.audience, "person": h.person} for h in diff.vault.holders_removed
            ],
            "credentials_added": diff.vault.added,
            "credentials_removed": diff.vault.removed,
            "credentials_rotated": [
                {"id": i, "from": a.isoformat() if a else None, "to": b.isoformat() if b else None}
                for i, a, b in diff.vault.rotated
            ],
            "credentials_changed": [{"id": i, "what": what} for i, what in diff.vault.changed],
            "keys": [_key_event(e) for e in diff.vault.keys],
        },
    }


def _key_event(e) -> dict:
    """A change of keys for tools: people by id, `by` null when nobody signed it."""
    out = {"kind": e.kind, "audience": e.audience or None, "person": e.person or None,
           "by": e.by, "from": e.before, "to": e.after}  # fmt: skip
    return {k: v for k, v in out.items() if v is not None or k == "by"}


def key_text(e, who, _: Translator) -> str:
    """One change of keys in words, people as "Name (id)", and who signed it."""
    by = who(e.by) if e.by else _("diff.key.nobody")
    args = {"audience": e.audience, "person": who(e.person) if e.person else "", "by": by,
            "before": "" if e.before is None else e.before,
            "after": "" if e.after is None else e.after}  # fmt: skip
    return _("diff.key." + e.kind, **args)


def _absence(a) -> dict:
    return {"person": a.person, "from": a.start.isoformat(), "to": a.end.isoformat()}


def json_view(diff: RunbookDiff, _: Translator) -> str:
    return json.dumps(as_json(diff, _), ensure_ascii=False, indent=2) + "\n"


def revision_label(diff: RunbookDiff, side: str, _: Translator) -> str:
    rev = getattr(diff, side).revision
    if rev.sha is None:
        return _("diff.working_tree")
    return f"{rev.label} ({rev.short})" if not rev.sha.startswith(rev.label) else rev.short


PEOPLE_FIELDS = ("owner", "backup")


def change_text(field: str, value: object, _: Translator, name=str) -> str:
    """A field value as a reviewer reads it: people by name, lists joined, the schedule as
    written."""
    if field == "schedule":
        return _("diff.on_demand") if value.on_demand else value.text  # type: ignore[attr-defined]
    if field == "priority" and value:
        return _.label("priority", str(value))
    if field in PEOPLE_FIELDS and value:
        value = [name(x) for x in value] if isinstance(value, list) else name(str(value))
    if isinstance(value, list):
        return ", ".join(value) if value else "—"
    return str(value) if value not in (None, "") else "—"


def in_title_order(procs) -> list[Procedure]:
    return sorted(procs, key=title_key)


def context(diff: RunbookDiff, _: Translator) -> dict:
    """What both the text and the Markdown views print, already in words."""
    workdays = calendar(diff)
    return {
        "diff": diff,
        "verdict": verdict(diff, _),
        "base": revision_label(diff, "base", _),
        "head": revision_label(diff, "head", _),
        "when": lambda days: span_text(days, workdays, _.lang),
        "value": lambda field, value: change_text(field, value, _, diff.name),
        "name": diff.name,
        "who": diff.who,
        "key_text": lambda e: key_text(e, diff.who, _),
        "names": lambda people: " + ".join(diff.name(x) for x in people),
        "title_of": lambda pid: diff.procedure(pid).title if diff.procedure(pid) else pid,
        "status": lambda s: _("diff.status." + s),
        "colon": _("diff.colon"),
        "md_ticks": md_ticks,
        # text view: titles in their natural order, each with its task-days ("jour 7" first)
        "titles": lambda procs: _("diff.separator").join(p.title for p in in_title_order(procs)),
        "tasks": lambda by_id: _tasks(diff, by_id, _),
    }


def markdown_view(diff: RunbookDiff, _: Translator) -> str:
    return pull_request_safe(render("diff/diff.md.j2", _.lang, **context(diff, _)))


_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def pull_request_safe(markdown: str) -> str:
    """The Markdown a pull request shows, unable to notify anyone or act in CI: an `@`
    outside code spans gets a zero-width space after it (`@&#8203;team`: shown as typed,
    no mention), and no line can be read as a workflow command (`terminal`)."""
    lines = []
    for line in markdown.split("\n"):
        parts = line.split("`")
        if len(parts) % 2 == 1:  # code spans paired: outside them only
            line = "`".join(
                _MENTION.sub("@&#8203;", part) if i % 2 == 0 else part
                for i, part in enumerate(parts)
            )  # fmt: skip
        else:
            line = _MENTION.sub("@&#8203;", line)
        lines.append(terminal(line) if line.lstrip().startswith("::") else line)
    return "\n".join(lines)


def text_view(diff: RunbookDiff, _: Translator) -> str:
    """Plain text for a terminal (templates/diff/diff.txt.j2): the verdict, then sections;
    every line as a command prints it (`core.findings.terminal`)."""
    text = render("diff/diff.txt.j2", _.lang, **context(diff, _))
    return "\n".join(terminal(line) for line in text.split("\n"))


def _tasks(diff: RunbookDiff, by_id: dict[str, int], _: Translator) -> str:
    """Procedures taken over or handed back, by title in natural order, with their days."""
    procs = {pid: diff.procedure(pid) for pid in by_id}

    def key(pid: str) -> tuple:
        proc = procs[pid]
        return title_key(proc) if proc is not None else (natural_key(pid), pid)

    return _("diff.separator").join(
        f"{procs[pid].title if procs[pid] else pid} ({_('diff.days', n=by_id[pid])})"
        for pid in sorted(by_id, key=key)
    )
