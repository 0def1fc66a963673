"""Parse team.yml: people, roles, absences, working days and holidays."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from ..core.days import weekday
from ..core.findings import Finding
from .fields import Fields, date_in_range
from .sources import read_text
from .types import Absence, Person, Pos, Team
from .yamlsource import load_yaml

TEAM_KEYS = {"workdays", "holidays", "people", "absences", "roles", "escalation"}
PERSON_KEYS = {"id", "name", "email", "github", "phone", "roles", "example"}
ABSENCE_KEYS = {"person", "from", "to", "note"}


def parse_team(root: Path, path: Path, findings: list[Finding]) -> Team:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    team = Team(pos=Pos(name))
    if not path.exists():
        findings.append(Finding("RB006", name, 1, 1, "team.missing"))
        return team
    text, problem = read_text(root, path)
    if problem:
        findings.append(problem)
        return team
    doc = load_yaml(text or "")
    findings.extend(Finding("RB008", name, p.line, p.column, p.key, p.args) for p in doc.problems)
    if doc.data is None:
        return team
    if not isinstance(doc.data, dict):
        findings.append(Finding("RB008", name, 1, 1, "team.not_mapping"))
        return team
    f = Fields(doc.data, doc.positions, name, findings)
    team.unknown_keys = _unknown(f, TEAM_KEYS)

    days = f.text_list("workdays")
    if days:
        # The names schedules read too (`weekly lundi`): English or French, full or short.
        known = [weekday(d) for d in days]
        if None in known:
            f.wrong_type("workdays", "mon, tue, wed, thu, fri, sat, sun (or lun ... dim)")
        team.workdays = tuple(sorted({d for d in known if d is not None}))
    holidays = set()
    for index, value in f.items("holidays"):
        if isinstance(value, date) and not isinstance(value, datetime) and date_in_range(value):
            holidays.add(value)
        else:
            f.wrong_type(f"holidays[{index}]", "date YYYY-MM-DD")
    team.holidays = frozenset(holidays)

    for index, item in f.items("people"):
        p = f.sub(f"people[{index}]", item)
        if not isinstance(item, dict):
            f.wrong_type(f"people[{index}]", "mapping")
            continue
        pid = p.ident("id", required=True)
        if not pid:
            continue
        if pid in team.people:
            pos = p.pos("id")
            findings.append(Finding("RB007", name, pos.line, pos.column, "dup.person", {"id": pid}))
            continue
        team.people[pid] = Person(
            id=pid,
            name=p.text("name", required=True) or pid,
            pos=p.pos("id"),
            email=p.text("email"),
            github=_github(p),
            phone=p.text("phone"),
            roles=p.text_list("roles"),
            example=p.data.get("example") is True,
        )
        team.people[pid].unknown_keys = _unknown(p, PERSON_KEYS)

    # Display names of role ids ("comptabilite: Comptabilité"), shown wherever a role is.
    names = f.sub("roles", f.mapping("roles"))
    for role in names.data:
        label = names.text(str(role))
        if label:
            team.role_names[str(role)] = label

    # Who to call when nobody present can do a task; unknown ids are RB003 (the lint).
    for index, value in enumerate(f.text_list("escalation")):
        team.escalation.append(value)
        team.escalation_pos.append(f.pos(f"escalation[{index}]"))

    for index, item in f.items("absences"):
        a = f.sub(f"absences[{index}]", item)
        if not isinstance(item, dict):
            f.wrong_type(f"absences[{index}]", "mapping")
            continue
        person = a.ident("person", required=True)
        start, end = a.date("from"), a.date("to")
        if start is None and not a.has("from"):
            a.text("from", required=True)
        if end is None and not a.has("to"):
            end = start  # a one-day absence may omit `to`
        if not person or start is None or end is None:
            continue
        if end < start:
            pos = a.pos("to")
            findings.append(Finding("RB006", name, pos.line, pos.column, "absence.reversed"))
            continue
        absence = Absence(person, start, end, a.pos("person"), a.text("note"))
        absence.unknown_keys = _unknown(a, ABSENCE_KEYS)
        team.absences.append(absence)
    return team


# GitHub's rule for user names: letters, digits and single hyphens, not at either end,
# at most 39 characters. Anything else could add lines to CODEOWNERS.
GITHUB_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\Z")


def _github(p: Fields) -> str | None:
    """The GitHub handle without its `@`, or None (reported) when GitHub would refuse it."""
    value = p.text("github")
    if value is None:
        return None
    handle = value.removeprefix("@")
    if not GITHUB_RE.match(handle):
        p.report("RB008", "github", "field.bad_github")
        return None
    return handle


def _unknown(f: Fields, known: set[str]) -> list[tuple[str, Pos]]:
    return [(k, f.pos(k)) for k in f.data if k not in known]
