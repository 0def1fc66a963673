"""`releve new` options and placeholders (RB024), its PATH rule, and `releve client new`."""

from __future__ import annotations

import json

import pytest

from conftest import releve
from releve.model import load_runbook

TEAM = """\
people:
  - {id: ana, name: Ana Lima}
  - {id: ben, name: Ben Okafor}
"""


@pytest.fixture
def rb(make_runbook):
    return make_runbook(team=TEAM)


def lint_json(root) -> list[dict]:
    return json.loads(releve("lint", "--root", str(root), "--format", "json").stdout)


def new(rb, path: str, *options: str):
    return releve("new", path, "--owner", "ana", "--backup", "ben", *options,
                  "--root", str(rb.root))  # fmt: skip


def test_what_is_given_is_written_as_given(rb):
    done = new(rb, "billing/late.md", "--title", "Late payments: day 7", "--priority", "urgent",
               "--sla", "4 business hours", "--schedule", "weekly mon, thu",
               "--frequency", "twice a week", "--service", "money")  # fmt: skip
    assert done.returncode == 0, done.stderr
    (proc,) = load_runbook(rb.root).procedures
    assert (proc.title, proc.service, proc.priority) == ("Late payments: day 7", "money", "urgent")
    assert (proc.sla, proc.frequency, proc.schedule.text) == (
        "4 business hours", "twice a week", "weekly mon, thu",
    )  # fmt: skip
    assert proc.schedule.rules  # a schedule Relève reads
    text = (rb.root / "procedures/billing/late.md").read_text(encoding="utf-8")
    front = text.split("---")[1]
    assert "TODO" not in front.split("success_criteria")[0]  # given: no placeholder
    left = {(f["code"], f["line"]) for f in lint_json(rb.root) if f["code"] == "RB024"}
    assert len(left) == 3  # the success criterion and the two steps are still to write


def test_what_is_not_given_is_a_placeholder_the_lint_reports(rb):
    done = new(rb, "ops/x.md")
    assert done.returncode == 0, done.stderr
    text = (rb.root / "procedures/ops/x.md").read_text(encoding="utf-8")
    for key in ("priority", "sla", "frequency", "schedule"):
        assert f'{key}: "TODO: ' in text, key
    assert "daily" not in text.split("---")[1].replace("(daily,", "")  # no borrowed example
    found = [f for f in lint_json(rb.root) if f["code"] == "RB024"]
    lines = text.splitlines()
    keys = sorted(lines[f["line"] - 1].split(":")[0].strip(' -"') for f in found)
    assert keys == ["1. TODO", "2. TODO", "TODO", "frequency", "priority", "schedule", "sla"]
    assert all(f["severity"] == "warning" for f in found)
    assert [f for f in lint_json(rb.root) if f["severity"] == "error"] == []
    (proc,) = load_runbook(rb.root).procedures
    assert proc.priority == "important" and proc.schedule.rules == ()  # meanwhile
    filled = text
    for line in lines:
        if "TODO" in line:
            filled = filled.replace(line, line.replace("TODO: ", "").replace('"', ""))
    filled = filled.replace("priority: urgent, important or planned", "priority: planned")
    filled = filled.replace("schedule: the days it is due (daily, weekly DAY, monthly N, "
                            "on demand...)", "schedule: monthly 1")  # fmt: skip
    (rb.root / "procedures/ops/x.md").write_text(filled, encoding="utf-8")
    assert [f["code"] for f in lint_json(rb.root)] == []


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("notes/x.md", "procedures/notes/x.md"),  # PATH is relative to procedures/
        ("procedures/notes/y.md", "procedures/notes/y.md"),  # the folder may be written
        ("a/b/c.md", "procedures/a/b/c.md"),
    ],
)
def test_path_is_relative_to_the_procedures_folder(rb, path, written):
    done = new(rb, path)
    assert done.returncode == 0, done.stderr
    assert (rb.root / written).is_file()
    assert done.stdout.startswith(f"Created {written} (service ")


