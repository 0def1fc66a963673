"""The Today page's JSON (today.json), the maintainers' page and the home page, from real builds.

The browser side (the page itself, and the JS cover rule against Python's) is
tests/test_today_browser.py.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, mkdocs_build
from releve.core.settings import Settings, load_settings
from releve.i18n import catalogue
from releve.model import load_runbook
from releve.render.pages.today import DAYS_AFTER, DAYS_BEFORE, git_host, today_data
from releve.vault import ops, store

FAST = {"iterations": 1000, "weak_for_tests": True}  # test-only: the CLI never passes these
CANARY = "CANARY-today-Qz8#sealed-é"
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}, "chloe": {"finance"}}
PASS = {"ana": "ana-today-maple-river-lantern", "ben": "ben-today-cedar-compass-kettle"}
TEAM = """\
holidays: [2026-12-25]
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
escalation: [ghost, chloe]
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-10, note: SECRET-NOTE-holiday}
  - {person: ana, from: 2026-12-11, to: 2026-12-14}
  - {person: ana, from: 2026-12-05, to: 2026-12-08}
  - {person: ben, from: 2026-12-03, to: 2026-12-03}
"""
FRONT = """\
title: {title}
service: ops
owner: {owner}
backup: [{backup}]
priority: {priority}
success_criteria: [done]
reviewed: 2026-11-01
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import MINIMAL_MKDOCS, RunbookFactory

    root = tmp_path_factory.mktemp("today") / "rb"
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    (root / "docs").mkdir()
    f.write("team.yml", TEAM)
    f.procedure("ops/pay.md", FRONT.format(title="Pay suppliers", owner="ana", backup="ben, chloe",
                                           priority="urgent")
                + "schedule: weekly fri\nclients: [acme]\nsla: same day\ncredentials: [bank]\n",
                "Open [[cred:mail]] too.\n")  # fmt: skip
    f.procedure("ops/phone.md", FRONT.format(title="Answer the phone", owner="ben", backup="ana",
                                             priority="important"))  # fmt: skip
    f.procedure("ops/old.md", FRONT.format(title="Old page", owner="chloe", backup="ana",
                                           priority="planned").replace("2026-11-01", "2024-01-01")
                + "schedule: monthly 1\n")  # fmt: skip
    f.procedure("ops/named.md", FRONT.format(title="Named", owner="ben", backup="ana",
                                             priority="planned") + "id: filed-as\n")  # fmt: skip
    f.write(
        "clients/acme.md",
        "---\nname: Acme inc.\nabsence_messages:\n  email: Back on {return}.\n---\nNotes.\n",
    )
    f.write(
        "records/2026/2026-11-27-pay-ben.yml",
        "procedure: pay\ndate: 2026-11-27\nby: ben\nstatus: partial\nnote: Two left\n",
    )
    f.write(
        "records/2026/2026-11-27-pay-ben-2.yml",
        "procedure: pay\ndate: 2026-11-27\nby: ben\nstatus: done\n",
    )
    f.write(
        "records/2026/2026-10-02-pay-ana.yml",  # before the window: left out
        "procedure: pay\ndate: 2026-10-02\nby: ana\nstatus: done\n",
    )
    v = ops.enroll(store.Vault(), PEOPLE, "ana", PASS["ana"], **FAST).vault
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY,
                today=date(2026, 10, 2), label="Bank portal", **FAST)  # fmt: skip
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "mail", "ops", "mail-" + CANARY, label="Mailbox",
                today=date(2026, 10, 2), **FAST)  # fmt: skip
    store.write_atomic(root / "vault.yml", store.dump(v))  # ben is not a holder of ops
    result = mkdocs_build(root, today="2026-12-02")
    assert result.returncode == 0, result.stderr
    return root


def read_json(root: Path) -> dict:
    return json.loads((root / "site/assets/releve/today.json").read_text(encoding="utf-8"))


