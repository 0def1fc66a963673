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

The relay rides along, again without a second rule: for `next_step` (who to call
when the rule names nobody able) the audiences each procedure needs, the
holders of each audience and the team's escalation list; each client's absence
messages; the records of the window (`records.history.History`), whether the
runbook keeps records, and what "Mark as done" needs to prefill a record on the
git host (`records.writing.record_path` / `record_text`); each procedure's
review and drill due days (`upkeep.deadlines`), so badges and statuses on every
page follow the reader's clock (today.js `Live`).

Nothing sealed is read here: credentials appear by their clear label only,
absence notes are left out. Everything is indexed (people, clients, labels,
service levels, URL folders) so 1,000 procedures stay well under 150 KB.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import urlsplit

from ...core.days import merge_periods
from ...core.order import label_key, procedure_order
from ...core.settings import Settings
from ...coverage.compute import Coverage, compute, needed_audiences
from ...coverage.escalation import holders_of
from ...i18n import Translator, catalogue, language_of
from ...model import Runbook
from ...model.refs import references
from ...model.types import RECORD_STATUSES
from ...records.history import History, keeps_records, written_order
from ...records.writing import name_suffix, quoted_ids
from ...upkeep.deadlines import SOON_DAYS, drill_due, review_due
from ..site_map import Links, person_uri
from ..templates import render

TODAY_PAGE = "today.md"
MAINTAINERS_PAGE = "maintainers.md"
TODAY_JSON = "assets/releve/today.json"
FORMAT = 2
# The window the JSON answers for, around the build day: a month back (to look
# at what happened) and a year ahead (a site rebuilt less often stays right).
DAYS_BEFORE = 31
DAYS_AFTER = 366
PRIORITIES = ("urgent", "important", "planned")
# A procedure's last fields, from this position on, are left out when they hold these values.
OPTIONAL_FROM, USUAL = 11, ([], 0, 1)

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
    periods: dict[str, list[tuple[date, date]]] = {}
    for a in runbook.team.absences:
        periods.setdefault(a.person, []).append((a.start, a.end))
    return {
        person: [((f - start).days, (t - start).days) for f, t in merge_periods(items)]
        for person, items in periods.items()
    }


def _split_url(url: str) -> tuple[str, str]:
    """A page URL as (folder, rest): procedures share a handful of folders."""
    trail = "/" if url.endswith("/") else ""
    head, tail = posixpath.split(url.rstrip("/"))
    return (head + "/" if head else ""), tail + trail


def _settings(runbook: Runbook) -> Settings:
    return runbook.config if isinstance(runbook.config, Settings) else Settings()


def git_host(settings: Settings) -> dict | None:
    """Where "Mark as done" sends the reader: the git host's new-file page, or None.

    `repo_url` on a GitHub or GitLab host (as MkDocs tells them apart: by the host
    name). The branch is the one `edit_uri` names (`edit/main/docs/` -> main), else
    `main`; `dir` is where the runbook sits in the repository, read from the same
    `edit_uri` (its path after the branch, less `docs_dir`), usually "".
    """
    url = (settings.repo_url or "").strip()
    parts = urlsplit(url)
    host = parts.netloc.lower()
    kind = "github" if "github" in host else "gitlab" if "gitlab" in host else None
    if parts.scheme not in ("http", "https") or kind is None or not parts.path.strip("/"):
        return None
    repo = url.split("?")[0].split("#")[0].rstrip("/").removesuffix(".git")
    branch, folder = "main", ""
    segments = [s for s in urlsplit(settings.edit_uri or "").path.split("/") if s and s != "-"]
    for n, segment in enumerate(segments[:-1]):
        if segment in ("edit", "blob", "tree"):
            branch = segments[n + 1]
            rest = segments[n + 2 :]
            docs = [s for s in settings.docs_dir.split("/") if s and s != "."]
            if docs and rest[-len(docs) :] == docs:
                folder = "".join(f"{s}/" for s in rest[: -len(docs)])
            break
    return {"host": kind, "url": repo, "branch": branch, "dir": folder}


def _suffix(record, records_dir: str) -> int:
    """Which `record_path` name the record's file takes: 1 (no suffix), n (`-n`), 0 (another
    name, or another folder: it takes none of the names "Mark as done" may pick)."""
    folder = f"{records_dir.strip('/')}/{record.date.year:04d}/"
    if not record.path.startswith(folder) or "/" in record.path.removeprefix(folder):
        return 0
    return name_suffix(record.path, record.procedure, record.date, record.by)


def _slug(url: str) -> str:
    """The id a page's URL gives (as today.js reads it back): its last part, lowercase."""
    return _split_url(url)[1].rstrip("/").removesuffix(".html").lower()


