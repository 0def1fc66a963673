"""One next step, every view: when nobody able can do a task, `next_step`, the agenda JSON
(`escalate_to`), `releve coverage --format json`, the person pages, the client page and the
absence binder's open items name the same people to call; and the records views (the
procedure header, the hand-back on a person page) say what `History` and `releve handback`
say.

A small English runbook, built as of Friday 4 December 2026. "Pay suppliers" (Ana, then
Ben, who has no key to the bank) is due every working day; Dan also holds a bank key; the
escalation list is Chloé, then Dan. The week of 7 December:

- Mon 7, Tue 8: Ana away, Ben there without the key: no access, call Dan (a key holder);
- Wed 9: Ana and Ben away: a gap, call Chloé (escalation), tell the client;
- Thu 10: Ana, Ben, Chloé and Dan away: a gap and nobody to call, with their return dates;
- Fri 11: Ana away, Dan away: no access, call Chloé (escalation).

Ana was away from 16 to 20 November too; the records of that week feed her hand-back.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest

from conftest import MINIMAL_MKDOCS, SCREENSHOTS, RunbookFactory, mkdocs_build, releve
from releve.core.settings import load_settings
from releve.coverage.compute import compute
from releve.coverage.escalation import ESCALATION, HOLDERS, NOBODY, next_step
from releve.i18n.formats import format_day
from releve.model import load_runbook
from releve.render import binder

TODAY = "2026-12-04"
PROC = "pay"
SITE_NAME = "Test runbook"
TEAM = """\
people:
  - {id: ana, name: Ana Lima, phone: "+1 514 555-0101", roles: [finance]}
  - {id: ben, name: Ben Okafor, phone: "+1 514 555-0102", roles: [ops]}
  - {id: chloe, name: Chloé Dubois, phone: "+1 514 555-0103", roles: [ops]}
  - {id: dan, name: Dan Roy, phone: "+1 514 555-0104", roles: [finance]}
escalation: [chloe, dan]
absences:
  - {person: ana, from: 2026-11-16, to: 2026-11-20}
  - {person: ana, from: 2026-12-07, to: 2026-12-11}
  - {person: ben, from: 2026-12-09, to: 2026-12-10}
  - {person: chloe, from: 2026-12-10, to: 2026-12-10}
  - {person: dan, from: 2026-12-10, to: 2026-12-14}
"""
SLOT = ('{iterations: 600000, salt: "AAAAAAAAAAAAAAAAAAAAAA==", nonce: "AAAAAAAAAAAAAAAA", '
        'key: "AA=="}')  # fmt: skip
VAULT = f"""\
version: 1
audiences:
  finance:
    slots:
      ana: {SLOT}
      dan: {SLOT}
credentials:
  bank:
    label: Bank
    audience: finance
    fields: {{}}
"""
CLIENT = """\
---
name: Acme Corp
status: active
absence_messages:
  email: "Hello, thanks for your message. {cover} is looking after your account until {return}."
