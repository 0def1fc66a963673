"""Records of tasks done: `releve done`, RB021, RB022, the hand-back, and bad record files."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest

from conftest import MINIMAL_TEAM, releve
from releve.core.settings import load_settings
from releve.lint import lint_runbook
from releve.model import load_runbook
from releve.records.handback import handback, latest_return
from releve.records.history import History

TODAY = "2026-12-10"
URGENT = """\
title: Answer the phone
service: ops
owner: ana
backup: [ben, chloe]
priority: urgent
schedule: daily
success_criteria: [Every call answered]
reviewed: 2026-11-01
last_drill: 2026-11-01
"""
WEEKLY = """\
title: Weekly invoices
service: ops
owner: ana
backup: [ben]
priority: important
schedule: weekly tue
success_criteria: [Invoices sent]
reviewed: 2026-11-01
"""
# Ana away Dec 1-5 with a nested absence Dec 3-4, and again Dec 7 (back-to-back after a
# weekend, so one hand-back span from Dec 1 to Dec 7).
TEAM = MINIMAL_TEAM.replace(
    "absences:\n  - {person: ana, from: 2026-12-01, to: 2026-12-05}",
    "absences:\n  - {person: ana, from: 2026-12-01, to: 2026-12-05}\n"
    "  - {person: ana, from: 2026-12-03, to: 2026-12-04}\n"
    "  - {person: ana, from: 2026-12-07, to: 2026-12-07}",
)


@pytest.fixture
def rb(make_runbook):
    f = make_runbook(team=TEAM)
    f.procedure("ops/phone.md", URGENT)
    f.procedure("ops/invoices.md", WEEKLY)
    return f


def record(f, name: str, text: str) -> None:
    f.write(f"records/2026/{name}", text)


def codes(root, today=TODAY) -> list[tuple[str, str, int]]:
    runbook = load_runbook(root, load_settings(root))
    found = lint_runbook(runbook, date.fromisoformat(today))
    return [(x.code, x.path, x.line) for x in found]


# --- releve done --------------------------------------------------------------


def test_done_writes_one_record_and_a_second_gets_a_suffix(rb):
    first = releve("done", "phone", "--by", "ben", "--date", "2026-12-02", cwd=rb.root,
                   today=TODAY)  # fmt: skip
    assert first.returncode == 0, first.stderr
    path = rb.root / "records/2026/2026-12-02-phone-ben.yml"
    assert path.read_text(encoding="utf-8") == (
        "procedure: phone\ndate: 2026-12-02\nby: ben\nstatus: done\n"
    )
    second = releve("done", "phone", "--by", "ben", "--date", "2026-12-02", "--status",
                    "partial", "--note", "Two calls\nleft", cwd=rb.root, today=TODAY)  # fmt: skip
    assert second.returncode == 0, second.stderr
    again = rb.root / "records/2026/2026-12-02-phone-ben-2.yml"
    assert "status: partial" in again.read_text(encoding="utf-8")
    assert "note: Two calls left" in again.read_text(encoding="utf-8")  # one line
    assert path.read_text(encoding="utf-8").endswith("status: done\n")  # untouched
    assert [c for c in codes(rb.root) if c[0] == "RB021"] == []


def test_done_by_defaults_to_releve_user_and_date_to_today(rb):
    done = releve("done", "invoices", cwd=rb.root, today=TODAY, env={"RELEVE_USER": "ben"})
    assert done.returncode == 0, done.stderr
    assert (rb.root / f"records/2026/{TODAY}-invoices-ben.yml").is_file()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["phon", "--by", "ben"], "'phone'"),  # did you mean
        (["phone", "--by", "bem"], "'ben'"),
        (["phone", "--by", "ben", "--date", "2026-12-11"], "after today"),
        (["phone"], "RELEVE_USER"),
    ],
)
def test_done_refuses_unknown_ids_future_dates_and_no_person(rb, args, expected, monkeypatch):
    monkeypatch.delenv("RELEVE_USER", raising=False)
    done = releve("done", *args, cwd=rb.root, today=TODAY)
    assert done.returncode == 2
    assert expected in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (rb.root / "records").exists()


def git(root, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin"}  # fmt: skip
    out = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_records_from_two_branches_merge_without_conflict(rb):
    root = rb.root
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    git(root, "checkout", "-qb", "ben")
    done = releve("done", "phone", "--by", "ben", "--date", "2026-12-02", cwd=root, today=TODAY)
    assert done.returncode == 0, done.stderr
    git(root, "add", "-A")
    git(root, "commit", "-qm", "ben did it")
    git(root, "checkout", "-q", "main")
    git(root, "checkout", "-qb", "chloe")
    done = releve("done", "phone", "--by", "chloe", "--date", "2026-12-02", "--status", "partial",
                  cwd=root, today=TODAY)  # fmt: skip
    assert done.returncode == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "chloe did part")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "ben")
    git(root, "merge", "-q", "--no-edit", "chloe")  # would fail on a conflict
    history = History.of(load_runbook(root))
    assert sorted(r.by for r in history.on("phone", date(2026, 12, 2))) == ["ben", "chloe"]


# --- RB021, RB022 ----------------------------------------------------------------


def test_rb021_unknown_procedure_person_future_date_and_status(rb):
    record(rb, "a.yml", "procedure: phon\ndate: 2026-12-02\nby: ben\nstatus: done\n")
    record(rb, "b.yml", "procedure: phone\ndate: 2026-12-02\nby: zoe\nstatus: done\n")
    record(rb, "c.yml", "procedure: phone\ndate: 2026-12-11\nby: ben\nstatus: done\n")
    record(rb, "d.yml", "procedure: phone\ndate: 2026-12-02\nby: ben\nstatus: finished\n")
    found = [c for c in codes(rb.root) if c[0] == "RB021"]
    assert found == [
        ("RB021", "records/2026/a.yml", 1),
        ("RB021", "records/2026/b.yml", 3),
        ("RB021", "records/2026/c.yml", 2),
        ("RB021", "records/2026/d.yml", 4),
    ]
    runbook = load_runbook(rb.root)
    messages = [f.message("en") for f in lint_runbook(runbook, date.fromisoformat(TODAY))
                if f.code == "RB021"]  # fmt: skip
    assert "did you mean 'phone'" in messages[0]


def test_rb022_only_once_records_are_kept_and_a_drill_clears_it(rb):
    assert [c for c in codes(rb.root) if c[0] == "RB022"] == []  # no records yet
    record(rb, "x.yml", "procedure: invoices\ndate: 2026-12-01\nby: ben\nstatus: done\n")
    assert [c[0] for c in codes(rb.root) if c[0] == "RB022"] == ["RB022"]  # ben never did phone
    record(rb, "y.yml", "procedure: phone\ndate: 2026-12-08\nby: ben\nstatus: drill\n")
    assert [c for c in codes(rb.root) if c[0] == "RB022"] == []
    # a drill too long ago counts as stale
    assert [c[0] for c in codes(rb.root, today="2027-06-01") if c[0] == "RB022"] == ["RB022"]


def test_rb003_for_an_unknown_escalation_id(make_runbook):
    f = make_runbook(team=MINIMAL_TEAM + "escalation: [ana, zed]\n")
    f.procedure("ops/phone.md", URGENT)
    assert ("RB003", "team.yml", 7) in codes(f.root)  # the line of `escalation:`


# --- bad record files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("bad.yml", "procedure: [phone\n", "RB008"),
        ("list.yml", "- phone\n", "RB008"),
        ("nodate.yml", "procedure: phone\nby: ben\nstatus: done\n", "RB006"),
        ("typo.yml", "procedure: phone\ndate: 2026-12-02\nby: ben\nstatus: done\nnotes: x\n",
         "RB014"),
    ],
)  # fmt: skip
def test_a_broken_record_is_one_finding_and_the_rest_still_load(rb, name, text, code):
    record(rb, name, text)
    record(rb, "good.yml", "procedure: phone\ndate: 2026-12-02\nby: ben\nstatus: done\n")
    assert code in {c[0] for c in codes(rb.root) if c[1] == f"records/2026/{name}"}
    assert len(History.of(load_runbook(rb.root)).of_procedure("phone")) >= 1
    lint = releve("lint", cwd=rb.root, today=TODAY)
    assert "Traceback" not in lint.stderr and f"records/2026/{name}:" in lint.stdout


def test_a_folder_named_like_a_record_is_one_line(rb):
    (rb.root / "records/2026/folder.yml").mkdir(parents=True)
    lint = releve("lint", cwd=rb.root, today=TODAY)
    assert lint.returncode == 1 and "Traceback" not in lint.stderr
    assert [line for line in lint.stdout.splitlines() if "folder.yml" in line] == [
        line for line in lint.stdout.splitlines() if line.startswith("records/2026/folder.yml:1:")
    ]


def test_a_record_of_a_renamed_procedure_is_rb021_at_its_line(rb):
    record(rb, "old.yml", "procedure: phones\ndate: 2026-12-02\nby: ben\nstatus: done\n")
    assert ("RB021", "records/2026/old.yml", 1) in codes(rb.root)


# --- the hand-back ---------------------------------------------------------------


def test_handback_joins_nested_absences_and_puts_what_needs_a_look_first(rb):
    record(rb, "1.yml", "procedure: phone\ndate: 2026-12-01\nby: ben\nstatus: done\n")
    record(rb, "2.yml", "procedure: invoices\ndate: 2026-12-01\nby: ben\nstatus: partial\n"
                        "note: Two left for Ana\n")  # fmt: skip
    record(rb, "3.yml", "procedure: phone\ndate: 2026-12-02\nby: ben\nstatus: skipped\n")
    runbook = load_runbook(rb.root)
    today = date.fromisoformat(TODAY)
    assert latest_return(runbook, "ana", today) == (date(2026, 12, 1), date(2026, 12, 7))
    back = handback(runbook, "ana", date(2026, 12, 1), date(2026, 12, 7), History.of(runbook))
    states = [(i.day.day, i.procedure.id, i.state) for i in back.attention]
    # not recorded first (Dec 3, 4, 7 phone), then skipped, then partial
    assert states[:3] == [(3, "phone", "not_recorded"), (4, "phone", "not_recorded"),
                          (7, "phone", "not_recorded")]  # fmt: skip
    assert states[3:] == [(2, "phone", "skipped"), (1, "invoices", "partial")]
    assert [d.day.day for d in back.days] == [1, 2, 3, 4, 7]


def test_handback_command_text_and_json_agree(rb):
    record(rb, "2.yml", "procedure: invoices\ndate: 2026-12-01\nby: ben\nstatus: partial\n"
                        "note: Two left for Ana\n")  # fmt: skip
    as_json = releve("handback", "--person", "ana", "--format", "json", cwd=rb.root, today=TODAY)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert (data["from"], data["to"]) == ("2026-12-01", "2026-12-07")
    partial = [i for i in data["attention"] if i["state"] == "partial"]
    assert partial[0]["record"]["note"] == "Two left for Ana"
    assert partial[0]["expected_by"] == "ben"
    text = releve("handback", "--person", "ana", cwd=rb.root, today=TODAY)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    first_item = next(line for line in lines if line.startswith("  "))
    assert "not recorded" in first_item  # what needs a look comes first
    assert "partly done (by Ben Okafor): Two left for Ana" in text.stdout
    attention = [line for line in lines[: lines.index("Day by day")] if line.startswith("  ")]
    assert len(attention) == len(data["attention"])


def test_handback_unknown_person_and_no_absence(rb):
    unknown = releve("handback", "--person", "anna", cwd=rb.root, today=TODAY)
    assert unknown.returncode == 2 and "did you mean 'ana'" in unknown.stderr
    none = releve("handback", "--person", "ben", cwd=rb.root, today=TODAY)
    assert none.returncode == 2 and "--from" in none.stderr


def test_handback_escapes_control_characters(make_runbook):
    f = make_runbook(team=TEAM.replace("name: Ben Okafor", 'name: "Ben \\e[31mOkafor"'))
    f.procedure("ops/invoices.md", WEEKLY)
    f.write("records/2026/x.yml", "procedure: invoices\ndate: 2026-12-01\nby: ben\n"
                                  "status: done\nnote: \"a\\e[2Jb\"\n")  # fmt: skip
    out = releve("handback", "--person", "ana", cwd=f.root, today=TODAY)
    assert out.returncode == 0 and "\x1b" not in out.stdout and "\\x1b" in out.stdout


def test_a_drill_record_by_a_backup_counts_as_the_last_drill(rb):
    """RB011 reads the latest drill: `last_drill` or a backup's drill record, the later."""
    assert [c for c in codes(rb.root, today="2027-03-01") if c[0] == "RB011"] != []
    record(rb, "d.yml", "procedure: phone\ndate: 2026-12-09\nby: chloe\nstatus: drill\n")
    assert [c for c in codes(rb.root, today="2027-03-01") if c[0] == "RB011"] == []
    # the owner rehearsing it is not a backup's drill
    record(rb, "d.yml", "procedure: phone\ndate: 2026-12-09\nby: ana\nstatus: drill\n")
    assert [c for c in codes(rb.root, today="2027-03-01") if c[0] == "RB011"] != []


def test_the_last_record_of_a_day_is_the_last_written_not_the_first_by_name(rb):
    # File names alone sort "-2" before the plain name and "-10" before "-9".
    day = "date: 2026-12-08\nby: ben\n"
    record(rb, "2026-12-08-phone-ben.yml", f"procedure: phone\n{day}status: partial\n")
    record(rb, "2026-12-08-phone-ben-2.yml", f"procedure: phone\n{day}status: skipped\n")
    record(rb, "2026-12-08-phone-ben-9.yml", f"procedure: phone\n{day}status: partial\n")
    record(rb, "2026-12-08-phone-ben-10.yml", f"procedure: phone\n{day}status: done\n")
    runbook = load_runbook(rb.root, load_settings(rb.root))
    history = History.of(runbook)
    names = [r.path.rsplit("/", 1)[-1] for r in history.on("phone", date(2026, 12, 8))]
    assert names == ["2026-12-08-phone-ben.yml", "2026-12-08-phone-ben-2.yml",
                     "2026-12-08-phone-ben-9.yml", "2026-12-08-phone-ben-10.yml"]  # fmt: skip
    assert history.record_for("phone", date(2026, 12, 8)).status == "done"
