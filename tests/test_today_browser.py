"""The Today page in headless Chromium: what it shows, on a phone and a desktop, and its rule.

The guard that keeps ONE cover rule and ONE escalation rule: for the sample and
for a generated runbook (nested absences, access limits, odd working days, an
escalation list), the browser's answers (today.js `decide` and `nextStep` over
today.json) equal Python's `Coverage.cover` and `next_step` for every procedure
on every working day of the JSON's window, and the tasks listed each day equal
the agenda's (`day_of`).

The relay in the browser: records and "Mark as done" on the Today page and a
procedure page (the link decoded and compared with `record_path` /
`record_text`), and the live bits of person, client and home pages and of the
procedure cards, with the reader's clock before, during and after an absence.
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
from releve.coverage.escalation import next_step
from releve.model import load_runbook
from releve.records.writing import new_record
from releve.render.pages.today import window
from releve.upkeep.deadlines import SOON_DAYS, review_due
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
    for name in ("procedures", "clients", "docs", "overrides", "records"):
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
    people = "\n".join(f"  - {{id: {p}, name: {p.title()} Person, roles: [{', '.join(sorted(r))}]"
                       + (f", phone: '+1 555 010{n}'" if n % 2 else "") + "}"
                       for n, (p, r) in enumerate(PEOPLE.items()))  # fmt: skip
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
        ("fay", "2026-12-14", "2026-12-16"),  # with cy's: nobody on the escalation list
    ]
    for _ in range(25):
        start = date(2026, 11, 1) + timedelta(days=rng.randint(0, 420))
        absences.append((rng.choice(list(PEOPLE)), start.isoformat(),
                         (start + timedelta(days=rng.randint(0, 12))).isoformat()))  # fmt: skip
    f.write("team.yml", "workdays: [mon, tue, wed, thu, sat]\nescalation: [fay, ghost, cy]\n"
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
      steps: rb.procs.map((p) => {
        const s = rb.nextStep(p, off);
        const iso = (o) => new Date(rb.dayMs(o)).toISOString().slice(0, 10);
        return s && [s.kind, s.call.map(id), s.away.map((a) => [id(a[0]), iso(a[1])])];
      }),
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
    statuses, kinds, compared = set(), set(), 0
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
        steps = [next_step(runbook, coverage, p, day, c) for p, c in zip(procs, want, strict=True)]
        assert got["steps"] == [
            s and [s.kind, list(s.call), [[a.person, a.until.isoformat()] for a in s.away]]
            for s in steps
        ], day
        statuses |= {c.status for c in want}
        kinds |= {s.kind for s in steps if s}
        compared += len(want)
    assert statuses == {"ok", "covered", "no_access", "gap"}  # every branch of the rule ran
    # every branch of the escalation rule ran (in the sample too: over the holidays, the
    # only escalation person present is the one who cannot open the key)
    assert kinds == {"holders", "escalation", "nobody"}
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
    assert relance.locator(".releve-alert").first.evaluate("e => getComputedStyle(e).color") == RED
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
    alerts = page.locator(".releve-today-section").first  # nobody able: first, for everyone
    assert "releve-today-alerts" in alerts.get_attribute("class")
    first = page.locator(".releve-today-mine")
    assert first.locator("h3").inner_text() == "Votre journée, Élodie Bouchard"
    mine = first.locator("li.releve-task")
    assert mine.count() >= 3
    assert set(mine.evaluate_all("ls => ls.map(l => l.dataset.by)")) == {"elodie"}
    rest = page.locator(".releve-today-client li.releve-task")
    assert "elodie" not in rest.evaluate_all("ls => ls.map(l => l.dataset.by)")
    storage = page.evaluate("Object.assign({}, window.localStorage)")
    assert storage == {"releve.today.me": "elodie"}  # an id, nothing else
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


# --- the relay: records, Mark as done, live status ------------------------------------

RECORDS_BUILT = "2026-11-23"  # the window holds the sample's November records and its winter
TEMPLATES = REPO / "plugins/releve/templates"


def add_hooks(root: Path) -> None:
    """The markup agreed with the pages' templates: `.releve-mark-done[data-proc]` in the
    procedure card and `data-releve-live="client-due"` on the client page. Until the
    packaged templates carry it, the team's template overrides (custom_dir/releve/) add it,
    so these tests run the real script on real pages."""
    card = (TEMPLATES / "cards/procedure.html.j2").read_text(encoding="utf-8")
    after = (TEMPLATES / "cards/client_after.html.j2").read_text(encoding="utf-8")
    week = (TEMPLATES / "coverage/client.html.j2").read_text(encoding="utf-8")
    own = root / "overrides/releve"
    if "releve-mark-done" not in card:
        hook = '<div class="releve-mark-done" data-proc="{{ proc.id }}"></div>\n'
        assert card.count("</dl>\n") == 1
        (own / "cards").mkdir(parents=True, exist_ok=True)
        (own / "cards/procedure.html.j2").write_text(card.replace("</dl>\n", "</dl>\n" + hook))
    if "client-due" not in after + week:
        hook = '<div data-releve-live="client-due" data-client="{{ client.id }}"></div>\n'
        assert after.count("{{ coverage_section }}") == 1
        (own / "cards").mkdir(parents=True, exist_ok=True)
        (own / "cards/client_after.html.j2").write_text(
            after.replace("{{ coverage_section }}", hook + "{{ coverage_section }}")
        )


@pytest.fixture(scope="module")
def sample_records(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("today-records") / "sample")
    add_hooks(root)
    result = mkdocs_build(root, today=RECORDS_BUILT)
    assert result.returncode == 0, result.stderr
    return root


def visit(chromium, url: str, now: str, width: int = 390, wait: str | None = None):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.clock.set_fixed_time(f"{now}T10:00:00")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    if wait:
        page.wait_for_selector(wait, state="attached")
    return context, page, errors


def fits(page, width: int = 390) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def decoded(href: str) -> tuple[str, dict[str, str]]:
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(href)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return f"{parts.scheme}://{parts.netloc}{parts.path}", query


def test_records_and_mark_as_done_on_github(chromium, server, sample_records):
    url = server(sample_records / "site")
    # A past day: what each task's records say, "not recorded" where none, and the action.
    context, page, errors = visit(chromium, url + "today/?date=2026-11-12", "2026-11-13",
                                  wait="li.releve-task")  # fmt: skip
    clinic = task(page, "Prise et report de rendez-vous (clinique)")
    assert clinic.get_attribute("data-record") == "skipped"
    assert "Sautée par Julie Gagnon" in clinic.inner_text()
    assert "Clinique fermée pour l'inventaire annuel" in clinic.inner_text()
    phone = task(page, "Réponse à la ligne téléphonique")
    assert phone.get_attribute("data-record") == "missing"
    assert "Non consignée" in phone.inner_text()
    signatures = task(page, "Agenda des signatures (Lavoie Fortin)")
    assert signatures.get_attribute("data-record") == "done"
    assert "Fait par Élodie Bouchard" in signatures.inner_text()
    assert "Signature Gauthier reportée" in signatures.inner_text()
    chips = page.locator(".releve-chips").inner_text()
    assert "consignées" in chips and "non consignées" in chips
    # Mark as done: GitHub's new-file page with the record filled in, for the person the
    # rule named (Julie covers Samir); she already has a record that day: the name takes -2.
    href = clinic.locator("a.releve-mark-link").get_attribute("href")
    target, query = decoded(href)
    assert target == "https://github.com/example/cahier-de-releve/new/main"
    want = new_record(sample_records, "records", "prise-rendez-vous-clinique",
                      date(2026, 11, 12), "julie", "done")  # fmt: skip
    assert want.path.endswith("-julie-2.yml")
    assert query == {"filename": want.path, "value": want.text}
    assert clinic.locator("a.releve-mark-link").get_attribute("target") == "_blank"
    assert fits(page)
    page.screenshot(path=str(SCREENSHOTS / "today-records-2026-11-12-390.png"), full_page=True)
    # "I am" fills `by`.
    page.locator(".releve-today-me").select_option("elodie")
    clinic = task(page, "Prise et report de rendez-vous (clinique)")
    _, query = decoded(clinic.locator("a.releve-mark-link").get_attribute("href"))
    want = new_record(sample_records, "records", "prise-rendez-vous-clinique",
                      date(2026, 11, 12), "elodie", "done")  # fmt: skip
    assert query == {"filename": want.path, "value": want.text}
    assert want.path.endswith("-elodie.yml")
    assert errors == []
    context.close()
    # A day still to come: nothing to mark, nothing "not recorded".
    context, page, _ = visit(chromium, url + "today/?date=2026-11-16", "2026-11-13",
                             wait="li.releve-task")  # fmt: skip
    assert page.locator(".releve-mark").count() == 0
    assert page.locator(".releve-record-missing").count() == 0
    context.close()
    # A procedure page: the same action, for the reader's today.
    context, page, errors = visit(chromium, url + "procedures/agenda/prise-rendez-vous-clinique/",
                                  "2026-11-13", wait=".releve-mark-done a")  # fmt: skip
    _, query = decoded(page.locator(".releve-mark-done a.releve-mark-link").get_attribute("href"))
    want = new_record(sample_records, "records", "prise-rendez-vous-clinique",
                      date(2026, 11, 13), "julie", "done")  # fmt: skip
    assert query == {"filename": want.path, "value": want.text} and want.path.endswith("-2.yml")
    assert fits(page) and errors == []
    context.close()


def test_gap_card_names_who_to_call_and_the_message_to_copy(chromium, server, sample_records):
    url = server(sample_records / "site")
    context, page, errors = visit(chromium, url + "today/", "2026-12-31", wait="li.releve-task")
    sections = page.locator(".releve-today-section")
    assert "releve-today-alerts" in sections.first.get_attribute("class")  # red alerts first
    gap = sections.first.locator("li.releve-task").first
    assert gap.get_attribute("data-status") == "gap"
    step = gap.locator(".releve-next")
    assert step.get_attribute("data-next") == "escalation"
    assert step.get_attribute("data-call") == "elodie"  # Marie, first on the list, is away
    assert step.locator("a.releve-tel").get_attribute("href") == "tel:+15145550104"
    text = gap.inner_text()
    assert "Appelez" in text and "Élodie Bouchard" in text and "demandez" not in text
    assert "Prévenez Rénovations Bélanger inc." in text
    message = gap.locator(".releve-tell pre").first
    body = message.evaluate("e => e.textContent")
    assert "mardi 5 janvier" in body and "{retour}" not in body  # away until the 4th: back on 5th
    button = gap.locator(".releve-tell button.releve-copy").first
    assert button.get_attribute("data-copy-target") == message.get_attribute("id")
    # Mark as done on a gap day: the person to call, unless "I am" says otherwise.
    _, query = decoded(gap.locator("a.releve-mark-link").get_attribute("href"))
    assert query["filename"].endswith("-rapprochement-bancaire-elodie.yml")
    assert fits(page)
    page.screenshot(path=str(SCREENSHOTS / "today-gap-2026-12-31-390.png"), full_page=True)
    assert errors == []
    context.close()
    # A no-access day: the doer cannot open the accounting key; its holders are away.
    context, page, _ = visit(chromium, url + "today/?date=2026-12-29", "2026-12-29",
                             wait="li.releve-task")  # fmt: skip
    relance = task(page, "Relance de paiement au jour 14")
    assert relance.get_attribute("data-status") == "no_access"
    # Élodie, present, cannot open it; its holders (Marie, Samir) are away, and the only
    # escalation person present is Élodie herself: nobody reachable, said with return dates.
    assert relance.locator(".releve-next").get_attribute("data-next") == "nobody"
    text = relance.inner_text()
    assert "demandez" not in text and "Marie Tremblay" in text and "4 janvier" in text
    context.close()


MARIE = {"before": "2026-12-18", "during": "2026-12-22", "after": "2027-01-05"}  # away 21/12-4/1


@pytest.mark.parametrize("when", MARIE)
def test_live_status_before_during_and_after_an_absence(chromium, server, sample_records, when):
    url = server(sample_records / "site")
    now = MARIE[when]
    runbook = load_runbook(sample_records, load_settings(sample_records))
    # Her own page (built on 23 November, when she was in).
    context, page, errors = visit(chromium, url + "people/marie/", now,
                                  wait='[data-releve-live-day]')  # fmt: skip
    status = page.locator('[data-releve-live="person-status"]')
    want = "en absence jusqu'au lundi 4 janvier 2027" if when == "during" else "disponible"
    assert status.inner_text() == want
    # The compact form (a list of people): a badge when away, nothing otherwise.
    page.evaluate("""() => {
        const s = document.createElement("span");
        s.id = "compact";
        s.dataset.releveLive = "person-status";
        s.dataset.person = "marie";
        s.dataset.form = "badge";
        document.querySelector("article").appendChild(s);
        window.releveToday.refresh();
    }""")
    page.wait_for_selector("#compact[data-releve-live-day]", state="attached")
    compact = page.locator("#compact").evaluate("e => e.textContent")
    assert compact == (want if when == "during" else "")
    assert fits(page) and errors == []
    context.close()
    # A client's next seven days: the same tasks and people as Python's agenda.
    context, page, errors = visit(
        chromium,
        url + "clients/renovations-belanger/",
        now,
        wait='[data-releve-live="client-due"][data-releve-live-day]',
    )
    start = date.fromisoformat(now)
    coverage = compute(runbook, start, start + timedelta(days=6))
    procs = runbook.procedures_of_client("renovations-belanger")
    expected = {}
    for n in range(7):
        day = start + timedelta(days=n)
        plan = day_of(coverage, day, procs)
        rows = [[t.procedure.id, t.cover.by or "", t.cover.status] for t in plan.tasks]
        rows += [[t.procedure.id, t.cover.by or "", t.cover.status] for t in plan.on_call]
        if rows:
            expected[day.isoformat()] = rows
    got = page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('[data-releve-live="client-due"] .releve-plan-day'),
        (d) => [d.dataset.day, Array.from(d.querySelectorAll('li.releve-task'),
                (l) => [l.dataset.proc, l.dataset.by, l.dataset.status])]))""")
    assert got == expected and got
    bank = [r for rows in got.values() for r in rows if r[0] == "rapprochement-bancaire"]
    assert bank and bank[0][1] == ("samir" if when == "during" else "marie")
    assert fits(page) and errors == []
    context.close()
    # The Today page and the home page's coming absences.
    context, page, errors = visit(chromium, url + "today/", now, wait=".releve-today-away")
    away = page.locator(".releve-today-away").inner_text()
    assert ("Marie Tremblay" in away) == (when == "during")
    assert fits(page) and errors == []
    context.close()
    context, page, errors = visit(chromium, url, now, wait='[data-releve-live="absences"] li')
    items = page.locator('[data-releve-live="absences"] li').all_inner_texts()
    assert any(i.startswith("Marie Tremblay — 21 décembre 2026") for i in items) == (
        when != "after"
    )
    assert fits(page) and errors == []
    context.close()


