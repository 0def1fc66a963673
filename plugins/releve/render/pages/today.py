"""The Today page: a compact JSON of the runbook's days, and the pages that read it.

The browser answers "what is due on day D, and who does it" for any day of a
window around the build day, from the reader's own clock: a site built on
Monday is still right on Thursday. To keep ONE cover rule, Python computes
everything but the rule itself: the due days of each distinct schedule (day
offsets in the window; nothing for on-demand procedures), each procedure's
people in order of call and who among them can open its credentials
(`Coverage.able`), absences as per-person day ranges, and the working days.
`assets/today.js` only applies `decide`, an exact mirror of
`coverage/rule.py`; tests/test_today_browser.py checks that the browser names
the same person as `Coverage.cover` for every procedure on every working day
of the window.

Nothing sealed is read here: credentials appear by their clear label only,
absence notes are left out. Everything is indexed (people, clients, labels,
service levels, URL folders) so 1,000 procedures stay well under 150 KB.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from datetime import date, timedelta

from ...core.order import label_key, procedure_order
from ...coverage.compute import Coverage, compute
from ...i18n import catalogue, language_of
from ...model import Runbook
from ...model.refs import references
from ..site_map import Links, person_uri
from ..templates import render

TODAY_PAGE = "today.md"
MAINTAINERS_PAGE = "maintainers.md"
TODAY_JSON = "assets/releve/today.json"
FORMAT = 1
# The window the JSON answers for, around the build day: a month back (to look
# at what happened) and a year ahead (a site rebuilt less often stays right).
DAYS_BEFORE = 31
DAYS_AFTER = 366
PRIORITIES = ("urgent", "important", "planned")

UrlOf = Callable[[str], "str | None"]


def window(built: date) -> tuple[date, date]:
    """First and last day (inclusive) the Today JSON answers for."""
    return built - timedelta(days=DAYS_BEFORE), built + timedelta(days=DAYS_AFTER)


class _Index:
    """Values in first-seen order, each written once and referred to by position."""

    def __init__(self) -> None:
        self.items: list = []
        self._pos: dict = {}

    def __call__(self, key, value=None) -> int:
        if key not in self._pos:
            self._pos[key] = len(self.items)
            self.items.append(key if value is None else value)
        return self._pos[key]


def _ranges(runbook: Runbook, start: date) -> dict[str, list[tuple[int, int]]]:
    """Each person's absences as merged, inclusive day-offset ranges from `start`.

    Overlapping or touching absences merge, so "away until" is the real return.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    for a in runbook.team.absences:
        if a.end >= a.start:
            spans.setdefault(a.person, []).append(((a.start - start).days, (a.end - start).days))
    merged: dict[str, list[tuple[int, int]]] = {}
    for person, items in spans.items():
        out: list[list[int]] = []
        for first, last in sorted(items):
            if out and first <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], last)
            else:
                out.append([first, last])
        merged[person] = [(f, t) for f, t in out]
    return merged


def _split_url(url: str) -> tuple[str, str]:
    """A page URL as (folder, rest): procedures share a handful of folders."""
    trail = "/" if url.endswith("/") else ""
    head, tail = posixpath.split(url.rstrip("/"))
    return (head + "/" if head else ""), tail + trail


