"""The Today page in headless Chromium: what it shows, on a phone and a desktop, and its rule.

The guard that keeps ONE cover rule: for the sample and for a generated
runbook (nested absences, access limits, odd working days), the browser's
answer (today.js `decide` over today.json) equals Python's `Coverage.cover`
for every procedure on every working day of the JSON's window, and the tasks
listed each day equal the agenda's (`day_of`).
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import MINIMAL_MKDOCS, REPO, SCREENSHOTS, RunbookFactory, mkdocs_build
from releve.core.settings import load_settings
from releve.coverage.agenda import day_of
from releve.coverage.compute import compute
from releve.model import load_runbook
from releve.render.pages.today import window
from releve.vault import ops, store

pytestmark = pytest.mark.browser

BUILT = "2026-12-28"  # Marie and Samir are both away
FAST = {"iterations": 1000, "weak_for_tests": True}  # test-only: the CLI never passes these
WIDTHS = {"phone": 390, "desktop": 1280}
RED = "rgb(198, 40, 40)"


def copy_sample(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("mkdocs.yml", "team.yml", "vault.yml"):
        shutil.copy(REPO / name, dest / name)
    for name in ("procedures", "clients", "docs", "overrides"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    config = dest / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - releve:\n" in text
    config.write_text(text.replace("  - releve:\n", "  - releve:\n      binder: false\n"), "utf-8")
    return dest


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("today-sample") / "sample")
    result = mkdocs_build(root, today=BUILT)
    assert result.returncode == 0, result.stderr
    return root


SCHEDULES = [
    "daily", "weekly mon", "weekly fri", "weekly mon, thu", "weekly sat",
    "every 2 weeks tue from 2026-11-03", "every 3 weeks fri from 2027-01-08", "monthly 1",
    "monthly 7, 14", "monthly last", "monthly 31", "monthly first mon", "monthly last fri",
    "quarterly 1", "yearly 12-25", "yearly 02-29", "on demand", "on demand", "on demand",
]  # fmt: skip
PEOPLE = {"ana": {"ops", "finance"}, "ben": {"ops"}, "cy": {"finance", "social"},
          "dee": {"social"}, "eli": {"ops", "social"}, "fay": {"finance"}}  # fmt: skip
PASS = {p: f"{p}-passphrase-maple-river-lantern" for p in PEOPLE}


def generated(root: Path, seed: int = 7) -> Path:
    """A runbook that exercises the rule: nested and overlapping absences, access limits."""
    rng = random.Random(seed)
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    (root / "docs").mkdir(parents=True, exist_ok=True)
    people = "\n".join(f"  - {{id: {p}, name: {p.title()} Person, roles: [{', '.join(sorted(r))}]}}"
                       for p, r in PEOPLE.items())  # fmt: skip
    absences = [
        ("ana", "2026-11-20", "2027-01-15"),  # from before the window into it
        ("ben", "2026-12-01", "2026-12-20"),  # nested in ana's
        ("cy", "2026-12-10", "2026-12-12"),  # nested in both
        ("cy", "2026-12-11", "2026-12-18"),  # overlapping her own
        ("dee", "2026-12-19", "2026-12-19"),
        ("dee", "2026-12-20", "2026-12-31"),  # touching her own
        ("eli", "2027-03-01", "2027-03-31"),
        ("fay", "2027-03-10", "2027-03-12"),
        ("ana", "2027-12-20", "2028-02-01"),  # past the end of the window
    ]
    for _ in range(25):
        start = date(2026, 11, 1) + timedelta(days=rng.randint(0, 420))
        absences.append((rng.choice(list(PEOPLE)), start.isoformat(),
                         (start + timedelta(days=rng.randint(0, 12))).isoformat()))  # fmt: skip
    f.write("team.yml", "workdays: [mon, tue, wed, thu, sat]\n"
            "holidays: [2026-12-25, 2027-01-01, 2027-04-03, 2027-07-01]\npeople:\n" + people
            + "\nabsences:\n" + "\n".join(f"  - {{person: {p}, from: {a}, to: {b}}}"
                                          for p, a, b in absences) + "\n")  # fmt: skip
    v = store.Vault()
    for person in ("ana", "cy", "eli", "dee"):  # each enrols herself first (vault format 2)
        v = ops.enroll(v, PEOPLE, person, PASS[person], **FAST).vault
    creds = {"bank": "finance", "mail": "ops", "meta": "social"}
    first = {"finance": "ana", "ops": "ana", "social": "cy"}
    for cid, audience in creds.items():
        v = ops.add(v, PEOPLE, first[audience], PASS[first[audience]], cid, audience, "x-" + cid,
                    today=date(2026, 10, 1), label=f"{cid.title()} login", **FAST)  # fmt: skip
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "eli")  # not ben
    v = ops.grant(v, PEOPLE, "cy", PASS["cy"], "social", "dee")  # not eli
    store.write_atomic(root / "vault.yml", store.dump(v))
    names = list(PEOPLE)
    for n in range(70):
        owner, *backups = rng.sample(names, rng.randint(1, 4))
        if n % 17 == 3:
            backups.append(owner)  # RB002: the rule must skip the repeat
        cred = rng.sample(list(creds), rng.randint(0, 2))
        priority = rng.choice(["urgent", "important", "planned"])
        front = (f"title: Task {n:02d}\nservice: s{n % 3}\nowner: {owner}\n"
                 f"backup: [{', '.join(backups)}]\npriority: {priority}\n"
                 f"success_criteria: [done]\nreviewed: 2026-11-01\n"
                 f"schedule: {rng.choice(SCHEDULES)}\n"
                 f"credentials: [{', '.join(cred)}]\n")  # fmt: skip
        if n % 5 == 0:
            front += "clients: [acme]\n"
        body = "Use [[cred:meta]] for this.\n" if n % 11 == 0 else "Steps.\n"
        f.procedure(f"s{n % 3}/task-{n:02d}.md", front, body)
    f.write("clients/acme.md", "---\nname: Acme inc.\n---\nNotes.\n")
    return root


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = generated(tmp_path_factory.mktemp("today-gen") / "rb")
    result = mkdocs_build(root, today=BUILT)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def server():
    from conftest import StaticServer

    servers: list[StaticServer] = []

    def start(directory: Path) -> str:
        servers.append(StaticServer(directory))
        return servers[-1].url

    yield start
    for s in servers:
        s.close()


def open_page(chromium, url: str, width: int = 1280, now: str = BUILT):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.clock.set_fixed_time(f"{now}T10:00:00")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".releve-today-date")
    return context, page, errors


BROWSER_MATRIX = """
async () => {
  const root = document.querySelector("[data-releve-today]");
  const data = await (await fetch(root.getAttribute("data-json"))).json();
  const rb = new window.releveToday.Runbook(data);
  const id = (i) => (i === null ? null : rb.people[i][0]);
  const days = {};
  for (let off = 0; off <= rb.last; off++) {
    if (!rb.isWorkday(off)) continue;
    const day = rb.day(off);
    days[new Date(rb.dayMs(off)).toISOString().slice(0, 10)] = {
      covers: rb.procs.map((p) => {
        const c = rb.cover(p, off);
        return [id(c.by), id(c.covering_for), c.status];
      }),
      tasks: day.tasks.map((t) => t.proc.url),
      on_call: day.onCall.map((t) => [
        t.proc.url, id(t.cover.by), id(t.cover.covering_for), t.cover.status]),
    };
  }
  return { urls: rb.procs.map((p) => p.url), days: days };
}
"""


def directory_url(src_uri: str) -> str:
    return src_uri.removesuffix(".md") + "/"


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_browser_rule_equals_python_rule_every_day(request, chromium, server, which):
    root = request.getfixturevalue(which)
    url = server(root / "site")
    context, page, errors = open_page(chromium, url + "today/")
    answer = page.evaluate(BROWSER_MATRIX)
    context.close()
    assert errors == []
    runbook = load_runbook(root, load_settings(root))
    start, end = window(date.fromisoformat(BUILT))
    coverage = compute(runbook, start, end)
    by_url = {directory_url(p.path): p for p in runbook.procedures}
    procs = [by_url[u] for u in answer["urls"]]
    assert sorted(answer["urls"]) == sorted(by_url)
    assert sorted(answer["days"]) == [d.isoformat() for d in coverage.days]  # same working days
    statuses, compared = set(), 0
    for day in coverage.days:
        got = answer["days"][day.isoformat()]
        want = [coverage.cover(p, day) for p in procs]
        assert got["covers"] == [[c.by, c.covering_for, c.status] for c in want], day
        agenda = day_of(coverage, day, runbook.procedures)
        assert got["tasks"] == [directory_url(t.procedure.path) for t in agenda.tasks], day
        assert got["on_call"] == [
            [directory_url(t.procedure.path), t.cover.by, t.cover.covering_for, t.cover.status]
            for t in agenda.on_call
        ], day
        statuses |= {c.status for c in want}
        compared += len(want)
    assert statuses == {"ok", "covered", "no_access", "gap"}  # every branch of the rule ran
    assert compared > 5000


def task(page, title: str):
    return page.locator("li.releve-task", has=page.locator(f'a:text-is("{title}")')).first


@pytest.mark.parametrize("width", WIDTHS)
def test_today_page_two_dates(chromium, server, sample, width):
    url = server(sample / "site")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context, page, errors = open_page(chromium, url + "today/?date=2026-12-29", WIDTHS[width])
    assert page.locator("h2.releve-today-date").inner_text().startswith("Mardi 29 décembre 2026")
    away = page.locator(".releve-today-away").inner_text()
    assert "Marie Tremblay" in away and "jusqu'au lundi 4 janvier 2027" in away
    assert "Samir Haddad" in away and "vendredi 8 janvier 2027" in away
    relance = task(page, "Relance de paiement au jour 14")
    assert relance.get_attribute("data-status") == "no_access"
    assert relance.get_attribute("data-by") == "elodie"
    text = relance.inner_text()
    assert "Élodie Bouchard" in text and "remplace Marie Tremblay" in text
    assert "QuickBooks Online" in text and "Niveau de service" in text
    assert relance.locator(".releve-alert").evaluate("e => getComputedStyle(e).color") == RED
    clinique = task(page, "Prise et report de rendez-vous (clinique)")
    assert clinique.get_attribute("data-status") == "covered"
    assert "Julie Gagnon remplace Samir Haddad" in clinique.inner_text()
    link = clinique.locator("a", has_text="Prise et report").get_attribute("href")
    assert link == "../procedures/agenda/prise-rendez-vous-clinique/"
    groups = page.locator("section.releve-today-client h3").all_inner_texts()
    assert groups[-1] == "Interne" and "Rénovations Bélanger inc." in groups
    on_call = page.locator("section.releve-today-on-call").inner_text()
    assert "Élodie Bouchard remplace Marie Tremblay" in on_call
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    page.screenshot(path=str(SCREENSHOTS / f"today-2026-12-29-{width}.png"), full_page=True)
    assert errors == []
    context.close()

    context, page, errors = open_page(chromium, url + "today/?date=2026-12-31", WIDTHS[width])
    assert page.locator("h2.releve-today-date").inner_text().startswith("Jeudi 31 décembre 2026")
    gap = task(page, "Rapprochement bancaire (Bélanger)")
    assert gap.get_attribute("data-status") == "gap"
    assert "Personne de disponible" in gap.inner_text()
    assert gap.locator(".releve-alert").evaluate("e => getComputedStyle(e).color") == RED
    assert page.locator(".releve-chip-alert").first.inner_text() == "1 sans personne"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    page.screenshot(path=str(SCREENSHOTS / f"today-2026-12-31-{width}.png"), full_page=True)
    assert errors == []
    context.close()


def test_previous_next_and_the_url(chromium, server, sample):
    url = server(sample / "site")
    context, page, _ = open_page(chromium, url + "today/?date=2026-12-31", 390)
    page.locator(".releve-today-next").click()  # 1 January is a holiday, then a weekend
    assert page.url.endswith("today/?date=2027-01-04")
    assert page.locator("h2.releve-today-date").inner_text().startswith("Lundi 4 janvier 2027")
    page.locator(".releve-today-prev").click()
    page.locator(".releve-today-prev").click()
    assert page.url.endswith("today/?date=2026-12-30")
    page.go_back()
    assert page.locator("h2.releve-today-date").inner_text().startswith("Jeudi 31 décembre")
    page.locator(".releve-today-back").click()  # back to the reader's today: no ?date=
    assert page.url.endswith("today/")
    assert "Aujourd'hui" in page.locator("h2.releve-today-date").inner_text()
    context.close()


def test_default_day_is_the_readers_clock_not_the_build_day(chromium, server, sample):
    url = server(sample / "site")
    context, page, _ = open_page(chromium, url + "today/", now="2027-01-07")
    heading = page.locator("h2.releve-today-date").inner_text()
    assert heading.startswith("Jeudi 7 janvier 2027") and "Aujourd'hui" in heading
    assert "Marie Tremblay" not in page.locator(".releve-today-away").inner_text()  # back on 4th
    context.close()
    context, page, _ = open_page(chromium, url + "today/?date=2029-06-01")
    assert "hors de la période" in page.locator(".releve-today-range").inner_text()
    assert page.locator("li.releve-task").count() == 0
    context.close()
    context, page, _ = open_page(chromium, url + "today/?date=2026-02-30")
    assert "n'est pas une date" in page.locator(".releve-alert").first.inner_text()
    context.close()


def test_i_am_is_remembered_and_puts_my_tasks_first(chromium, server, sample):
    url = server(sample / "site")
    context = chromium.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.clock.set_fixed_time(f"{BUILT}T10:00:00")
    page.goto(url + "today/?date=2026-12-31")
    page.wait_for_selector(".releve-today-me")
    page.locator(".releve-today-me").select_option("elodie")
    page.reload()
    page.wait_for_selector(".releve-today-mine")
    assert page.locator(".releve-today-me").input_value() == "elodie"
    first = page.locator(".releve-today-section").first
    assert first.locator("h3").inner_text() == "Votre journée, Élodie Bouchard"
    mine = first.locator("li.releve-task")
    assert mine.count() >= 3
    assert set(mine.evaluate_all("ls => ls.map(l => l.dataset.by)")) == {"elodie"}
    rest = page.locator(".releve-today-client li.releve-task")
    assert "elodie" not in rest.evaluate_all("ls => ls.map(l => l.dataset.by)")
    storage = page.evaluate("Object.assign({}, window.localStorage)")
    assert storage == {"releve.core.days.me": "elodie"}  # an id, nothing else
    page.screenshot(path=str(SCREENSHOTS / "today-i-am-390.png"), full_page=True)
    page.goto(url)  # the home page reads the same choice
    page.wait_for_selector(".releve-today-summary li.releve-task")
    assert page.locator(".releve-today-summary li.releve-task").first.get_attribute("data-by") == (
        "elodie"
    )
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_home_page_leads_with_today(chromium, server, sample, width):
    url = server(sample / "site")
    context, page, errors = open_page(chromium, url, WIDTHS[width])
    content = page.locator("article")
    first_h2 = content.locator("h2").first.inner_text()
    assert first_h2.startswith("Aujourd'hui")
    summary = page.locator(".releve-today-summary")
    assert summary.locator(".releve-today-date").inner_text() == "Lundi 28 décembre 2026"
    assert 1 <= summary.locator("li.releve-task").count() <= 5
    assert summary.locator("a.md-button").get_attribute("href") == "today/"
    line = page.locator(".releve-maintainers-line")
    assert "avertissement" in line.inner_text() and line.locator("a").get_attribute("href") == (
        "maintainers/"
    )
    assert page.locator("table.releve-findings").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    page.screenshot(path=str(SCREENSHOTS / f"home-{width}.png"), full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_maintainers_page_fits_a_phone(chromium, server, sample, width):
    url = server(sample / "site")
    context = chromium.new_context(viewport={"width": WIDTHS[width], "height": 900})
    page = context.new_page()
    page.goto(url + "maintainers/")
    assert page.locator("table.releve-findings tr.releve-warning").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    page.screenshot(path=str(SCREENSHOTS / f"maintainers-{width}.png"), full_page=True)
    context.close()


def test_english_page(chromium, server, synthetic):
    url = server(synthetic / "site")
    context, page, errors = open_page(chromium, url + "today/?date=2026-12-15", 390)
    heading = page.locator("h2.releve-today-date").inner_text()
    assert heading.startswith("Tuesday, December 15, 2026")
    assert "until" in page.locator(".releve-today-away").inner_text()
    texts = page.locator("li.releve-task").all_inner_texts()
    assert texts and any("covers for" in t or "Nobody available" in t for t in texts)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    context.close()
