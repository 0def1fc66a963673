"""One rule, one home: every view gives the same answer, because every view asks the same
function (`upkeep/deadlines.py` for what is due, `core/order.py` for orders, `Team.name_of`
for names).

Each rule is pinned at its boundary, then asked of every view that shows it: the lint,
the procedure card's badge, the binder's open items, the calendar feed, `vault audit`,
the service page, the binder, the agenda, the Today JSON, the coverage matrix, the
people index and the navigation. In process, no site build: these are the functions the
build and the CLI call.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from mkdocs.structure.files import Files
from vault_helpers import FAST, enrolled

from conftest import MINIMAL_MKDOCS, RunbookFactory
from releve.core.order import natural_key, people_order, procedure_order
from releve.core.settings import Settings, load_settings
from releve.coverage.agenda import agenda
from releve.coverage.compute import compute
from releve.lint.engine import lint_runbook
from releve.mkdocs.nav import build_nav
from releve.model import load_runbook
from releve.render import binder
from releve.render.calendar_feed import calendar
from releve.render.pages.coverage import MATRIX, coverage_pages
from releve.render.pages.generated import index_page, procedure_card, service_page
from releve.render.pages.today import today_data
from releve.render.site_map import PEOPLE_INDEX, Links
from releve.upkeep.deadlines import OK, OVERDUE, SOON, is_overdue, review_due, state_of
from releve.vault import ops
from releve.vault.audit import audit

DUE = date(2026, 11, 23)  # the day the review, the drill and the rotation fall due
AROUND = {"day before": DUE - timedelta(days=1), "due day": DUE, "day after": DUE + timedelta(1)}
TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
"""


def url_of(uri: str) -> str:
    return "/" + uri


def load(root: Path):
    settings = load_settings(root)
    return load_runbook(root, settings), settings


def write(root: Path, team: str) -> RunbookFactory:
    root.mkdir(parents=True)
    (root / "docs").mkdir()
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", team)
    return f


# --- the rule itself ------------------------------------------------------------


def test_one_boundary():
    """Overdue once the due day is past; on the due day itself, due ("soon"), not overdue."""
    assert not is_overdue(DUE, DUE) and state_of(DUE, DUE) == SOON
    assert not is_overdue(DUE, DUE - timedelta(1)) and state_of(DUE, DUE - timedelta(1)) == SOON
    assert is_overdue(DUE, DUE + timedelta(1)) and state_of(DUE, DUE + timedelta(1)) == OVERDUE
    assert is_overdue(None, DUE) and state_of(None, DUE) == OVERDUE  # never done
    assert state_of(DUE, DUE - timedelta(30)) == SOON and state_of(DUE, DUE - timedelta(31)) == OK


# --- review and drill due: lint, badge, binder, calendar ---------------------------


@pytest.fixture(scope="module")
def upkeep(tmp_path_factory):
    """An urgent procedure whose review (180 days) and drill (90 days) both fall due on DUE."""
    f = write(tmp_path_factory.mktemp("upkeep") / "rb", TEAM)
    f.procedure(
        "ops/pay.md",
        f"title: Pay suppliers\nservice: ops\nowner: ana\nbackup: [ben]\npriority: urgent\n"
        f"success_criteria: [paid]\nreviewed: {DUE - timedelta(180)}\n"
        f"last_drill: {DUE - timedelta(90)}\n",
    )
    runbook, settings = load(f.root)
    return runbook, settings, runbook.procedure("pay")


def _views(runbook, settings, proc, today: date) -> dict[str, dict[str, bool]]:
    """For `today`, whether each view says the review and the drill are overdue."""
    codes = {f.code for f in lint_runbook(runbook, today, settings) if f.path == proc.path}
    card = procedure_card(runbook, proc, "en", Links(url_of, proc.path), today)
    badges = dict(re.findall(r'data-due="(review|drill)-(\w+)"', card))
    book = binder.for_all(runbook, today, settings)
    open_items = {i.kind for i in book.open_items if i.procedure.id == proc.id}
    html = binder.render_html(runbook, book, settings, None)
    section = html[html.index('id="open-items"') :]
    section = section[: section.index("</section>")]
    rows = set(re.findall(r"<tr><td>([^<]*)</td><td><a [^>]*>([^<]*)</a>", section))
    cal = Calendar.from_ical(calendar(runbook, compute(runbook, today, today), today, settings))
    events = {str(e["uid"]).split("@")[0]: e.decoded("dtstart") for e in cal.walk("VEVENT")}
    return {
        kind: {
            "lint": code in codes,
            "badge": badges.get(kind) == OVERDUE,
            "binder": kind in open_items,
            "binder page": (f"{kind.capitalize()} due", proc.title) in rows,
            "calendar": events[f"{kind}-{proc.id}"] < today,  # its date is past
        }
        for kind, code in (("review", "RB010"), ("drill", "RB011"))
    }


