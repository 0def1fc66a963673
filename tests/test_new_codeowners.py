"""`releve new` (scaffold a procedure) and `releve codeowners` (CODEOWNERS from owners)."""

from __future__ import annotations

import json

import pytest

from conftest import releve

TEAM = """\
people:
  - {id: ana, name: Ana Lima, github: ana-gh}
  - {id: ben, name: Ben Okafor, github: "@ben-gh"}
  - {id: chloe, name: Chloé Dubois}
"""


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.write("clients/acme.md", "---\nname: Acme\n---\nNotes.\n")
    return rb


def lint_json(root) -> list[dict]:
    return json.loads(releve("lint", "--root", str(root), "--format", "json").stdout)


def test_new_scaffolds_a_procedure_that_passes_the_lint(rb):
    result = releve(
        "new", "billing/late-payments.md", "--owner", "ana", "--backup", "ben,chloe",
        "--client", "acme", "--title", "Late payments: day 7 & 14 # \"urgent\"",
        "--root", str(rb.root),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "procedures/billing/late-payments.md" in result.stdout
    path = rb.root / "procedures/billing/late-payments.md"
    from releve.model import load_runbook

    (proc,) = load_runbook(rb.root).procedures
    assert (proc.title, proc.service, proc.owner) == (
        'Late payments: day 7 & 14 # "urgent"', "billing", "ana",
    )  # fmt: skip
    assert (proc.backup, proc.clients, str(proc.reviewed)) == (
        ["ben", "chloe"],
        ["acme"],
        "2026-11-23",
    )
    assert [f for f in lint_json(rb.root) if f["severity"] == "error"] == []
    assert "[[cred:ID]]" in path.read_text(encoding="utf-8")  # an example in code, not a reference


def test_new_uses_the_runbook_template(rb):
    rb.write(
        ".releve/procedure.md",
        "---\ntitle: {{ title }}\nservice: {{ service }}\nowner: {{ owner }}\n"
        "backup: [{{ backup }}]\npriority: urgent\nsuccess_criteria: [Done]\n"
        "reviewed: {{ today }}\nlast_drill: {{ today }}\n---\nOur own template.\n",
    )
    result = releve("new", "procedures/ops/x.md", "--owner", "ana", "--backup", "ben",
                    "--title", "Colon: here", "--root", str(rb.root))  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = (rb.root / "procedures/ops/x.md").read_text(encoding="utf-8")
    assert "Our own template." in text and "priority: urgent" in text
    assert 'title: "Colon: here"' in text  # quoted because YAML could not read it plainly
    assert lint_json(rb.root) == []


def test_new_refuses_to_overwrite(rb):
    args = ["new", "ops/x.md", "--owner", "ana", "--backup", "ben", "--root", str(rb.root)]
    assert releve(*args).returncode == 0
    before = (rb.root / "procedures/ops/x.md").read_text(encoding="utf-8")
    again = releve(*args, "--title", "Other")
    assert again.returncode == 1
    assert "already exists" in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert (rb.root / "procedures/ops/x.md").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--owner", "zoe", "--backup", "ben"], "'zoe' (--owner) is not a person of team.yml"),
        (["--owner", "ana", "--backup", "ben,bob"], "'bob' (--backup) is not a person"),
        (["--owner", "ana", "--backup", "ana"], "cannot be both owner and backup"),
        (
            ["--owner", "ana", "--backup", "ben", "--client", "nope"],
            "'nope' (--client) has no page",
        ),
        (["--owner", "ana", "--backup", "ben", "--service", "Bad Service"], "not a valid id"),
    ],
)
def test_new_validates_ids_with_one_line(rb, args, message):
    result = releve("new", "ops/y.md", *args, "--root", str(rb.root))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (rb.root / "procedures/ops/y.md").exists()


@pytest.mark.parametrize("path", ["../outside.md", "procedures/ops/notes.txt", "/tmp/x.md"])
def test_new_refuses_paths_outside_procedures(rb, path):
    result = releve("new", path, "--owner", "ana", "--backup", "ben", "--root", str(rb.root))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr


def test_new_refuses_a_duplicate_id(rb):
    rb.procedure("a/dup.md", "title: A\nservice: a\nowner: ana\nbackup: [ben]\npriority: planned\n"
                 "success_criteria: [x]\nreviewed: 2026-11-01\n")  # fmt: skip
    result = releve("new", "b/dup.md", "--owner", "ana", "--backup", "ben", "--root", str(rb.root))
    assert result.returncode == 1 and "procedures/a/dup.md" in result.stderr


def test_new_with_a_broken_template_writes_nothing(rb):
    rb.write(".releve/procedure.md", "---\ntitle: [{{ title }}\n---\n")
    result = releve("new", "ops/z.md", "--owner", "ana", "--backup", "ben", "--root", str(rb.root))
    assert result.returncode == 2 and ".releve/procedure.md" in result.stderr
    assert not (rb.root / "procedures/ops/z.md").exists()


def _proc(rb, name: str, owner: str, backup: str) -> None:
    rb.procedure(name, f"title: T\nservice: s\nowner: {owner}\nbackup: [{backup}]\n"
                 "priority: planned\nsuccess_criteria: [x]\nreviewed: 2026-11-01\n")  # fmt: skip


def test_codeowners_lines_from_owners_and_backups(rb):
    _proc(rb, "ops/b.md", "ana", "ben, chloe")
    _proc(rb, "ops/a file.md", "chloe", "ben")
    result = releve("codeowners", "--root", str(rb.root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:-1] == [
        "/procedures/ops/a\\ file.md @ben-gh",
        "/procedures/ops/b.md @ana-gh @ben-gh",
    ]


def test_codeowners_write_check_and_lint_warning(rb):
    _proc(rb, "ops/b.md", "ana", "ben")
    (rb.root / ".github").mkdir()
    (rb.root / ".github/CODEOWNERS").write_text("# ours\n* @boss\n", encoding="utf-8")
    check = releve("codeowners", "--check", "--root", str(rb.root))
    assert check.returncode == 1 and "out of date" in check.stderr
    assert [f["code"] for f in lint_json(rb.root)] == ["RB015"]

    written = releve("codeowners", "-o", ".github/CODEOWNERS", cwd=rb.root)
    assert written.returncode == 0, written.stderr
    assert "chloe has no `github:` handle" not in written.stderr  # chloe owns nothing here
    text = (rb.root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert text.startswith("# ours\n* @boss\n\n# BEGIN releve codeowners")
    assert releve("codeowners", "--check", "--root", str(rb.root)).returncode == 0
    assert lint_json(rb.root) == []

    _proc(rb, "ops/c.md", "chloe", "ana")  # a new procedure: CODEOWNERS is stale again
    assert [f["code"] for f in lint_json(rb.root)] == ["RB015"]
    again = releve("codeowners", "-o", ".github/CODEOWNERS", cwd=rb.root)
    assert "chloe has no `github:` handle" in again.stderr
    updated = (rb.root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert updated.count("# BEGIN releve codeowners") == 1 and updated.startswith("# ours\n")
    assert "/procedures/ops/c.md @ana-gh" in updated
    assert lint_json(rb.root) == []


def test_codeowners_check_without_a_file(rb):
    result = releve("codeowners", "--check", "--root", str(rb.root))
    assert result.returncode == 1 and "no CODEOWNERS file" in result.stderr