def test_review_badge_follows_the_readers_clock(chromium, server, sample_records):
    url = server(sample_records / "site")
    runbook = load_runbook(sample_records, load_settings(sample_records))
    proc = runbook.procedure("prise-rendez-vous-clinique")
    due = review_due(proc, date.fromisoformat(RECORDS_BUILT), runbook.config).due
    page_url = url + "procedures/agenda/prise-rendez-vous-clinique/"
    cases = {due - timedelta(days=SOON_DAYS + 1): None, due - timedelta(days=1): "soon",
             due: "soon", due + timedelta(days=1): "overdue"}  # fmt: skip
    for now, state in cases.items():
        context, page, errors = visit(
            chromium,
            page_url,
            now.isoformat(),
            wait='[data-releve-live="review"][data-releve-live-day]',
        )
        review = page.locator('[data-releve-live="review"]')
        badge = review.locator("[data-due]")
        if state is None:
            assert badge.count() == 0, now
        else:
            assert badge.get_attribute("data-due") == f"review-{state}", now
        assert fits(page) and errors == []
        context.close()


def test_mark_as_done_on_gitlab_and_elsewhere(chromium, server, tmp_path, synthetic):
    from conftest import GOOD, MINIMAL_TEAM

    f = RunbookFactory(tmp_path / "gl")
    f.write("mkdocs.yml", "repo_url: https://gitlab.com/team/runbook\n"
            "edit_uri: -/edit/trunk/docs/\n" + MINIMAL_MKDOCS.format(lang="en"))  # fmt: skip
    (f.root / "docs").mkdir()
    f.write("team.yml", MINIMAL_TEAM)
    f.procedure("ops/inbox.md", GOOD + "schedule: daily\n")
    # An id YAML would read as a number: record_text quotes it, and so must the browser.
    f.procedure("ops/1e3.md", GOOD.replace("Triage the inbox", "Odd id") + "schedule: daily\n")
    result = mkdocs_build(f.root, today="2026-12-02")
    assert result.returncode == 0, result.stderr
    url = server(f.root / "site")
    context, page, errors = visit(chromium, url + "today/", "2026-12-02", wait="li.releve-task")
    inbox = task(page, "Triage the inbox")
    assert inbox.get_attribute("data-by") == "ben"  # Ana is away
    target, query = decoded(inbox.locator("a.releve-mark-link").get_attribute("href"))
    want = new_record(f.root, "records", "inbox", date(2026, 12, 2), "ben", "done")
    assert target == "https://gitlab.com/team/runbook/-/new/trunk/"
    assert query == {"file_name": want.path, "content": want.text}
    record = inbox.locator(".releve-mark-text")  # to paste, should GitLab leave it out
    assert record.evaluate("e => e.textContent") == want.text
    _, query = decoded(task(page, "Odd id").locator("a.releve-mark-link").get_attribute("href"))
    want = new_record(f.root, "records", "1e3", date(2026, 12, 2), "ben", "done")
    assert "procedure: '1e3'\n" in want.text
    assert query == {"file_name": want.path, "content": want.text}
    assert fits(page) and errors == []
    context.close()
    # No repo_url: the command, to copy.
    url = server(synthetic / "site")
    context, page, errors = visit(chromium, url + "today/?date=2026-12-15", BUILT,
                                  wait="li.releve-task")  # fmt: skip
    first = page.locator("li.releve-task").filter(has=page.locator("details.releve-mark-command"))
    first = first.first
    first.locator("details.releve-mark-command summary").click()
    command = first.locator(".releve-mark-command code").inner_text()
    proc_id, by = first.get_attribute("data-proc"), first.get_attribute("data-by")
    assert by and command == f"releve done {proc_id} --date 2026-12-15 --by {by}"
    button = first.locator(".releve-mark-command button.releve-copy")
    assert button.get_attribute("data-copy-target") == first.locator(
        ".releve-mark-command code"
    ).get_attribute("id")
    assert page.locator("a.releve-mark-link").count() == 0
    assert fits(page) and errors == []
    context.close()
