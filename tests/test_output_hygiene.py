"""Names and titles are data: in every text output they are shown escaped, one line each,
never read by CI as a workflow command; in the pull request's Markdown they mention nobody.

A person named "Ana\\x1b[2J" must not clear a reviewer's terminal, a name must not start
a line GitHub Actions reads as `::warning::` or `::add-mask::`, and a title with
"@octocat" must not notify anyone from the pull-request comment.
"""

from __future__ import annotations

import json
import re

import pytest
from diff_fixture import GitRunbook
from vault_helpers import DAY, enrolled

from conftest import releve
from releve.core.findings import terminal
from releve.vault import ops, store

NO_CI = {"GITHUB_BASE_REF": ""}
ESC = "\x1b"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202e]")  # tabs and newlines are the output's own
COMMAND = re.compile(r"^\s*::", re.MULTILINE)


def hostile(rb: GitRunbook) -> None:
    """Ben renamed with an escape sequence, Chloé with a workflow command; the triage
    procedure titled with a mention and a line break; Ben away (so names show)."""
    rb.replace("team.yml", "name: Ben Okafor", 'name: "Ben\\e[2J\\e[31m Okafor\\u202e"')
    rb.replace("team.yml", "name: Chloé Dubois", 'name: "::warning::Chloé"')
    rb.replace("procedures/ops/triage.md", "title: Triage the shared inbox",
               'title: "Triage @octocat\\nthe inbox\\e[2J"')  # fmt: skip
    rb.replace("team.yml", "absences:\n",
               "absences:\n  - {person: ana, from: 2026-11-24, to: 2026-11-27}\n"
               "  - {person: chloe, from: 2026-11-24, to: 2026-11-27}\n")  # fmt: skip


@pytest.fixture
def rb(tmp_path) -> GitRunbook:
    rb = GitRunbook(tmp_path / "repo")
    hostile(rb)
    rb.commit("hostile names")
    return rb


def clean(text: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text).group(0))
    assert not COMMAND.search(text), COMMAND.search(text)


def test_terminal():
    assert terminal("Ana\x1b[2J") == "Ana\\x1b[2J"
    assert terminal("::warning::x") == "\\x3a:warning::x"
    assert terminal("  ::add-mask::x") == "  \\x3a:add-mask::x"
    assert terminal("a\nb\u202ec") == "a\\nb\\u202ec"
    assert terminal("Élodie 👩‍💻") == "Élodie 👩‍💻"  # joiners in emoji stay


def test_diff_text_and_markdown(rb):
    rb.replace("team.yml", "  - {person: ben, from: 2026-12-15, to: 2026-12-15}\n", "")
    rb.commit("ben is back")
    for fmt in ("text", "markdown"):
        done = releve("diff", "HEAD~1", "HEAD", "--format", fmt, cwd=rb.root, env=NO_CI)
        assert done.returncode in (0, 1), done.stderr
        clean(done.stdout)
    text = releve("diff", "HEAD~2", "HEAD", cwd=rb.root, env=NO_CI).stdout
    clean(text)
    assert "\\x1b[2J" in text and "\\u202e" in text  # shown, escaped
    assert "::warning::Chloé (chloe)" in text  # shown with her id, never at a line's start
    md = releve("diff", "HEAD~2", "HEAD", "--format", "markdown", cwd=rb.root, env=NO_CI).stdout
    clean(md)
    assert "@octocat" not in md and "@&#8203;octocat" in md
    title = next(line for line in md.splitlines() if "octocat" in line)
    assert "the inbox" in title  # the raw newline became a space: one line
    report = json.loads(releve("diff", "HEAD~2", "HEAD", "--format", "json", cwd=rb.root,
                               env=NO_CI).stdout)  # fmt: skip
    assert report["verdict"]


def test_agenda(rb):
    done = releve("agenda", "--from", "2026-11-24", "--to", "2026-11-25", "--root", str(rb.root))
    assert done.returncode == 0, done.stderr
    clean(done.stdout)
    assert "\\x1b[2J" in done.stdout


def test_coverage(rb):
    done = releve("coverage", "--root", str(rb.root), "--by", "procedure")
    assert done.returncode in (0, 1), done.stderr
    clean(done.stdout)


def test_vault_list_and_audit(make_runbook):
    people = {"ana": {"ops"}, "ben": {"ops"}}
    passes = {"ana": "ana-hygiene-maple-river-lantern", "ben": "ben-hygiene-cedar-compass-x"}
    v = enrolled(people, passes)
    v = ops.add(v, people, "ana", passes["ana"], "bank", "ops", "CANARY", today=DAY,
                label="Bank\x1b[2J\n::warning::pwned")  # fmt: skip
    rb = make_runbook(team="people:\n  - {id: ana, name: Ana, roles: [ops]}\n"
                      "  - {id: ben, name: Ben, roles: [ops]}\n")  # fmt: skip
    store.write_atomic(rb.root / "vault.yml", store.dump(v))
    done = releve("vault", "list", "--root", str(rb.root))
    assert done.returncode == 0, done.stderr
    clean(done.stdout)
    assert len(done.stdout.strip().splitlines()) == 1
    assert "Bank\\x1b[2J\\n::warning::pwned" in done.stdout
    done = releve("vault", "audit", "--root", str(rb.root))
    clean(done.stdout)
