"""Every command a message suggests runs as printed.

A fixture runbook with a real vault (made with `releve vault` itself) shows each
fix-it hint of the lint, of `releve vault audit` and of the maintainers' page;
the test takes the commands from the message text (between backticks), fills in
only the CAPITALISED placeholders the message explains (ROLE, PERSON, ID, F),
does what the message says to do first (a role in team.yml), and runs them: each
must succeed, and the finding must then be gone.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from conftest import ENGINE, TODAY, releve

PASS = {p: f"{p}-passphrase-for-the-hint-tests" for p in ("ana", "ben", "chloe", "dan")}
TEAM = """\
people:
  - {id: ana, name: Ana Lima, github: ana-gh, roles: [ops]}
  - {id: ben, name: Ben Okafor, github: ben-gh, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
  - {id: dan, name: Dan Roy, roles: [ops]}
"""
PROC = """\
title: {title}
service: ops
owner: ana
backup: [{backup}]
priority: important
success_criteria: [Done]
reviewed: 2026-11-01
credentials: [{cred}]
"""
COMMAND = re.compile(r"`(releve [^`]+)`")
LATER = "2028-06-01"  # every credential overdue for rotation (RB018)


def run(
    root: Path,
    command: str,
    *,
    stdin: str | None = None,
    today: str = TODAY,
    fill: dict[str, str] | None = None,
    user: str = "",
) -> subprocess.CompletedProcess:
    """Run a suggested command as printed, with its placeholders filled in; the passphrase
    is the `--as` person's (the prompt would ask for it); without `--as`, RELEVE_USER."""
    for placeholder, value in (fill or {}).items():
        command = re.sub(rf"\b{placeholder}\b", value, command)
    args = shlex.split(command)
    left = [w for w in re.findall(r"\b[A-Z]{2,}\b", command) if w != "CODEOWNERS"]
    assert args[0] == "releve" and not left, command  # every placeholder filled in
    who = args[args.index("--as") + 1] if "--as" in args else user
    env = {"RELEVE_PASSPHRASE": PASS.get(who, ""), "RELEVE_NEW_PASSPHRASE": PASS.get(who, ""),
           "RELEVE_USER": user}  # fmt: skip
    done = releve(*args[1:], cwd=root, today=today, stdin=stdin, env=env)
    assert done.returncode == 0, (command, done.stderr)
    return done


def findings(root: Path, today: str = TODAY) -> list[dict]:
    return json.loads(releve("lint", "--format", "json", cwd=root, today=today).stdout)


def hints(found: list[dict], code: str) -> list[tuple[dict, list[str]]]:
    return [(f, COMMAND.findall(f["message"])) for f in found if f["code"] == code]


@pytest.fixture
def rb(make_runbook) -> Path:
    rb = make_runbook(team=TEAM)
    root = rb.root
    for person in ("ana", "ben", "chloe"):  # dan never enrolled
        run(root, f"releve vault enroll --as {person}")
    run(root, "releve vault add bank --audience ops --as ana", stdin="s3cret-bank")
    run(root, "releve vault add books --audience finance --as chloe", stdin="s3cret-books")
    rb.procedure("ops/pay.md", PROC.format(title="Pay", backup="chloe", cred="bank"))
    rb.procedure("ops/call.md", PROC.format(title="Call", backup="dan", cred="bank"))
    rb.procedure("ops/file.md", PROC.format(title="File", backup="ben", cred="tax-portal"))
    return root


def test_rb017_without_the_role_says_to_add_it_first(rb):
    ((finding, commands),) = [
        (f, c) for f, c in hints(findings(rb), "RB017") if "pay.md" in f["path"]
    ]
    message = finding["message"]
    assert commands == ["releve vault grant --audience ops --to chloe --as ana"]
    assert message.index("first add ops to chloe's `roles` in team.yml") < message.index(
        commands[0]
    )
    refused = releve(*shlex.split(commands[0])[1:], cwd=rb,
                     env={"RELEVE_PASSPHRASE": PASS["ana"]})  # fmt: skip
    assert refused.returncode == 1 and "does not have the role" in refused.stderr  # hence "first"
    team = rb / "team.yml"  # what the message says to do first
    team.write_text(team.read_text().replace("roles: [finance]", "roles: [finance, ops]"))
    run(rb, commands[0])
    assert not [f for f in findings(rb) if f["code"] == "RB017" and "pay.md" in f["path"]]


def test_rb017_not_enrolled_says_to_enrol_first(rb):
    ((_, commands),) = [(f, c) for f, c in hints(findings(rb), "RB017") if "call.md" in f["path"]]
    assert commands == ["releve vault enroll --as dan",
                        "releve vault grant --audience ops --to dan --as ana"]  # fmt: skip
    for command in commands:
        run(rb, command)
    assert not [f for f in findings(rb) if f["code"] == "RB017"] or all(
        "call.md" not in f["path"] for f in findings(rb) if f["code"] == "RB017"
    )


def test_rb005_names_the_audience_and_who_seals(rb):
    ((finding, commands),) = hints(findings(rb), "RB005")
    assert commands == ["releve vault add tax-portal --audience ROLE --as PERSON",
                        "releve vault enroll --as PERSON"]  # fmt: skip
    assert "(finance: chloe; ops: ana)" in finding["message"]  # who may run it, per role
    run(rb, commands[0], fill={"ROLE": "ops", "PERSON": "ana"}, stdin="s3cret-tax")
    assert not [f for f in findings(rb) if f["code"] == "RB005"]


def test_rb005_without_roles_says_to_give_one_first(make_runbook):
    rb = make_runbook(team="people:\n  - {id: ana, name: Ana}\n  - {id: ben, name: Ben}\n")
    rb.procedure("ops/x.md", PROC.format(title="X", backup="ben", cred="bank"))
    ((finding, commands),) = hints(findings(rb.root), "RB005")
    message = finding["message"]
    assert "nobody in team.yml has a role yet" in message
    assert message.index("`roles: [ROLE]`") < message.index(commands[0])
    team = rb.root / "team.yml"
    team.write_text(team.read_text().replace("name: Ana}", "name: Ana, roles: [ops]}"))
    enroll = next(c for c in commands if "enroll" in c)
    run(rb.root, enroll, fill={"PERSON": "ana"})  # no vault.yml yet: enrolling creates it
    add = next(c for c in commands if "vault add" in c)
    run(rb.root, add, fill={"ROLE": "ops", "PERSON": "ana"}, stdin="s3cret")
    assert not [f for f in findings(rb.root) if f["code"] == "RB005"]


def test_rb018_and_the_audit_name_the_audience_and_a_holder(rb):
    found = hints(findings(rb, today=LATER), "RB018")
    assert {tuple(c) for _, c in found} == {
        ("releve vault add bank --audience ops --field F --replace --as ana",),
        ("releve vault add books --audience finance --field F --replace --as chloe",),
    }
    audit = releve("vault", "audit", cwd=rb, today=LATER)
    assert audit.returncode == 1
    audit_commands = COMMAND.findall(audit.stdout)
    assert sorted(audit_commands) == sorted(c for _, (c,) in found)  # the same commands
    for _, (command,) in found:
        run(rb, command, fill={"F": "password"}, stdin="n3w-value", today=LATER)
    assert not [f for f in findings(rb, today=LATER) if f["code"] == "RB018"]


def test_audit_revoke_hints_run(rb):
    team = rb / "team.yml"
    team.write_text(team.read_text().replace("roles: [finance]", "roles: [finance, ops]"))
    run(rb, "releve vault grant --audience ops --to chloe --as ana")
    run(rb, "releve vault grant --audience ops --to ben --as ana")
    text = team.read_text()  # chloe loses the role, ben leaves the team
    text = text.replace("roles: [finance, ops]", "roles: [finance]")
    text = text.replace("  - {id: ben, name: Ben Okafor, github: ben-gh, roles: [ops]}\n", "")
    team.write_text(text)
    audit = releve("vault", "audit", cwd=rb)
    commands = COMMAND.findall(audit.stdout)
    revokes = sorted(c for c in commands if " revoke " in c)
    assert revokes == ["releve vault revoke --audience ops --from ben --as ana",
                       "releve vault revoke --audience ops --from chloe --as ana"]  # fmt: skip
    for command in revokes:
        run(rb, command)
    assert "releve vault revoke" not in releve("vault", "audit", cwd=rb).stdout


def test_rb009_and_rb015_hints_run(rb):
    (rb / "procedures/ops/wifi.md").write_text(
        "---\n" + PROC.format(title="Wifi", backup="ben", cred="bank")
        + "---\nThe office wifi password: Tr0ub4dor&3x\n", encoding="utf-8",
    )  # fmt: skip
    (rb / ".github").mkdir()
    (rb / ".github/CODEOWNERS").write_text("* @ana-gh\n", encoding="utf-8")
    found = findings(rb)
    ((_, seal),) = hints(found, "RB009")
    assert seal == ["releve vault add ID --audience ROLE"]
    run(rb, seal[0], fill={"ID": "wifi", "ROLE": "ops"}, stdin="Tr0ub4dor&3x", user="ana")
    ((_, codeowners),) = hints(found, "RB015")
    for command in codeowners:
        run(rb, command)
    assert not [f for f in findings(rb) if f["code"] == "RB015"]


@pytest.mark.build
def test_the_maintainers_page_suggests_the_same_commands(rb):
    built = releve("build", "--engine", ENGINE, cwd=rb)
    assert built.returncode == 0, built.stderr
    page = (rb / "site/maintainers/index.html").read_text(encoding="utf-8")
    shown = {html.unescape(c) for c in re.findall(r"<code>(releve [^<]+)</code>", page)}
    from_lint = {c for f in findings(rb) for c in COMMAND.findall(f["message"])}
    assert shown and shown <= from_lint | {"releve lint"}
    assert "releve vault grant --audience ops --to chloe --as ana" in shown


def test_rb019_migrate_hint_runs(make_runbook):
    from vault_helpers import legacy_vault

    from releve.vault import store

    rb = make_runbook(team=TEAM)
    real = {"iterations": 600_000}  # what the CLI opens: the real minimum
    v = legacy_vault({"ops": ["ana"]}, PASS, [("bank", "ops", "password", "s3cret")], **real)
    store.write_atomic(rb.root / "vault.yml", store.dump(v))
    ((finding, commands),) = hints(findings(rb.root), "RB019")
    assert commands == ["releve vault migrate --as PERSON"] and "ana (ops)" in finding["message"]
    run(rb.root, commands[0], fill={"PERSON": "ana"})
    assert not [f for f in findings(rb.root) if f["code"] == "RB019"]
