"""Compare two runbook models: procedures, team, vault metadata, lint findings, risks.

Everything here reads the model (and what lint and coverage derived from it);
nothing parses a file. Coverage days are compared in `cover.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..core.findings import ERROR, Finding
from ..core.order import procedure_key, procedure_order
from ..coverage.compute import Risk
from ..model import Procedure, Runbook
from ..model.vault_meta import VaultMeta
from ..vault.crypto import fingerprint

# Fields a reviewer must see change, in the order they are shown.
FIELDS = ("title", "service", "owner", "backup", "priority", "schedule", "credentials", "clients")
# Renamed with edits: bodies sharing this share of their lines pair up, when at most
# MAX_FUZZY_PAIRS (removed x added) are left to compare.
SIMILAR = 0.75
MAX_FUZZY_PAIRS = 40_000


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


@dataclass
class Pair:
    """The same procedure in both revisions (same id, or renamed)."""

    old: Procedure
    new: Procedure
    renamed: str = ""  # "" | "moved" (same id, another file) | "content" (new id, same text)
    changes: list[Change] = field(default_factory=list)
    body_changed: bool = False


@dataclass
class ProcedureDiff:
    added: list[Procedure]
    removed: list[Procedure]
    pairs: list[Pair]

    @property
    def renamed(self) -> list[Pair]:
        return [p for p in self.pairs if p.renamed]

    @property
    def changed(self) -> list[Pair]:
        return [p for p in self.pairs if p.changes]

    @property
    def edited(self) -> list[Pair]:
        """Only the text changed (steps, notes): listed, not detailed."""
        return [p for p in self.pairs if p.body_changed and not p.changes]

    def new_id(self) -> dict[str, str]:
        """Base id -> head id, for renamed procedures."""
        return {p.old.id: p.new.id for p in self.pairs}


def ranked(procs: list[Procedure]) -> list[Procedure]:
    return procedure_order(procs)


def field_value(proc: Procedure, name: str) -> object:
    """A field as compared: the schedule by what it means, lists as tuples."""
    value = getattr(proc, name)
    if name == "schedule":
        return value.rules
    return tuple(value) if isinstance(value, list) else value


def _pair(old: Procedure, new: Procedure, renamed: str = "") -> Pair:
    changes = [
        Change(name, getattr(old, name), getattr(new, name))
        for name in FIELDS
        if field_value(old, name) != field_value(new, name)
    ]
    return Pair(old, new, renamed, changes, old.body.strip() != new.body.strip())


def _unique(procs: list[Procedure], key) -> dict[object, Procedure]:
    counts = Counter(key(p) for p in procs)
    return {key(p): p for p in procs if counts[key(p)] == 1 and key(p)}


def _match_by(removed: list[Procedure], added: list[Procedure], key) -> list[Pair]:
    before, after = _unique(removed, key), _unique(added, key)
    return [_pair(before[k], after[k], "content") for k in before.keys() & after.keys()]


def _lines(proc: Procedure) -> frozenset[str]:
    return frozenset(line.strip() for line in proc.body.splitlines() if line.strip())


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of lines in common: cheap enough for every pair, and what "lightly edited" means."""
    return len(a & b) / max(len(a), len(b), 1)


def _fuzzy(removed: list[Procedure], added: list[Procedure]) -> list[Pair]:
    """Renamed and edited: the most similar body (by lines), when few are left to compare."""
    if not removed or not added or len(removed) * len(added) > MAX_FUZZY_PAIRS:
        return []
    old_lines, new_lines = [_lines(p) for p in removed], [_lines(p) for p in added]
    scored = sorted(
        (
            (_similarity(a, b), i, j)
            for i, a in enumerate(old_lines)
            for j, b in enumerate(new_lines)
        ),
        reverse=True,
    )
    used_old, used_new, pairs = set(), set(), []
    for ratio, i, j in scored:
        if ratio < SIMILAR:
            break
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append(_pair(removed[i], added[j], "content"))
    return pairs