def test_json_layout(built):
    data = read_json(built)
    assert data["v"] == 2 and data["lang"] == "en"
    assert data["start"] == "2026-11-01" and data["built"] == DAYS_BEFORE  # built 2026-12-02
    assert data["last"] == DAYS_BEFORE + DAYS_AFTER
    assert data["wd"] == [0, 1, 2, 3, 4] and data["hol"] == [54]  # 2026-12-25
    people = [p[0] for p in data["people"]]
    assert people[:3] == ["ana", "ben", "chloe"] and data["known"] == 3
    assert data["people"][0][1:] == ["Ana Lima", "people/ana/"]
    # ana's three absences merge into one range (1-14 December); ben's day stays.
    ana, ben = people.index("ana"), people.index("ben")
    assert sorted(data["away"]) == sorted([[ana, 30, 43], [ben, 32, 32]])
    procs = {p[0]: p for p in data["procs"]}
    assert list(procs) == ["Pay suppliers", "Answer the phone", "Named", "Old page"]  # urgent 1st
    pay = procs["Pay suppliers"]
    assert data["dirs"][pay[1]] + pay[2] == "procedures/ops/pay/"
    assert data["sla"][pay[4]] == "same day"
    assert data["clients"][pay[5][0]] == [
        "Acme inc.",
        "clients/acme/",
        0,  # the id is the URL's: not repeated
        [["Email auto-reply", "Back on {return}."]],
    ]
    assert [data["creds"][c] for c in pay[6]] == ["Bank portal", "Mailbox"]
    assert [people[i] for i in pay[8]] == ["ana", "ben", "chloe"]
    assert pay[9] == 0b001  # only ana holds the ops key; ben and chloe cannot open it
    fridays = data["due"][pay[7]]
    assert fridays[:3] == [5, 12, 19] and all(d % 7 == 5 for d in fridays if d != 53)
    assert 54 not in fridays and 53 in fridays  # Christmas Friday moves to Thursday
    # review due 180 days after 2026-11-01; urgent: a drill, never done (null)
    assert pay[10] == [(date(2027, 4, 30) - date(2026, 11, 1)).days, 0, None, None]
    assert [[people[i] for i in data["aud"][a]] for a in pay[11]] == [["ana"]]  # ops: ana
    assert len(pay) == 12  # then the usual: the id is the URL's, an owner
    phone = procs["Answer the phone"]
    assert phone[7] == -1 and phone[9] == 0b11  # on demand; no credentials: everyone able
    assert len(phone[10]) == 2 and len(phone) == 11  # not urgent: no drill; no access needed
    assert procs["Old page"][3] == 2 and procs["Old page"][4] == -1
    assert procs["Named"][11:] == [[], "filed-as"]  # an id the URL does not say
    # escalation keeps an unknown id (RB003), after the known people: the browser skips it
    assert [people[i] for i in data["esc"]] == ["ghost", "chloe"]
    assert people.index("ghost") >= data["known"]
    # records of the window only, in file order; the second one's file has the suffix -2
    pay_index = list(procs).index("Pay suppliers")
    assert data["rec"] == [[pay_index, 26, ben, 1, "Two left"], [pay_index, 26, ben, 0, 0, 2]]
    assert data["keep"] == 1 and data["recdir"] == "records" and data["soon"] == 30
    assert "repo" not in data and "yq" not in data  # no repo_url; no id YAML would misread
    assert data["s"]["mark_done"] == "Mark as done"


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "docs_dir", "want"),
    [
        ("https://github.com/o/r", "edit/main/docs/", "docs",
         {"host": "github", "url": "https://github.com/o/r", "branch": "main", "dir": ""}),
        ("https://github.com/o/r.git/", None, "docs",
         {"host": "github", "url": "https://github.com/o/r", "branch": "main", "dir": ""}),
        ("https://gitlab.com/g/sub/r", "-/edit/trunk/runbook/docs/", "docs",
         {"host": "gitlab", "url": "https://gitlab.com/g/sub/r", "branch": "trunk",
          "dir": "runbook/"}),
        ("https://gitlab.example.org/t/r", "blob/prod/pages/", "pages",
         {"host": "gitlab", "url": "https://gitlab.example.org/t/r", "branch": "prod", "dir": ""}),
        ("https://bitbucket.org/o/r", "src/default/docs/", "docs", None),
        ("https://github.com/", None, "docs", None),
        ("git@github.com:o/r.git", None, "docs", None),
        (None, None, "docs", None),
    ],
)  # fmt: skip
def test_git_host(repo_url, edit_uri, docs_dir, want):
    settings = Settings(repo_url=repo_url, edit_uri=edit_uri, docs_dir=docs_dir)
    assert git_host(settings) == want


def test_json_holds_no_secret_nor_note(built):
    text = (built / "site/assets/releve/today.json").read_text(encoding="utf-8")
    vault = (built / "vault.yml").read_text(encoding="utf-8")
    sealed = set(re.findall(r"[A-Za-z0-9+/=]{16,}", vault))
    assert sealed, "no sealed value found in vault.yml: the test is out of date"
    assert CANARY not in text and "SECRET-NOTE" not in text
    assert [s for s in sealed if s in text] == []
    assert "Bank portal" in text  # the label, clear metadata, is there


def test_maintainers_page_holds_the_findings_and_home_does_not(built):
    site = built / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    page = (site / "maintainers/index.html").read_text(encoding="utf-8")
    assert ">RB010<" in page and "procedures/ops/old.md:" in page
    assert "RB010" not in home and "procedures/ops/old.md" not in home
    assert 'href="maintainers/"' in home and 'data-releve-today="summary"' in home
    today = (site / "today/index.html").read_text(encoding="utf-8")
    assert 'data-releve-today="page"' in today
    assert 'data-json="../assets/releve/today.json"' in today and 'data-base="../"' in today
    for page_html in (home, today):
        assert "assets/releve/today.js" in page_html
    nav = re.findall(r'<a href="([^"]+)" class="md-nav__link', home)
    assert "today/" in nav and "maintainers/" in nav


def test_json_strings_exist_in_both_languages():
    script = (REPO / "plugins/releve/assets/today.js").read_text(encoding="utf-8")
    used = set(re.findall(r"""this\.t\(\s*["']([a-z_.]+)["']""", script))
    used.discard("priority.")  # "priority." + value: listed below
    used |= {f"priority.{p}" for p in ("urgent", "important", "planned")}
    assert len(used) > 20, "no key found: the pattern is out of date"
    for lang in ("en", "fr"):
        known = {k.removeprefix("today.") for k in catalogue(lang) if k.startswith("today.")}
        assert sorted(used - known) == [], lang


@pytest.mark.slow
def test_json_under_150_kb_for_1000_procedures(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from today_bench import directory_url, generate

    generate(tmp_path, 1000)
    runbook = load_runbook(tmp_path, load_settings(tmp_path))
    assert [f for f in runbook.findings if f.code == "RB008"] == []
    data = today_data(runbook, date(2026, 11, 23), directory_url)
    assert len(data["procs"]) == 1000 and len(data["due"]) >= 5  # the generator's schedules
    size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    assert size < 150_000, size
