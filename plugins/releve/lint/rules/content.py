"""The lint rules: one small pure function per code, over the model.

Every rule has the same signature, `rule(runbook, today, settings)`, and yields
findings with the default severity of its code; the engine applies the
severities configured in mkdocs.yml and the per-file `releve_ignore`.
RB006, RB007 and RB008 come from the model itself (it reports what it cannot
read); RB009 lives in `secrets.py`, RB013 in `rule_coverage.py`, RB015 in
`codeowners.py`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from ...core.findings import Finding
from ...core.md_text import FENCED as _FENCED
from ...core.md_text import outside_code
from ...core.settings import Settings
from ...model import Pos, Procedure, Runbook
from ...model.clients import CLIENT_KEYS, CONTACT_KEYS, CONTRACT_KEYS
from ...model.procedures import PROCEDURE_KEYS
from ...model.team import ABSENCE_KEYS, PERSON_KEYS, TEAM_KEYS
from ...upkeep.deadlines import drill_due, review_due
from ..codes import DEFAULT_SEVERITY

Rule = Callable[[Runbook, date, Settings], Iterable[Finding]]

CRED_REF = re.compile(r"\[\[cred:([^\]\s]*)\]\]")


def finding(code: str, pos: Pos, message: str, /, **args: object) -> Finding:
    """A finding of `code` at `pos`, with the default severity of its code."""
    return Finding(code, pos.path, pos.line, pos.column, message, args, DEFAULT_SEVERITY[code])


def _team_is_broken(runbook: Runbook) -> bool:
    """When team.yml is missing or unreadable, unknown people would only repeat that finding."""
    return not runbook.team.people and any(
        f.path == runbook.team.pos.path for f in runbook.findings
    )


def _described(runbook: Runbook) -> Iterator[Procedure]:
    """Procedures with a readable front-matter: for the others the model already reported
    why, and rules about missing fields would only pile up on that finding."""
    return (proc for proc in runbook.procedures if proc.meta)


def _line_of(text: str, index: int) -> tuple[int, int]:
    """0-based line and 1-based column of a character index in `text`."""
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1


def rb001_no_backup(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    for proc in _described(runbook):
        if not proc.backup:
            where = "backup" if "backup" in proc.positions else "owner"
            yield finding("RB001", proc.pos_of(where), "lint.no_backup")


def rb002_backup_is_owner(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    for proc in runbook.procedures:
        seen: set[str] = set()
        for index, person in enumerate(proc.backup):
            if person == proc.owner:
                yield finding(
                    "RB002", proc.pos_of("backup", index), "lint.backup_is_owner", person=person
                )
            elif person in seen:
                yield finding(
                    "RB002", proc.pos_of("backup", index), "lint.backup_twice", person=person
                )
            seen.add(person)


def rb003_unknown_person(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    if _team_is_broken(runbook):
        return
    people = runbook.team.people
    team = settings.team_file
    for proc in runbook.procedures:
        if proc.owner and proc.owner not in people:
            yield finding(
                "RB003",
                proc.pos_of("owner"),
                "lint.unknown_person",
                person=proc.owner,
                key="owner",
                team=team,
            )
        for index, person in enumerate(proc.backup):
            if person not in people:
                yield finding(
                    "RB003",
                    proc.pos_of("backup", index),
                    "lint.unknown_person",
                    person=person,
                    key="backup",
                    team=team,
                )
    for person, pos in zip(runbook.team.escalation, runbook.team.escalation_pos, strict=False):
        if person not in people:
            yield finding("RB003", pos, "lint.unknown_person", person=person,
                          key="escalation", team=team)  # fmt: skip
    for absence in runbook.team.absences:
        if absence.person not in people:
            yield finding(
                "RB003",
                absence.pos,
                "lint.unknown_person",
                person=absence.person,
                key="absences",
                team=team,
            )


def rb004_unknown_client(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    for proc in runbook.procedures:
        for index, client in enumerate(proc.clients):
            if client not in runbook.clients:
                yield finding(
                    "RB004",
                    proc.pos_of("clients", index),
                    "lint.unknown_client",
                    client=client,
                    dir=settings.clients_dir,
                )


def rb005_unknown_credential(
    runbook: Runbook, today: date, settings: Settings
) -> Iterator[Finding]:
    vault = settings.vault_file
    no_vault = not runbook.credentials and not (runbook.root / vault).exists()
    key = "lint.unknown_credential_no_vault" if no_vault else "lint.unknown_credential"
    for proc in runbook.procedures:
        for index, cred in enumerate(proc.credentials):
            if cred not in runbook.credentials:
                yield finding(
                    "RB005", proc.pos_of("credentials", index), key, credential=cred, vault=vault
                )
    pages: list = [*runbook.procedures, *runbook.clients.values()]
    for page in pages:
        if "[[cred:" not in page.body:
            continue
        for match in CRED_REF.finditer(outside_code(page.body)):
            cred = match.group(1).strip()
            if cred not in runbook.credentials:
                line, column = _line_of(page.body, match.start())
                pos = Pos(page.path, page.body_line + line, column)
                yield finding("RB005", pos, key, credential=cred, vault=vault)


def rb010_review_overdue(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    for proc in _described(runbook):
        due = review_due(proc, today, settings)
        if not due.overdue:
            continue
        if due.last is None:
            if "reviewed" not in proc.meta:  # a wrong value is already RB008
                yield finding(
                    "RB010", proc.pos_of("title"), "lint.never_reviewed", today=today.isoformat()
                )
            continue
        yield finding(
            "RB010",
            proc.pos_of("reviewed"),
            "lint.review_overdue",
            due=due.due,  # dates are written in words for the reader (i18n.formats)
            reviewed=due.last,
            every=due.every,
        )


def rb011_drill_overdue(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    for proc in _described(runbook):
        due = drill_due(proc, today, settings)
        if due is None or not due.overdue:
            continue
        if due.last is None:
            if "last_drill" not in proc.meta:  # a wrong value is already RB008
                yield finding("RB011", proc.pos_of("priority"), "lint.never_drilled")
            continue
        yield finding(
            "RB011",
            proc.pos_of("last_drill") if proc.last_drill == due.last else proc.pos_of("priority"),
            "lint.drill_overdue",
            last=due.last,
            every=due.every,
        )


_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def prose(markdown: str) -> str:
    """The body without fenced code blocks and HTML comments: what a reader reads as text.

    A page's length is its prose (RB012): a long log excerpt or script in a code block
    is reference material, not steps to read.
    """
    return _COMMENT.sub(" ", _FENCED.sub(" ", markdown))


def count_words(markdown: str) -> int:
    """Words of prose as a reader counts them: whitespace-separated, holding a letter or a
    digit, outside code blocks and comments."""
    return sum(1 for token in prose(markdown).split() if any(ch.isalnum() for ch in token))


def rb012_too_long(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    limit = settings.max_words
    for proc in runbook.procedures:
        body = proc.body
        if body.count(" ") + body.count("\n") + body.count("\t") < limit:  # too few separators
            continue
        words = count_words(proc.body)
        if words > limit:
            pos = Pos(proc.path, proc.body_line, 1)
            yield finding("RB012", pos, "lint.too_long", words=words, max=limit)


def _unknown(pos: Pos, key: str, known: set[str]) -> Finding:
    hint = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    if hint:
        return finding("RB014", pos, "lint.unknown_key_hint", key=key, hint=hint[0])
    return finding("RB014", pos, "lint.unknown_key", key=key)


def rb014_unknown_key(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    team = runbook.team
    for key, pos in team.unknown_keys:
        yield _unknown(pos, key, TEAM_KEYS)
    for person in team.people.values():
        for key, pos in person.unknown_keys:
            yield _unknown(pos, key, PERSON_KEYS)
    for absence in team.absences:
        for key, pos in absence.unknown_keys:
            yield _unknown(pos, key, ABSENCE_KEYS)
    for proc in runbook.procedures:
        for key, pos in proc.unknown_keys:
            yield _unknown(pos, key, PROCEDURE_KEYS)
    client_keys = CLIENT_KEYS | CONTACT_KEYS | CONTRACT_KEYS
    for client in runbook.clients.values():
        for key, pos in client.unknown_keys:
            yield _unknown(pos, key, client_keys)