def procedures(base: Runbook, head: Runbook) -> ProcedureDiff:
    """Added, removed, renamed (same id moved, or same content under a new id) and changed."""
    old_by_id = {p.id: p for p in base.procedures}
    new_by_id = {p.id: p for p in head.procedures}
    pairs = [
        _pair(old_by_id[i], new_by_id[i], "moved" if old_by_id[i].path != new_by_id[i].path else "")
        for i in old_by_id.keys() & new_by_id.keys()
    ]
    removed = [p for i, p in old_by_id.items() if i not in new_by_id]
    added = [p for i, p in new_by_id.items() if i not in old_by_id]
    for key in (lambda p: p.body.strip(), lambda p: p.title.strip().casefold()):
        found = _match_by(removed, added, key)
        pairs += found
        matched = {id(x) for pair in found for x in (pair.old, pair.new)}
        removed = [p for p in removed if id(p) not in matched]
        added = [p for p in added if id(p) not in matched]
    found = _fuzzy(removed, added)
    pairs += found
    matched = {id(x) for pair in found for x in (pair.old, pair.new)}
    removed = [p for p in removed if id(p) not in matched]
    added = [p for p in added if id(p) not in matched]
    pairs.sort(key=lambda p: procedure_key(p.new))
    return ProcedureDiff(ranked(added), ranked(removed), pairs)


# --- team -------------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceSpan:
    person: str
    start: date
    end: date


@dataclass
class TeamDiff:
    people_added: list[str]
    people_removed: list[str]
    absences_added: list[AbsenceSpan]
    absences_removed: list[AbsenceSpan]
    holidays_added: list[date]
    holidays_removed: list[date]
    workdays: tuple[tuple[int, ...], tuple[int, ...]] | None  # (before, after) when changed

    def __bool__(self) -> bool:
        return any(
            (self.people_added, self.people_removed, self.absences_added, self.absences_removed,
             self.holidays_added, self.holidays_removed, self.workdays)
        )  # fmt: skip


def team(base: Runbook, head: Runbook) -> TeamDiff:
    def spans(rb: Runbook) -> set[AbsenceSpan]:
        return {AbsenceSpan(a.person, a.start, a.end) for a in rb.team.absences}

    def order(items) -> list[AbsenceSpan]:
        return sorted(items, key=lambda a: (a.start, a.person, a.end))

    old, new = spans(base), spans(head)
    before, after = base.team.workdays, head.team.workdays
    return TeamDiff(
        people_added=sorted(head.team.people.keys() - base.team.people.keys()),
        people_removed=sorted(base.team.people.keys() - head.team.people.keys()),
        absences_added=order(new - old),
        absences_removed=order(old - new),
        holidays_added=sorted(head.team.holidays - base.team.holidays),
        holidays_removed=sorted(base.team.holidays - head.team.holidays),
        workdays=(tuple(before), tuple(after)) if tuple(before) != tuple(after) else None,
    )


# --- vault metadata ---------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    audience: str
    person: str


@dataclass(frozen=True)
class KeyEvent:
    """A change of who holds which key, and who signed it (None: nobody did).

    kinds: `created` and `removed` (an audience), `generation` (before -> after),
    `holder_added` and `holder_removed` (`person`), `rolled_back` (generation before
    -> after), `rewritten` (a history that does not extend the base's), `unsigned`
    (signatures removed), `key_changed`, `enrolled`, `unenrolled` (a person's public
    key) and `renamed` (a holder's display name, before -> after).
    """

    kind: str
    audience: str = ""
    person: str = ""
    by: str | None = None
    before: object = None
    after: object = None