---
Acme's notes.
"""
PAY = """\
title: Pay suppliers
service: fin
owner: ana
backup: [ben]
priority: urgent
success_criteria: [Every due invoice is paid]
credentials: [bank]
clients: [acme]
schedule: daily
reviewed: 2026-11-01
"""
# Two weeks of Ana doing it herself, then her week away: the hand-back's material.
RECORDS = [(f"2026-11-{d:02d}", "ana", "done", None) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]
RECORDS += [
    ("2026-11-16", "dan", "done", None),
    ("2026-11-17", "dan", "partial", "Two invoices wait for the client's approval"),
    ("2026-11-18", "ben", "skipped", "Bank portal down all day"),
    # 19 November: nothing recorded
    ("2026-11-20", "dan", "done", None),
    ("2026-11-23", "ana", "done", None),
    ("2026-12-02", "ana", "skipped", "Nothing due, suppliers paid ahead"),
]
# (day, status of the cover rule, kind of next step, whom to call, is the client told)
CASES = [
    ("2026-12-08", "no_access", HOLDERS, ("dan",), False),
    ("2026-12-09", "gap", ESCALATION, ("chloe",), True),
    ("2026-12-10", "gap", NOBODY, (), True),
    ("2026-12-11", "no_access", ESCALATION, ("chloe",), False),
]
NAMES = {"ana": "Ana Lima", "ben": "Ben Okafor", "chloe": "Chloé Dubois", "dan": "Dan Roy"}
TEL = {"ana": "tel:+15145550101", "ben": "tel:+15145550102", "chloe": "tel:+15145550103",
       "dan": "tel:+15145550104"}  # fmt: skip


def write_runbook(root) -> None:
    rb = RunbookFactory(root)
    rb.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    (root / "docs").mkdir(parents=True, exist_ok=True)
    rb.write("team.yml", TEAM)
    rb.write("vault.yml", VAULT)
    rb.write("clients/acme.md", CLIENT)
    rb.procedure("fin/pay.md", PAY)
    rb.procedure("ops/inbox.md", "title: Inbox\nservice: ops\nowner: ben\nbackup: [chloe]\n"
                 "priority: planned\nsuccess_criteria: [ok]\nreviewed: 2026-11-01\n")  # fmt: skip
    rb.procedure("ops/report.md", "title: Weekly report\nservice: ops\nowner: chloe\n"
                 "backup: [dan]\npriority: planned\nsuccess_criteria: [ok]\n"
                 "reviewed: 2026-11-01\nschedule: weekly mon\n")  # fmt: skip
    for day, by, status, note in RECORDS:
        text = f"procedure: pay\ndate: {day}\nby: {by}\nstatus: {status}\n"
        rb.write(f"records/2026/{day}-pay-{by}.yml", text + (f'note: "{note}"\n' if note else ""))
    rb.write("records/2026/2026-11-25-inbox-chloe.yml",
             "procedure: inbox\ndate: 2026-11-25\nby: chloe\nstatus: drill\n")  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The runbook, built once as of TODAY (no binders: the binder is assembled below)."""
    root = tmp_path_factory.mktemp("relay") / "rb"
    write_runbook(root)
    result = mkdocs_build(root, today=TODAY)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def page(root, uri: str) -> str:
    return (root / "site" / uri / "index.html").read_text(encoding="utf-8")


_STEP = re.compile(r'<span class="[^"]*next-step[^"]*" data-proc="([^"]*)" data-days="([^"]*)" '
                   r'data-kind="([^"]*)" data-call="([^"]*)">')  # fmt: skip


def steps_in(markup: str, proc: str, day: str) -> list[tuple[str, tuple[str, ...], str]]:
    """Every next step the markup gives for `proc` on `day`: (kind, people to call, its text
    up to the end of its list item or table cell, with the tel: links kept)."""
    found = []
    for m in _STEP.finditer(markup):
        if m.group(1) == proc and day in m.group(2).split():
            rest = markup[m.end() :]
            end = min(i for i in (rest.find("</li>"), rest.find("</td>"), len(rest)) if i >= 0)
            found.append((m.group(3), tuple(m.group(4).split()), rest[:end]))
    return found


