"""What goes into a binder: a selection of the model for a client, a person or everything.

Nothing here renders anything; `render.py` turns a `Binder` into HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ...core.order import client_order, label_key, procedure_order
from ...core.settings import Settings
from ...coverage.agenda import Day, Run, absence_plan
from ...coverage.compute import Coverage, compute, horizon_end
from ...coverage.escalation import first_present
from ...coverage.relay import RelayItem, relay_items
from ...model import Absence, Client, Credential, Procedure, Runbook
from ...model.refs import references
from ...upkeep.deadlines import overdue_items

CLIENT, PERSON, ALL = "client", "person", "all"


class UnknownSubject(LookupError):
    """The client or person asked for is not in the model."""


@dataclass
class CredentialEntry:
    id: str
    credential: Credential | None  # None: referenced but not in the vault
    used_in: list[Procedure]


@dataclass
class OpenItem:
    kind: str  # "review" | "drill"
    procedure: Procedure
    due: date | None  # None: never done


@dataclass
class Binder:
    kind: str  # client | person | all
    subject_id: str | None
    subject: str  # display name: client name, person name, site name
    today: date
    period: tuple[date, date] | None
    clients: list[Client]
    procedures: list[Procedure]  # in binder order: service, priority, title
    credentials: list[CredentialEntry]
    plan: list[Day] = field(default_factory=list)  # person binder: what is due, who does it
    on_call: list[Run] = field(default_factory=list)  # person binder: on-demand, who to call
    placeholders: dict[str, str] = field(default_factory=dict)  # absence message fill-ins
    absences: list[Absence] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)
    # person binder: every gap and no-access day of the period, with whom to call
    relay: list[RelayItem] = field(default_factory=list)
    # person binder: the fill-ins per client (`{cover}` is who looks after that client)
    client_placeholders: dict[str, dict[str, str]] = field(default_factory=dict)


def _order(procs: list[Procedure]) -> list[Procedure]:
    """By service, then in `core.order`'s order within it (the service page's)."""
    return sorted(procedure_order(procs), key=lambda p: p.service)


def _clients_of(runbook: Runbook, procs: list[Procedure]) -> list[Client]:
    ids = dict.fromkeys(cid for p in procs for cid in p.clients if cid in runbook.clients)
    return client_order(runbook.clients[c] for c in ids)


def _credentials(runbook: Runbook, procs: list[Procedure], every: bool) -> list[CredentialEntry]:
    used: dict[str, list[Procedure]] = {}
    for proc in procs:
        for cred_id in dict.fromkeys(cid for cid, _ in references(proc)):
            used.setdefault(cred_id, []).append(proc)
    ids = list(used)
    if every:
        ids += [cid for cid in runbook.credentials if cid not in used]
    entries = [CredentialEntry(cid, runbook.credentials.get(cid), used.get(cid, [])) for cid in ids]
    return sorted(
        entries, key=lambda e: label_key(e.credential.label if e.credential else e.id, e.id)
    )


def open_items(procs: list[Procedure], today: date, settings: Settings) -> list[OpenItem]:
    """Overdue reviews and drills (upkeep.deadlines: the lint's RB010 and RB011, the badges')."""
    return [OpenItem(d.kind, proc, d.due) for proc, d in overdue_items(procs, today, settings)]


def absence_period(
    runbook: Runbook, person_id: str, today: date, horizon: int
) -> tuple[date, date]:
    """The person's current or next absence, else today .. today + horizon."""
    upcoming = sorted(
        (a for a in runbook.team.absences_of(person_id) if a.end >= today), key=lambda a: a.start
    )
    if upcoming:
        return upcoming[0].start, upcoming[0].end
    return today, horizon_end(today, horizon)


def for_client(runbook: Runbook, client_id: str, today: date, settings: Settings) -> Binder:
    client = runbook.clients.get(client_id)
    if client is None:
        raise UnknownSubject(client_id)
    procs = _order(runbook.procedures_of_client(client_id))
    return Binder(
        kind=CLIENT,
        subject_id=client_id,
        subject=client.name,
        today=today,
        period=None,
        clients=[client],
        procedures=procs,
        credentials=_credentials(runbook, procs, every=False),
        open_items=open_items(procs, today, settings),
    )