@dataclass
class VaultDiff:
    """Who holds which audience, and which credentials exist: metadata only, never a value."""

    holders_added: list[Holder]
    holders_removed: list[Holder]
    added: list[str]  # credential ids
    removed: list[str]
    rotated: list[tuple[str, date | None, date | None]]  # id, rotated before, after
    changed: list[tuple[str, list[str]]]  # id, what changed: audience, label, url, fields
    keys: list[KeyEvent] = field(default_factory=list)  # every change of keys, with signers

    def __bool__(self) -> bool:
        return any((self.holders_added, self.holders_removed, self.added, self.removed,
                    self.rotated, self.changed, self.keys))  # fmt: skip

    def signer(self, holder: Holder, added: bool) -> str | None:
        """Who signed the step that added (or removed) this holder; None: nobody."""
        kind = "holder_added" if added else "holder_removed"
        return next((e.by for e in self.keys if e.kind == kind and e.audience == holder.audience
                     and e.person == holder.person), None)  # fmt: skip


def _holders(rb: Runbook) -> set[Holder]:
    return {Holder(c.audience, p) for c in rb.credentials.values() for p in c.holders}


def _steps(audience: str, old: VaultMeta, new: VaultMeta) -> list[KeyEvent]:
    """The key events of one audience from base to head: each signed step added, or what
    replaced the history when head's does not extend base's."""
    a, b = old.audiences.get(audience), new.audiences.get(audience)
    if b is None:
        return [KeyEvent("removed", audience)]
    if a is None:
        first = b.chain[0].by if b.chain else None
        out = [KeyEvent("created", audience, by=first, after=b.generation)]
        previous = None
        steps = b.chain
    elif b.chain[: len(a.chain)] == a.chain and (b.chain or not a.chain):
        out, previous, steps = [], (a.chain[-1] if a.chain else None), b.chain[len(a.chain) :]
    else:
        tip = b.chain[-1].by if b.chain else None
        if (b.generation or 0) < (a.generation or 0):
            kind = "rolled_back"
        else:
            kind = "unsigned" if not b.chain else "rewritten"
        return [KeyEvent(kind, audience, by=tip, before=a.generation, after=b.generation)]
    for step in steps:
        before = set(previous.holders) if previous else set()
        if previous is not None and step.generation != previous.generation:
            out.append(KeyEvent("generation", audience, by=step.by, before=previous.generation,
                                after=step.generation))  # fmt: skip
        out += [KeyEvent("holder_added", audience, p, step.by)
                for p in sorted(set(step.holders) - before)]  # fmt: skip
        out += [KeyEvent("holder_removed", audience, p, step.by)
                for p in sorted(before - set(step.holders))]  # fmt: skip
        previous = step
    held_before = set(a.holders()) if a is not None else set()
    signed = {(e.kind, e.person) for e in out}
    for person in sorted(set(b.holders()) - held_before):
        if ("holder_added", person) not in signed:
            out.append(KeyEvent("holder_added", audience, person))
    for person in sorted(held_before - set(b.holders())):
        if ("holder_removed", person) not in signed:
            out.append(KeyEvent("holder_removed", audience, person))
    return out


def key_events(base: Runbook, head: Runbook) -> list[KeyEvent]:
    """Every change of who holds which key, with who signed it; and changes of the people
    whose keys and names vouch for them (public keys, holders' display names)."""
    old, new = base.vault, head.vault
    out: list[KeyEvent] = []
    for audience in sorted(old.audiences.keys() | new.audiences.keys()):
        out += _steps(audience, old, new)
    for person in sorted(old.people.keys() | new.people.keys()):
        a, b = old.people.get(person), new.people.get(person)
        if a is None:
            out.append(KeyEvent("enrolled", person=person, after=fingerprint(b.public)))
        elif b is None:
            out.append(KeyEvent("unenrolled", person=person, before=fingerprint(a.public)))
        elif (a.public, a.former) != (b.public, b.former):
            out.append(KeyEvent("key_changed", person=person, before=fingerprint(a.public),
                                after=fingerprint(b.public)))  # fmt: skip
    holding = {p for aud in new.audiences.values() for p in aud.holders()}
    holding |= {p for aud in old.audiences.values() for p in aud.holders()}
    for person in sorted(holding):
        was, now = base.team.people.get(person), head.team.people.get(person)
        if was is not None and now is not None and was.name != now.name:
            out.append(KeyEvent("renamed", person=person, before=was.name, after=now.name))
    return out