def words(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def assert_says(fragment: str, step, where: str) -> None:
    """The step's own words: each person to call with a tel: link, or who is away until when,
    and the client told on a gap."""
    text = words(fragment)
    for pid in step.call:
        assert NAMES[pid] in text and TEL[pid] in fragment, (where, text)
    for away in step.away:
        until = format_day(away.until, "en")
        assert f"{NAMES[away.person]} (away until {until})" in text, (where, text)
    if step.kind == NOBODY:
        assert "Nobody can be reached" in text, (where, text)
    assert ("Tell the client" in text) == step.tell_client, (where, text)
    if step.tell_client:
        assert "Acme Corp" in text, (where, text)


@pytest.mark.parametrize(("day", "status", "kind", "call", "tell"), CASES)
def test_every_view_gives_the_same_next_step(site, day, status, kind, call, tell):
    when = date.fromisoformat(day)
    settings = load_settings(site)
    runbook = load_runbook(site, settings)
    coverage = compute(runbook, date(2026, 12, 7), date(2026, 12, 11))
    proc = runbook.procedure(PROC)
    # the rule itself
    assert coverage.cover(proc, when).status == status
    step = next_step(runbook, coverage, proc, when)
    assert (step.kind, step.call, step.tell_client) == (kind, call, tell)
    if kind == NOBODY:
        assert {(a.person, a.until.isoformat()) for a in step.away} == {
            ("ana", "2026-12-11"), ("ben", "2026-12-10"), ("chloe", "2026-12-10"),
            ("dan", "2026-12-14"),
        }  # fmt: skip
    first = call[0] if call else None

    # the agenda JSON
    out = releve("agenda", "--date", day, "--format", "json", cwd=site, today=TODAY)
    assert out.returncode == 0, out.stderr
    task = next(t for t in json.loads(out.stdout)["days"][0]["tasks"] if t["procedure"] == PROC)
    assert (task["status"], task["escalate_to"]) == (status, first)

    # releve coverage --format json: `next_steps` beside `days`, in the documented shape
    out = releve("coverage", "--from", "2026-12-07", "--to", "2026-12-11", "--format", "json",
                 cwd=site, today=TODAY)  # fmt: skip
    data = json.loads(out.stdout)
    entries = data["gaps" if status == "gap" else "no_access"]
    entry = next(e for e in entries if e["procedure"] == PROC)
    assert day in entry["days"]
    assert [s["date"] for s in entry["next_steps"]] == entry["days"]
    got = next(s for s in entry["next_steps"] if s["date"] == day)
    assert (got["escalate_to"], got["kind"], tuple(got["call"]), got["tell_client"]) == (
        first, kind, call, tell)  # fmt: skip
    # ... and its text output says the same
    out = releve("coverage", "--from", day, "--to", day, cwd=site, today=TODAY)
    line = {
        HOLDERS: "→ call someone who holds the key: Dan Roy (+1 514 555-0104)",
        ESCALATION: "→ call Chloé Dubois (+1 514 555-0103)",
        NOBODY: "→ nobody can be reached: Ana Lima (away until December 11, 2026), Ben Okafor "
        "(away until December 10, 2026), Chloé Dubois (away until December 10, 2026), Dan Roy "
        "(away until December 14, 2026)",
    }[kind] + ("; tell the client (absence message)" if tell else "")
    assert line in [x.strip() for x in out.stdout.splitlines()], out.stdout

    # the person pages: Ana's (her absence plan) and Ben's (his plan, or the days he is there)
    for person in ("ana", "ben"):
        found = steps_in(page(site, f"people/{person}"), PROC, day)
        assert [(k, c) for k, c, _ in found] == [(kind, call)], (person, found)
        assert_says(found[0][2], step, person)
    # the client page: its coming week (up to the 10th) and its "when nobody can do it"
    found = steps_in(page(site, "clients/acme"), PROC, day)
    assert len(found) == (2 if day <= "2026-12-10" else 1), found
    for got_kind, got_call, fragment in found:
        assert (got_kind, got_call) == (kind, call)
        assert_says(fragment, step, "client")

    # the absence binder of Ana: its open items, then its HTML (no PDF)
    book = binder.for_person(runbook, "ana", date.fromisoformat(TODAY), settings)
    assert book.period == (date(2026, 12, 7), date(2026, 12, 11))
    items = [i for i in book.relay if i.procedure.id == PROC and when in i.days]
    assert [(i.status, i.step) for i in items] == [(status, step)]
    text = binder.render_html(runbook, book, settings, None)
    open_items = text[text.index('id="open-items"') :]
    found = steps_in(open_items, PROC, day)
    assert [(k, c) for k, c, _ in found] == [(kind, call)], found
    assert_says(found[0][2], step, "binder")
    assert "Nothing open" not in words(open_items)


def test_every_gap_and_no_access_day_of_the_absence_is_an_open_item(site):
    settings = load_settings(site)
    runbook = load_runbook(site, settings)
    book = binder.for_person(runbook, "ana", date.fromisoformat(TODAY), settings)
    days = sorted(d for i in book.relay for d in i.days)
    assert [d.isoformat() for d in days] == [f"2026-12-{n:02d}" for n in range(7, 12)]
    # Monday and Tuesday have the same answer: one item for both
    assert [i.days for i in book.relay] == [
        (date(2026, 12, 7), date(2026, 12, 8)), (date(2026, 12, 9),), (date(2026, 12, 10),),
        (date(2026, 12, 11),),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "cover"),
    [
        ("2026-12-07", "2026-12-11", "Ben Okafor"),  # Ben does it on the first due day
        ("2026-12-09", "2026-12-11", "Chloé Dubois"),  # nobody does it: the escalation person
        ("2026-12-10", "2026-12-10", SITE_NAME),  # nobody reachable: the team itself
    ],
)
def test_cover_placeholder_is_never_empty(site, start, end, cover):
    settings = load_settings(site)
    runbook = load_runbook(site, settings)
    book = binder.for_person(runbook, "ana", date.fromisoformat(TODAY), settings,
                             date.fromisoformat(start), date.fromisoformat(end))  # fmt: skip
    assert book.client_placeholders["acme"]["cover"] == cover
    assert book.placeholders["cover"] == cover and book.placeholders["releve"] == cover
    text = words(binder.render_html(runbook, book, settings, None))
    assert f"Hello, thanks for your message. {cover} is looking after your account until" in text
    assert "{cover}" not in text and "{return}" not in text