def today_data(runbook: Runbook, built: date, url_of: UrlOf,
               coverage: Coverage | None = None) -> dict:  # fmt: skip
    """The data the Today page reads, as plain JSON-ready values (see module docstring).

    `coverage` must span `window(built)`; computed when not given.
    """
    start, end = window(built)
    coverage = coverage or compute(runbook, start, end)
    people, clients, creds, folders, slas, schedules = (_Index() for _ in range(6))
    team = runbook.team

    def person(pid: str) -> int:
        url = url_of(person_uri(pid)) if pid in team.people else None
        return people(pid, [pid, team.name_of(pid), url])

    def client(cid: str) -> int:
        known = runbook.clients.get(cid)
        url = url_of(known.path) if known else None
        return clients(cid, [known.name if known else cid, url])

    # People and clients are indexed in core.order's order (team members first, then
    # unknown ids as met), procedures in the agenda's: today.js keeps the order it reads.
    for p in team.in_order():
        person(p.id)
    ordered = procedure_order(runbook.procedures)
    named = {cid: (c.name if (c := runbook.clients.get(cid)) else cid)
             for proc in ordered for cid in proc.clients}  # fmt: skip
    for cid in sorted(named, key=lambda cid: label_key(named[cid], cid)):
        client(cid)
    procs = []
    for proc in ordered:
        group = list(dict.fromkeys(proc.people))
        able = coverage.able.get(proc.id, frozenset())
        mask = sum(1 << i for i, p in enumerate(group) if p in able)
        due = -1
        if not proc.schedule.on_demand:
            offsets = [(d - start).days for d in coverage.due.get(proc.id, [])]
            due = schedules(proc.schedule, offsets)
        folder, rest = _split_url(url_of(proc.path) or "")
        client_ids = [client(cid) for cid in dict.fromkeys(proc.clients)]
        labels = []
        for cid, _ in references(proc):
            cred = runbook.credentials.get(cid)
            labels.append(creds(cid, cred.label if cred and cred.label else cid))
        procs.append([
            proc.title,
            folders(folder),
            rest,
            PRIORITIES.index(proc.priority) if proc.priority in PRIORITIES else len(PRIORITIES),
            slas(proc.sla) if proc.sla else -1,
            client_ids,
            list(dict.fromkeys(labels)),
            due,
            [person(p) for p in group],
            mask if len(group) < 31 else [i for i, p in enumerate(group) if p in able],
        ])  # fmt: skip
        if not proc.owner:
            procs[-1].append(0)  # no owner (RB006): never "on call for an owner away"
    away = [
        [person(pid), first, last]
        for pid, spans in sorted(_ranges(runbook, start).items())
        for first, last in spans
        if last >= 0 and first <= (end - start).days  # unclipped: "until" may be past the window
    ]
    return {
        "v": FORMAT,
        "start": start.isoformat(),
        "last": (end - start).days,
        "built": (built - start).days,
        "wd": sorted(team.workdays),
        "hol": sorted((h - start).days for h in team.holidays),
        "people": people.items,
        "away": away,
        "clients": clients.items,
        "creds": creds.items,
        "dirs": folders.items,
        "sla": slas.items,
        "due": schedules.items,
        "procs": procs,
    }


def today_json(runbook: Runbook, built: date, url_of: UrlOf,
               coverage: Coverage | None = None) -> str:  # fmt: skip
    """`today_data` as compact UTF-8 JSON (no spaces, accents kept)."""
    data = today_data(runbook, built, url_of, coverage)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def js_strings(lang: str) -> str:
    """The `today.*` strings of the catalogue, for today.js (a data attribute)."""
    lang = language_of(lang)
    strings = {k: v for k, v in catalogue("en").items() if k.startswith("today.")}
    strings.update({k: v for k, v in catalogue(lang).items() if k.startswith("today.")})
    keep = {k.removeprefix("today."): v for k, v in strings.items()}
    return json.dumps(keep, ensure_ascii=False, separators=(",", ":"))


def today_widget(links: Links, lang: str, built: date, mode: str) -> dict:
    """What the template needs to place a Today block (full page or home summary)."""
    data = links.asset(TODAY_JSON)
    return {
        "json_url": data,
        "base": data[: -len(TODAY_JSON)],
        "strings": js_strings(lang),
        "built": built.isoformat(),
        "mode": mode,
        "today_link": links(TODAY_PAGE),
        "lang": language_of(lang),
    }


def today_page(runbook: Runbook, built: date, lang: str, links: Links) -> str:
    return render("pages/today.md.j2", lang, rb=runbook, link=links,
                  widget=today_widget(links, lang, built, "page"))  # fmt: skip


def maintainers_page(runbook: Runbook, lang: str, links: Links, findings: list,
                     coverage: Coverage | None = None) -> str:  # fmt: skip
    """Lint findings and the coverage summary: the maintainers' console, off the home page."""
    from ...core.findings import ERROR

    errors = [f for f in findings if f.severity == ERROR]
    warnings = [f for f in findings if f.severity != ERROR]
    return render(
        "pages/maintainers.md.j2",
        lang,
        rb=runbook,
        link=links,
        errors=errors,
        warnings=warnings,
        coverage=coverage,
        gap_days=len(coverage.gaps_by_day()) if coverage else 0,
    )