@pytest.mark.parametrize("when", list(AROUND))
def test_review_and_drill_due_agree_in_every_view(upkeep, when):
    runbook, settings, proc = upkeep
    today = AROUND[when]
    expected = when == "day after"
    views = _views(runbook, settings, proc, today)
    for kind, answers in views.items():
        assert answers == dict.fromkeys(answers, expected), (kind, when, answers)
    card = procedure_card(runbook, proc, "en", Links(url_of, proc.path), today)
    state = OVERDUE if expected else SOON  # the badge shows on the due day, as "soon"
    assert f'data-due="review-{state}"' in card and f'data-due="drill-{state}"' in card


def test_calendar_puts_reviews_and_drills_on_the_due_day(upkeep):
    runbook, settings, proc = upkeep
    for today in AROUND.values():
        feed = calendar(runbook, compute(runbook, today, today), today, settings)
        events = {str(e["uid"]).split("@")[0]: e for e in Calendar.from_ical(feed).walk("VEVENT")}
        assert events["review-pay"].decoded("dtstart") == review_due(proc, today, settings).due
        assert events["review-pay"].decoded("dtstart") == DUE
        assert events["drill-pay"].decoded("dtstart") == DUE


def test_never_reviewed_is_overdue_everywhere(tmp_path):
    f = write(tmp_path / "rb", TEAM)
    f.procedure("ops/new.md", "title: New one\nservice: ops\nowner: ana\nbackup: [ben]\n"
                "priority: planned\nsuccess_criteria: [done]\n")  # fmt: skip
    runbook, settings = load(f.root)
    proc = runbook.procedure("new")
    assert "RB010" in {f.code for f in lint_runbook(runbook, DUE, settings)}
    assert 'data-due="review-overdue"' in procedure_card(runbook, proc, "en",
                                                         Links(url_of, proc.path), DUE)  # fmt: skip
    assert [(i.kind, i.due) for i in binder.for_all(runbook, DUE, settings).open_items] == [
        ("review", None)
    ]
    cal = Calendar.from_ical(calendar(runbook, compute(runbook, DUE, DUE), DUE, settings))
    events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert events["review-new"].decoded("dtstart") == DUE  # due now: on today's date


# --- rotation due: RB018 and `vault audit` -------------------------------------------

PEOPLE = {"ana": {"ops"}, "ben": {"ops"}}
PASS = {"ana": "ana-onerule-maple-river-lantern"}


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """`bank` rotated a year (365 days) before DUE; `mail` every 10 days, rotated 10 before."""
    f = write(tmp_path_factory.mktemp("rotation") / "rb", TEAM)
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "v1",
                today=DUE - timedelta(365), **FAST)  # fmt: skip
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "mail", "ops", "v2",
                today=DUE - timedelta(10), **FAST)  # fmt: skip
    v.credentials["mail"].extra["rotate_every"] = 10
    from releve.vault import store

    (f.root / "vault.yml").write_text(store.dump(v), encoding="utf-8")
    runbook, settings = load(f.root)
    return v, runbook, settings


@pytest.mark.parametrize("when", list(AROUND))
def test_rotation_due_agrees_in_lint_and_audit(sealed, when):
    v, runbook, settings = sealed
    today = AROUND[when]
    lint = sorted(f.args["credential"] for f in lint_runbook(runbook, today, settings)
                  if f.code == "RB018")  # fmt: skip
    result = audit(v, runbook, today, settings)
    audited = sorted(o.id for o in result.overdue)
    expected = ["bank", "mail"] if when == "day after" else []
    assert lint == audited == expected, (when, lint, audited)
    if expected:
        assert {o.id: o.due for o in result.overdue} == {"bank": DUE, "mail": DUE}


# --- orders: procedures and people, in every view -----------------------------------

ORDER_TEAM = """\
people:
  - {id: tremblay, name: Marie Tremblay, roles: [ops]}
  - {id: bouchard, name: Élodie Bouchard, roles: [ops]}
  - {id: haddad, name: Samir Haddad, roles: [ops]}
  - {id: lavoie, name: bruno Lavoie, roles: [ops]}
"""
# By id: Élodie, Samir, Bruno, Marie; by name without folding: Marie, Samir, bruno, Élodie.
NAMES = ["bruno Lavoie", "Élodie Bouchard", "Marie Tremblay", "Samir Haddad"]
ORDER_PEOPLE = {p: {"ops"} for p in ("tremblay", "bouchard", "haddad", "lavoie")}
ORDER_PASS = {
    "tremblay": "tremblay-onerule-erable-riviere",
    "bouchard": "bouchard-onerule-bouleau-fanal",
    "haddad": "haddad-onerule-cedre-boussole",
    "lavoie": "lavoie-onerule-huard-tuque",
}
TITLES = ["Relance jour 7", "Relance jour 14"]  # as a reader counts
RELANCE = """\
title: {title}
service: relances
clients: [acme]
owner: {owner}
backup: [{backup}]
priority: important
schedule: weekly mon
success_criteria: [sent]
reviewed: 2026-11-01
credentials: [crm]
"""