def today_data(runbook: Runbook, built: date, url_of: UrlOf,
               coverage: Coverage | None = None) -> dict:  # fmt: skip
    """The data the Today page reads, as plain JSON-ready values (see module docstring).

    `coverage` must span `window(built)`; computed when not given.
    """
    start, end = window(built)
    coverage = coverage or compute(runbook, start, end)
    settings = _settings(runbook)
    lang = language_of(settings.language)
    label = Translator(lang).label
    people, clients, creds, folders, slas, schedules, audiences = (_Index() for _ in range(7))
    team = runbook.team

    def person(pid: str) -> int:
        known = team.people.get(pid)
        url = url_of(person_uri(pid)) if known else None
        entry = [pid, team.name_of(pid), url]
        if known and known.phone:
            entry.append(known.phone)
        return people(pid, entry)

    def client(cid: str) -> int:
        known = runbook.clients.get(cid)
        url = url_of(known.path) if known else None
        entry = [known.name if known else cid, url, 0 if _slug(url or "") == cid else cid]
        if known and known.absence_messages:
            entry.append([[label("channel", ch), text]
                          for ch, text in known.absence_messages.items()])  # fmt: skip
        return clients(cid, entry)

    # People and clients are indexed in core.order's order (team members first, then
    # unknown ids as met), procedures in the agenda's: today.js keeps the order it reads.
    for p in team.in_order():
        person(p.id)
    ordered = procedure_order(runbook.procedures)
    named = {cid: (c.name if (c := runbook.clients.get(cid)) else cid)
             for proc in ordered for cid in proc.clients}  # fmt: skip
    for cid in sorted(named, key=lambda cid: label_key(named[cid], cid)):
        client(cid)

    def audience(name: str) -> int:
        return audiences(name, [person(p) for p in holders_of(runbook, name)])

    def offset(day: date | None) -> int | None:
        return None if day is None else (day - start).days

    procs = []
    order = ordered
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
        # Review (and, for an urgent procedure, drill): due day and last day, null for never.
        deadlines = []
        for deadline in (review_due(proc, built, settings), drill_due(proc, built, settings)):
            if deadline is not None:
                deadlines += [offset(deadline.due), offset(deadline.last)]
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
            deadlines,
            # Left out at the end when they say the usual: [audiences needed], the id (0: the
            # URL's), an owner (0: none, RB006: never "on call for an owner away").
            [audience(a) for a in sorted(needed_audiences(runbook, proc))],
            0 if proc.id == _slug(rest) else proc.id,
            1 if proc.owner else 0,
        ])  # fmt: skip
        entry = procs[-1]
        while len(entry) > OPTIONAL_FROM and entry[-1] == USUAL[len(entry) - 1 - OPTIONAL_FROM]:
            entry.pop()
    away = [
        [person(pid), first, last]
        for pid, spans in sorted(_ranges(runbook, start).items())
        for first, last in spans
        if last >= 0 and first <= (end - start).days  # unclipped: "until" may be past the window
    ]
    escalation = [person(p) for p in team.escalation]
    index = {proc.id: n for n, proc in enumerate(order)}
    records = []
    for record in sorted(History.of(runbook, until=built).records, key=written_order):
        day = (record.date - start).days
        if day < 0 or record.procedure not in index:
            continue
        entry = [index[record.procedure], day, person(record.by),
                 RECORD_STATUSES.index(record.status)]  # fmt: skip
        suffix = _suffix(record, settings.records_dir)
        if record.note or suffix != 1:
            entry.append(record.note or 0)
        if suffix != 1:
            entry.append(suffix)
        records.append(entry)
    quoted = sorted(quoted_ids(list(dict.fromkeys([*(p.id for p in order),
                                                   *(p[0] for p in people.items)]))))  # fmt: skip
    data = {
        "v": FORMAT,
        "lang": lang,
        "start": start.isoformat(),
        "last": (end - start).days,
        "built": (built - start).days,
        "wd": sorted(team.workdays),
        "hol": sorted((h - start).days for h in team.holidays),
        "people": people.items,
        "known": len(team.people),
        "away": away,
        "esc": escalation,
        "clients": clients.items,
        "creds": creds.items,
        "aud": audiences.items,
        "dirs": folders.items,
        "sla": slas.items,
        "due": schedules.items,
        "procs": procs,
        "rec": records,
        "keep": 1 if keeps_records(runbook) else 0,
        "recdir": settings.records_dir.strip("/"),
        "soon": SOON_DAYS,
        "s": strings(lang),
    }
    if quoted:
        data["yq"] = quoted
    host = git_host(settings)
    if host:
        data["repo"] = host
    return data


def today_json(runbook: Runbook, built: date, url_of: UrlOf,
               coverage: Coverage | None = None) -> str:  # fmt: skip
    """`today_data` as compact UTF-8 JSON (no spaces, accents kept)."""
    data = today_data(runbook, built, url_of, coverage)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def strings(lang: str) -> dict[str, str]:
    """The `today.*` strings of the catalogue (English where a language lacks one)."""
    lang = language_of(lang)
    found = {k: v for k, v in catalogue("en").items() if k.startswith("today.")}
    found.update({k: v for k, v in catalogue(lang).items() if k.startswith("today.")})
    return {k.removeprefix("today."): v for k, v in found.items()}


def today_widget(links: Links, lang: str, built: date, mode: str) -> dict:
    """What the template needs to place a Today block (full page or home summary)."""
    data = links.asset(TODAY_JSON)
    return {
        "json_url": data,
        "base": data[: -len(TODAY_JSON)],
        "failed": strings(lang)["load_failed"],
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