def vault(base: Runbook, head: Runbook) -> VaultDiff:
    old, new = base.credentials, head.credentials
    rotated, changed = [], []
    for cred_id in sorted(old.keys() & new.keys()):
        a, b = old[cred_id], new[cred_id]
        if a.rotated != b.rotated:
            rotated.append((cred_id, a.rotated, b.rotated))
        what = [
            name for name in ("audience", "label", "url") if getattr(a, name) != getattr(b, name)
        ]
        if sorted(a.fields) != sorted(b.fields):
            what.append("fields")
        if what:
            changed.append((cred_id, what))
    order = lambda h: (h.audience, h.person)  # noqa: E731
    return VaultDiff(
        holders_added=sorted(_holders(head) - _holders(base), key=order),
        holders_removed=sorted(_holders(base) - _holders(head), key=order),
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        rotated=rotated,
        changed=changed,
        keys=key_events(base, head),
    )


# --- lint -------------------------------------------------------------------


@dataclass
class LintDiff:
    added: list[Finding]
    resolved: list[Finding]

    @property
    def errors_added(self) -> list[Finding]:
        return [f for f in self.added if f.severity == ERROR]


def lint(base: list[Finding], head: list[Finding], moved: dict[str, str], lang: str) -> LintDiff:
    """Findings compared by code, path and message, not line: editing above one keeps it.

    `moved` maps a renamed file's old path to its new one, so a finding that
    followed its procedure is neither resolved nor added.
    """

    def key(f: Finding, paths: dict[str, str]) -> tuple[str, str, str]:
        return (f.code, paths.get(f.path, f.path), f.message(lang))

    old = Counter(key(f, moved) for f in base)
    new = Counter(key(f, {}) for f in head)
    added_left, resolved_left = new - old, old - new
    added, resolved = [], []
    for f in head:
        k = key(f, {})
        if added_left[k] > 0:
            added_left[k] -= 1
            added.append(f)
    for f in base:
        k = key(f, moved)
        if resolved_left[k] > 0:
            resolved_left[k] -= 1
            resolved.append(f)
    errors_first = lambda f: (f.severity != ERROR, f.path, f.line, f.code)  # noqa: E731
    return LintDiff(sorted(added, key=errors_first), sorted(resolved, key=errors_first))


# --- single points of failure ------------------------------------------------


@dataclass
class Exposure:
    """People whose absence alone (or together) leaves these procedures with nobody."""

    people: tuple[str, ...]
    procedures: list[Procedure]
    new: bool  # these people were no single point of failure before (added) / are no more


@dataclass
class RiskDiff:
    added: list[Exposure]
    removed: list[Exposure]


def risks(base: list[Risk], head: list[Risk], new_id: dict[str, str]) -> RiskDiff:
    """Exposures (people -> procedure) that appear or disappear, grouped by people.

    A pair listed instead of one of its members (Ana alone -> Ana with Ben) is
    a change of size, not a new risk or a risk gone: only the smaller one counts.
    """
    old = {(r.people, new_id.get(p.id, p.id)): p for r in base for p in r.procedures}
    new = {(r.people, p.id): p for r in head for p in r.procedures}
    old_people = {r.people for r in base}
    new_people = {r.people for r in head}

    def covered_by(key: tuple[tuple[str, ...], str], other: dict) -> bool:
        people, proc_id = key
        return any(o_id == proc_id and set(o_people) <= set(people) for o_people, o_id in other)

    def group(keys, source, others: set) -> list[Exposure]:
        out: dict[tuple[str, ...], list[Procedure]] = {}
        for people, proc_id in keys:
            out.setdefault(people, []).append(source[(people, proc_id)])
        exposures = [Exposure(people, ranked(procs), people not in others)
                     for people, procs in out.items()]  # fmt: skip
        return sorted(exposures, key=lambda e: (len(e.people), e.people))

    added = [k for k in new.keys() - old.keys() if not covered_by(k, old)]
    removed = [k for k in old.keys() - new.keys() if not covered_by(k, new)]
    return RiskDiff(added=group(added, new, old_people), removed=group(removed, old, new_people))