@pytest.fixture(scope="module")
def ordered(tmp_path_factory):
    f = write(tmp_path_factory.mktemp("order") / "rb", ORDER_TEAM)
    # Written in the wrong order on disk (14 before 7), each with its own people.
    f.procedure("relances/a-14.md", RELANCE.format(title="Relance jour 14", owner="tremblay",
                                                   backup="bouchard"))  # fmt: skip
    f.procedure("relances/b-7.md", RELANCE.format(title="Relance jour 7", owner="haddad",
                                                  backup="lavoie"))  # fmt: skip
    f.write("clients/acme.md", "---\nname: Acme\n---\nNotes.\n")
    v = enrolled(ORDER_PEOPLE, ORDER_PASS, who=["tremblay"])
    v = ops.add(v, ORDER_PEOPLE, "tremblay", ORDER_PASS["tremblay"], "crm", "ops", "x",
                today=date(2026, 11, 1), label="CRM", **FAST)  # fmt: skip
    for person in ("bouchard", "haddad", "lavoie"):
        v = enrolled(ORDER_PEOPLE, ORDER_PASS, who=[person], vault=v)
        v = ops.grant(v, ORDER_PEOPLE, "tremblay", ORDER_PASS["tremblay"], "ops", person)
    from releve.vault import store

    (f.root / "vault.yml").write_text(store.dump(v), encoding="utf-8")
    runbook, settings = load(f.root)
    assert set(runbook.credentials["crm"].holders) == set(ORDER_PEOPLE)
    return runbook, settings


def first(text: str, words: list[str]) -> list[str]:
    """`words` in the order they first appear in `text` (each must appear)."""
    where = {w: text.find(w) for w in words}
    assert all(i >= 0 for i in where.values()), where
    return sorted(words, key=where.get)


def test_order_keys():
    assert sorted(["Relance jour 14", "Relance jour 7"], key=natural_key) == TITLES
    assert [p.name for p in people_order(_people(NAMES[::-1]))] == NAMES


def _people(names):
    from releve.model.types import Person, Pos

    return [Person(id=n.split()[1].lower(), name=n, pos=Pos("team.yml")) for n in names]


def test_day_7_before_day_14_in_every_view(ordered):
    runbook, settings = ordered
    monday = date(2026, 11, 23)
    assert [p.title for p in procedure_order(runbook.procedures)] == TITLES
    service = service_page(runbook, "relances", "en", Links(url_of, "services/relances.md"))
    assert first(service, TITLES) == TITLES
    assert [p.title for p in runbook.services["relances"]] == TITLES
    book = binder.for_all(runbook, monday, settings)
    assert [p.title for p in book.procedures] == TITLES
    client = binder.for_client(runbook, "acme", monday, settings)
    assert [p.title for p in client.procedures] == TITLES
    assert first(binder.render_html(runbook, book, settings, None), TITLES) == TITLES
    (day,) = agenda(runbook, monday, monday)
    assert [t.procedure.title for t in day.tasks] == TITLES
    data = today_data(runbook, monday, url_of)
    assert [p[0] for p in data["procs"]] == TITLES
    coverage = compute(runbook, monday, monday + timedelta(days=30))
    matrix = coverage_pages(runbook, coverage, "en", url_of)[MATRIX]
    assert first(matrix, TITLES) == TITLES
    nav = _nav(runbook, settings)
    services = next(v for item in nav for k, v in item.items() if k == "Services")
    (relances,) = [v for item in services if isinstance(item, dict) for v in item.values()]
    assert [next(iter(x)) for x in relances[1:]] == TITLES


def _nav(runbook, settings) -> list:
    return build_nav(runbook, Files([]), {}, settings, "auto")


def test_elodie_among_the_es_in_every_view(ordered):
    runbook, settings = ordered
    monday = date(2026, 11, 23)
    assert [p.name for p in runbook.team.in_order()] == NAMES
    index = index_page(runbook, PEOPLE_INDEX, monday, "en", Links(url_of, PEOPLE_INDEX))
    assert first(index, NAMES) == NAMES
    coverage = compute(runbook, monday, monday + timedelta(days=30))
    matrix = coverage_pages(runbook, coverage, "en", url_of)[MATRIX]
    head = matrix[: matrix.index("</thead>")]
    assert first(head, NAMES) == NAMES
    html = binder.render_html(runbook, binder.for_all(runbook, monday, settings), settings, None)
    holders = html[html.index('id="cred-crm"') :]
    assert first(holders, NAMES) == NAMES
    nav = _nav(runbook, settings)
    people = next(v for item in nav for k, v in item.items() if k == "People")
    assert [next(iter(x)) for x in people[1:]] == NAMES
    data = today_data(runbook, monday, url_of)
    assert [p[1] for p in data["people"]] == NAMES  # today.js keeps this order


def test_name_of_is_the_display_name_else_the_id(ordered):
    runbook, _ = ordered
    assert runbook.team.name_of("bouchard") == "Élodie Bouchard"
    assert runbook.team.name_of("nobody") == "nobody"
    assert runbook.team.ids_in_order(["nobody", "tremblay", "bouchard"]) == [
        "bouchard", "tremblay", "nobody"
    ]  # fmt: skip
    assert Settings().review_every == 180  # the boundary above assumes the defaults