def test_procedure_header_last_done_and_ten_records(site):
    card = page(site, "procedures/fin/pay")
    card = card[card.index('class="releve-card releve-procedure"') :]
    assert '<div class="releve-mark-done" data-proc="pay"></div>' in card[:2000]  # top row
    card = card[: card.index("</details>", card.index("releve-records")) + 20]
    # the latest record is a skip: "last done" is the latest done, partial or drill
    last = words(card[card.index("releve-last-done") :].split("</div>")[0])
    assert "Last done" in last and "November 23, 2026 by Ana Lima" in last
    rows = re.findall(r'<li class="releve-record releve-state-(\w+)" data-date="([\d-]+)"', card)
    newest = sorted(RECORDS, reverse=True)[:10]
    assert rows == [(status, day) for day, _by, status, _note in newest]
    assert "Nothing due, suppliers paid ahead" in words(card)  # the note of the skip
    # a rehearsal counts as done; a procedure without records says so
    inbox = words(page(site, "procedures/ops/inbox"))
    assert "Last done November 25, 2026 by Chloé Dubois" in inbox
    assert "Last done no record yet" in words(page(site, "procedures/ops/report"))


def test_person_page_hand_back_lists_what_releve_handback_lists(site):
    out = releve("handback", "--person", "ana", "--format", "json", cwd=site, today=TODAY)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["from"], data["to"]) == ("2026-11-16", "2026-11-20")
    person = page(site, "people/ana")
    section = person[person.index('class="releve-handback"') :]
    section = section[: section.index("</details>")]
    item = re.compile(r'data-proc="([^"]+)" data-date="([\d-]+)" data-state="(\w+)"')
    attention, by_day = section.split('class="releve-handback-days"')
    assert item.findall(attention) == [
        (i["procedure"], i["date"], i["state"]) for i in data["attention"]
    ]
    assert item.findall(by_day) == [
        (i["procedure"], i["date"], i["state"]) for d in data["days"] for i in d["items"]
    ]
    # what needs a look first: not recorded, skipped, partial
    assert [i["state"] for i in data["attention"]] == ["not_recorded", "skipped", "partial"]
    text = words(section)
    assert "as of December 4, 2026" in text and "Bank portal down all day" in text
    # the heading comes before the person's procedures
    assert person.index("While Ana Lima was away") < person.index("Owns")


def test_live_status_markup_and_matrix_last_did(site):
    ana = page(site, "people/ana")
    status = re.search(r'data-releve-live="person-status" data-person="ana">(.*?)</dd>', ana)
    assert status and "as of Dec 4" in words(status.group(1))
    client = page(site, "clients/acme")
    assert 'data-releve-live="client-due" data-client="acme"' in client
    home = page(site, "")
    assert 'data-releve-live="absences"' in home and "as of December 4, 2026" in words(home)
    pay = page(site, "procedures/fin/pay")
    assert 'data-releve-live="review" data-proc="pay"' in pay
    assert 'data-releve-live="drill" data-proc="pay"' in pay
    # the matrix: when each backup last did or rehearsed the task
    matrix = page(site, "coverage")

    def row(title: str) -> str:
        start = matrix.index(f">{title}<")
        return matrix[start : matrix.index("</tr>", start)]

    inbox = row("Inbox")  # Chloé, its backup, rehearsed it on 25 November
    assert '<small class="releve-last-did" data-date="2026-11-25" data-status="drill">' in inbox
    assert "last did it: November 25, 2026 (rehearsed)" in html.unescape(inbox)
    pay = row("Pay suppliers")  # Ben only skipped it: no date, and the title says so
    assert "releve-last-did" not in pay and "no record of doing it" in pay


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_screenshots_hand_back_and_procedure_header(site, chromium, serve, width):
    url = serve(site / "site")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": width, "height": 900})
    shots = {
        "people/ana/": (".releve-handback", "handback"),
        "procedures/fin/pay/": (".releve-procedure", "procedure-records"),
    }
    for path, (anchor, name) in shots.items():
        page_ = context.new_page()
        page_.goto(url + path)
        page_.evaluate("document.querySelectorAll('details.releve-records, "
                       "details.releve-handback-days').forEach(d => d.open = true)")  # fmt: skip
        assert page_.locator(anchor).count() == 1, (path, anchor)
        page_.screenshot(path=str(SCREENSHOTS / f"relay-{name}-{width}.png"), full_page=True)
        # nothing wider than the screen (readable at 390 px without sideways scrolling)
        overflow = page_.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, width, overflow)
        page_.close()
    context.close()