def for_person(
    runbook: Runbook,
    person_id: str,
    today: date,
    settings: Settings,
    start: date | None = None,
    end: date | None = None,
) -> Binder:
    person = runbook.team.people.get(person_id)
    if person is None:
        raise UnknownSubject(person_id)
    if start is None or end is None:
        default_start, default_end = absence_period(runbook, person_id, today, settings.horizon)
        start = start or default_start
        end = end or (default_end if default_end >= start else start + timedelta(settings.horizon))
    procs = _order([p for p in runbook.procedures if p.owner == person_id or person_id in p.backup])
    coverage = compute(runbook, start, end)
    plan, on_call = absence_plan(runbook, person_id, start, end, coverage)
    clients = _clients_of(runbook, procs)
    fill = {c.id: placeholders(runbook, settings, coverage, start, end, plan, on_call, c.id)
            for c in clients}  # fmt: skip
    return Binder(
        kind=PERSON,
        subject_id=person_id,
        subject=person.name,
        today=today,
        period=(start, end),
        clients=clients,
        procedures=procs,
        credentials=_credentials(runbook, procs, every=False),
        plan=plan,
        on_call=on_call,
        placeholders=placeholders(runbook, settings, coverage, start, end, plan, on_call),
        absences=[
            a for a in runbook.team.absences_of(person_id) if a.start <= end and a.end >= start
        ],
        open_items=open_items(procs, today, settings),
        relay=relay_items(runbook, coverage, procs),
        client_placeholders=fill,
    )


def for_all(runbook: Runbook, today: date, settings: Settings) -> Binder:
    procs = _order(runbook.procedures)
    return Binder(
        kind=ALL,
        subject_id=None,
        subject=settings.site_name,
        today=today,
        period=None,
        clients=client_order(runbook.clients.values()),
        procedures=procs,
        credentials=_credentials(runbook, procs, every=True),
        absences=sorted(
            (a for a in runbook.team.absences if a.end >= today), key=lambda a: a.start
        ),
        open_items=open_items(procs, today, settings),
    )


def next_working_day(runbook: Runbook, day: date) -> date:
    """The first working day after `day` (the return date of an absence ending on `day`)."""
    for n in range(1, 367):
        candidate = day + timedelta(days=n)
        if runbook.team.is_workday(candidate):
            return candidate
    return day + timedelta(days=1)


def cover_of(
    runbook: Runbook,
    settings: Settings,
    coverage: Coverage,
    start: date,
    plan: list[Day],
    on_call: list[Run],
    client: str | None = None,
) -> str:
    """Who looks after the client while the person is away, by name, never empty: whoever
    covers the first due task (of that client, when it has any in the plan), else the first
    present person of the escalation list that day, else the team itself."""
    dated = [(d.date, t.cover) for d in plan for t in d.tasks
             if client is None or client in t.procedure.clients]  # fmt: skip
    dated += [(r.start, r.cover) for r in on_call
              if client is None or client in r.procedure.clients]  # fmt: skip
    if not dated and client is not None:
        return cover_of(runbook, settings, coverage, start, plan, on_call)
    first_day, cover = min(dated, key=lambda x: x[0]) if dated else (start, None)
    if cover is not None and cover.by in runbook.team.people:
        return runbook.team.people[cover.by].name
    escalate = first_present(runbook, coverage, first_day)
    if escalate is not None:
        return runbook.team.people[escalate].name
    return settings.site_name


def placeholders(runbook: Runbook, settings: Settings, coverage: Coverage, start: date, end: date,
                 plan: list[Day], on_call: list[Run], client: str | None = None
                 ) -> dict[str, str]:  # fmt: skip
    """Values of the absence message placeholders, in English and French spellings; none
    is ever empty (the text is pasted to a client as it is).

    `{return}` / `{retour}`: the first working day after the absence, as an ISO date the
    template puts in words; `{cover}` / `{releve}`: who looks after the client (`cover_of`).
    """
    name = cover_of(runbook, settings, coverage, start, plan, on_call, client)
    back = next_working_day(runbook, end).isoformat()
    return {"return": back, "retour": back, "cover": name, "releve": name}