def test_a_path_into_another_folder_of_the_runbook_is_refused(rb):
    (rb.root / "clients").mkdir()
    for path in ("docs/x.md", "clients/acme.md"):
        done = new(rb, path)
        assert done.returncode == 2
        first = path.split("/")[0]
        assert f"{first}/ is another folder of the runbook" in done.stderr
        assert f"write procedures/{path}" in done.stderr and done.stderr.count("\n") == 1
    assert not (rb.root / "procedures").exists()


def test_an_existing_file_exits_1(rb):
    assert new(rb, "ops/x.md").returncode == 0
    again = new(rb, "ops/x.md", "--sla", "other")
    assert again.returncode == 1 and "already exists" in again.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--priority", "high"], "--priority high: not a priority; use one of urgent, important"),
        (["--schedule", "fortnightly"], "--schedule: 'schedule' cannot be read at 'fortnightly'"),
        (["--sla", " "], "--sla: empty"),
    ],
)
def test_bad_option_values_are_one_line(rb, options, message):
    done = new(rb, "ops/x.md", *options)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert not (rb.root / "procedures/ops/x.md").exists()


def test_a_team_template_that_leaves_a_given_option_out_is_refused(rb):
    rb.write(".releve/procedure.md",
             "---\ntitle: {{ title }}\nservice: {{ service }}\nowner: {{ owner }}\n"
             "backup: [{{ backup }}]\npriority: {{ priority }}\nsuccess_criteria: [Done]\n"
             "reviewed: {{ today }}\n---\nOur template.\n")  # fmt: skip
    done = new(rb, "ops/x.md", "--sla", "1 day", "--priority", "planned")
    assert done.returncode == 2
    assert "does not write `sla` as given" in done.stderr and "{{ sla | tojson }}" in done.stderr
    assert not (rb.root / "procedures/ops/x.md").exists()
    ok = new(rb, "ops/y.md", "--priority", "planned")  # what it writes is written as given
    assert ok.returncode == 0, ok.stderr
    assert "priority: planned" in (rb.root / "procedures/ops/y.md").read_text(encoding="utf-8")


# --- releve client new ------------------------------------------------------------------


def test_client_new_writes_a_page_that_lints_clean_and_new_can_name_it(rb):
    refused = new(rb, "ops/x.md", "--client", "acme")
    assert refused.returncode == 2 and "'acme' (--client) has no page" in refused.stderr
    done = releve(
        "client",
        "new",
        "acme",
        "--name",
        'Acme: "the" company',
        "--hours",
        "mon-fri 9-17",
        "--response-time",
        "4 business hours",
        "--root",
        str(rb.root),
    )
    assert done.returncode == 0, done.stderr
    assert "clients/acme.md" in done.stdout
    assert lint_json(rb.root) == []
    client = load_runbook(rb.root).clients["acme"]
    assert (client.name, client.hours, client.response_time) == (
        'Acme: "the" company', "mon-fri 9-17", "4 business hours",
    )  # fmt: skip
    assert new(rb, "ops/x.md", "--client", "acme").returncode == 0
    (proc,) = load_runbook(rb.root).procedures
    assert proc.clients == ["acme"]
    assert not [f for f in lint_json(rb.root) if f["code"] == "RB004"]


def test_client_new_with_the_name_only(rb):
    done = releve("client", "new", "bolt", "--name", "Bolt", "--root", str(rb.root))
    assert done.returncode == 0, done.stderr
    assert lint_json(rb.root) == []
    client = load_runbook(rb.root).clients["bolt"]
    assert client.hours is None and client.response_time is None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["Bad Id", "--name", "X"], 2, "is not a valid id"),
        (["acme", "--name", "  "], 2, "--name: empty"),
        (["acme", "--name", "Again"], 1, "already exists"),
    ],
)
def test_client_new_refusals_are_one_line(rb, args, code, message):
    assert releve("client", "new", "acme", "--name", "Acme", "--root", str(rb.root)).returncode == 0
    before = (rb.root / "clients/acme.md").read_text(encoding="utf-8")
    done = releve("client", "new", *args, "--root", str(rb.root))
    assert done.returncode == code
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert (rb.root / "clients/acme.md").read_text(encoding="utf-8") == before
