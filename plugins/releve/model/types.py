"""The runbook model: plain typed data, parsed once, read by every view.

Every parsed field remembers where it came from (`Pos`), so lint findings,
build warnings and CLI errors can name the file and line a user must edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from ..core.findings import Finding
from ..core.order import ids_in_name_order, people_order, procedure_order
from .schedule import ON_DEMAND, Schedule
from .vault_meta import VaultMeta

PRIORITIES = ("urgent", "important", "planned")


@dataclass(frozen=True)
class Pos:
    """A position in a source file; `path` is relative to the runbook root, line/column 1-based."""

    path: str
    line: int = 1
    column: int = 1


class Positions(Mapping[str, Pos]):
    """Where each front-matter key and list item of one file is: `Pos` made on demand.

    A page has dozens of positions and a run reads a few of them (where a finding
    points); keeping (line, column) pairs makes parsing, and reading a page back from
    the source cache (`model/source_cache.py`), several times cheaper.
    """

    __slots__ = ("_raw", "path")

    def __init__(self, path: str, raw: dict[str, tuple[int, int]]) -> None:
        self.path = path
        self._raw = raw

    def __getitem__(self, key: str) -> Pos:
        line, column = self._raw[key]
        return Pos(self.path, line, column)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"Positions({self.path!r}, {self._raw!r})"

    def __reduce__(self) -> tuple:
        return (Positions, (self.path, self._raw))


@dataclass
class Person:
    id: str
    name: str
    pos: Pos
    email: str | None = None
    github: str | None = None
    phone: str | None = None  # shown as a tel: link wherever the person is named
    roles: list[str] = field(default_factory=list)
    example: bool = False  # `example: true`: written by `releve init`, to replace (RB023)
    unknown_keys: list[tuple[str, Pos]] = field(default_factory=list)


@dataclass
class Absence:
    person: str
    start: date
    end: date  # inclusive
    pos: Pos
    note: str | None = None
    unknown_keys: list[tuple[str, Pos]] = field(default_factory=list)

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Team:
    pos: Pos
    people: dict[str, Person] = field(default_factory=dict)
    absences: list[Absence] = field(default_factory=list)
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0, as date.weekday()
    holidays: frozenset[date] = frozenset()
    role_names: dict[str, str] = field(default_factory=dict)  # role id -> display name
    # Who to call, in order, when nobody present can do a task (team.yml `escalation`).
    escalation: list[str] = field(default_factory=list)
    escalation_pos: list[Pos] = field(default_factory=list)  # one per entry, for RB003
    unknown_keys: list[tuple[str, Pos]] = field(default_factory=list)

    def name_of(self, person_id: str) -> str:
        """Display name of a person id, else the id itself (someone not in team.yml: RB003).

        Every view names people through this, so an unknown id reads the same everywhere."""
        person = self.people.get(person_id)
        return person.name if person else person_id

    def names_of(self, person_ids: list[str], sep: str = ", ") -> str:
        """Display names of `person_ids`, in the order given (order of call, for backups)."""
        return sep.join(self.name_of(pid) for pid in person_ids)

    def in_order(self) -> list[Person]:
        """Everyone in team.yml, by display name (core.order: Élodie among the Es)."""
        return people_order(self.people.values())

    def ids_in_order(self, person_ids: Iterable[str]) -> list[str]:
        """`person_ids` (known or not) in the same order as `in_order`."""
        return ids_in_name_order(person_ids, self.name_of)

    def role_name(self, role: str) -> str:
        """Display name of a role id (team.yml `roles:`), else the id itself."""
        return self.role_names.get(role, role)

    def absences_of(self, person_id: str) -> list[Absence]:
        return [a for a in self.absences if a.person == person_id]

    @cached_property
    def away_spans(self) -> dict[str, list[tuple[date, date]]]:
        """Each person's absences as sorted, merged periods: overlapping, nested and
        back-to-back ones (the next starts the day after) make one. Computed once:
        "away until" is asked for every task of every day."""
        by_person: dict[str, list[tuple[date, date]]] = {}
        for a in sorted(self.absences, key=lambda a: (a.person, a.start, a.end)):
            spans = by_person.setdefault(a.person, [])
            if spans and a.start <= spans[-1][1] + timedelta(days=1):
                spans[-1] = (spans[-1][0], max(spans[-1][1], a.end))
            else:
                spans.append((a.start, a.end))
        return by_person

    def is_workday(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays


@dataclass
class Contact:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class Contract:
    start: date | None = None
    end: date | None = None
    notice_days: int | None = None


@dataclass
class Client:
    id: str
    name: str
    source: Path  # absolute path of the Markdown file
    pos: Pos  # the file itself (line 1)
    body: str
    body_line: int  # 1-based line where the body starts
    status: str = "active"
    contacts: list[Contact] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    hours: str | None = None
    response_time: str | None = None
    contract: Contract = field(default_factory=Contract)
    absence_messages: dict[str, str] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    positions: Mapping[str, Pos] = field(default_factory=dict)
    unknown_keys: list[tuple[str, Pos]] = field(default_factory=list)
    # Facts rules derived from this file alone, kept with it in the source cache
    # (`source_cache.remembered`): not part of what the page is.
    facts: dict[str, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def path(self) -> str:
        return self.pos.path

    def pos_of(self, key: str) -> Pos:
        return self.positions.get(key, self.pos)


@dataclass
class Procedure:
    id: str
    title: str
    source: Path  # absolute path of the Markdown file
    pos: Pos  # the file itself (line 1)
    body: str
    body_line: int  # 1-based line where the body starts
    service: str = ""
    clients: list[str] = field(default_factory=list)
    owner: str = ""
    backup: list[str] = field(default_factory=list)
    priority: str = ""
    sla: str | None = None
    frequency: str | None = None
    schedule: Schedule = ON_DEMAND
    success_criteria: list[str] = field(default_factory=list)
    credentials: list[str] = field(default_factory=list)
    reviewed: date | None = None
    review_every: int | None = None
    last_drill: date | None = None
    # The latest `drill` record by one of its backups (records/): counts as a drill, so
    # nobody edits `last_drill` by hand. Set by the loader.
    drilled: date | None = None
    tags: list[str] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)
    positions: Mapping[str, Pos] = field(default_factory=dict)
    unknown_keys: list[tuple[str, Pos]] = field(default_factory=list)
    # Facts rules derived from this file alone, kept with it in the source cache
    # (`source_cache.remembered`): not part of what the page is.
    facts: dict[str, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def path(self) -> str:
        return self.pos.path

    @property
    def people(self) -> list[str]:
        """Owner then backups, in order of call."""
        return [p for p in [self.owner, *self.backup] if p]

    def pos_of(self, key: str, index: int | None = None) -> Pos:
        if index is not None and f"{key}[{index}]" in self.positions:
            return self.positions[f"{key}[{index}]"]
        return self.positions.get(key, self.pos)


@dataclass
class Credential:
    """Clear metadata of a sealed credential; the model never holds a secret value."""

    id: str
    label: str
    audience: str
    pos: Pos
    url: str | None = None
    fields: list[str] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)
    rotated: date | None = None
    rotate_every: int | None = None  # days; None: the runbook's `rotate_every`


RECORD_STATUSES = ("done", "partial", "skipped", "drill")


@dataclass
class Record:
    """That a task was done (or partly, skipped, rehearsed) on a day, by someone.

    One YAML file per record under `records/`, so parallel pull requests never
    conflict. Fields are kept as read; the lint (RB021) judges unknown ids,
    future dates and unknown statuses, so a bad record never stops a build.
    """

    procedure: str
    date: date
    by: str
    status: str
    pos: Pos  # the file (line 1)
    note: str | None = None
    positions: dict[str, Pos] = field(default_factory=dict)
    unknown_keys: list[tuple[str, Pos]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.pos.path

    def pos_of(self, key: str) -> Pos:
        return self.positions.get(key, self.pos)


@dataclass
class Runbook:
    root: Path
    team: Team
    procedures: list[Procedure] = field(default_factory=list)
    clients: dict[str, Client] = field(default_factory=dict)
    credentials: dict[str, Credential] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)  # in date order
    findings: list[Finding] = field(default_factory=list)
    config: object | None = None  # the Settings used to load it
    vault: VaultMeta = field(default_factory=VaultMeta)  # clear metadata only, never a value
    # Local links of the bodies, resolved once per run (`model.links.body_links`).
    resolved_links: dict | None = field(default=None, repr=False, compare=False)

    def holders(self, audience: str) -> list[str]:
        """Who can open an audience's credentials: the vault's one rule (`vault_meta`)."""
        return self.vault.holders(audience)

    def procedure(self, proc_id: str) -> Procedure | None:
        return next((p for p in self.procedures if p.id == proc_id), None)

    @cached_property
    def services(self) -> dict[str, list[Procedure]]:
        """Procedures grouped by service: services by id, procedures in `core.order`'s order
        (urgent first, then by title), the order of the service page, the matrix and the nav."""
        out: dict[str, list[Procedure]] = {}
        for proc in procedure_order(self.procedures):
            out.setdefault(proc.service or "-", []).append(proc)
        return dict(sorted(out.items()))

    def procedures_of_client(self, client_id: str) -> list[Procedure]:
        return [p for p in self.procedures if client_id in p.clients]

    def owned_by(self, person_id: str) -> list[Procedure]:
        return [p for p in self.procedures if p.owner == person_id]

    def backed_up_by(self, person_id: str) -> list[Procedure]:
        return [p for p in self.procedures if person_id in p.backup]
