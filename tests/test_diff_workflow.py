"""The pull-request review job: `releve diff` in the job summary and one updated comment.

The steps' shell scripts are run here as GitHub runs them (`bash -eo pipefail`),
in a real repository, with a stand-in `gh` that records what it is asked.
"""

from __future__ import annotations

import os
import stat
import subprocess
from datetime import date
from pathlib import Path

from diff_fixture import git
from ruamel.yaml import YAML

from conftest import REPO, TODAY, VENV_BIN
from releve.cli.init_cmd import render

SCAFFOLD = REPO / "plugins/releve/scaffold/.github/workflows/releve.yml.j2"
OWN = REPO / ".github/workflows/releve.yml"
MARKER = "<!-- releve-diff -->"


def load(path: Path) -> dict:
    """A workflow; the scaffold's as `releve init` writes it."""
    if path == SCAFFOLD:
        text = render(".github/workflows/releve.yml.j2", "en", date(2026, 11, 23))
    else:
        text = path.read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def steps_of(path: Path) -> dict[str, dict]:
    return {
        step.get("name", step.get("uses")): step for step in load(path)["jobs"]["review"]["steps"]
    }


def test_review_job_runs_on_pull_requests_with_history():
    for path in (SCAFFOLD, OWN):
        job = load(path)["jobs"]["review"]
        assert job["if"] == "github.event_name == 'pull_request'"
        assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@")
        assert checkout["with"]["fetch-depth"] == 0
        steps = steps_of(path)
        assert (
            "releve diff --format markdown" in steps["What this change does (releve diff)"]["run"]
        )
        comment = steps["Comment on the pull request"]
        assert comment["continue-on-error"] is True
        assert comment["if"] == "github.event.pull_request.head.repo.full_name == github.repository"


def test_this_repository_mirrors_the_scaffold():
    own, scaffold = load(OWN), load(SCAFFOLD)
    assert own["jobs"] == scaffold["jobs"]
    assert own["on"] == scaffold["on"]
    assert own["env"] == {"RELEVE_SPEC": "."}


def run_step(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=env, capture_output=True, text=True)  # fmt: skip


def runner_env(tmp_path: Path, **extra: str) -> dict:
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "RELEVE_TODAY": TODAY,
        **extra,
    }


def test_diff_step_writes_the_job_summary(git_runbook, tmp_path):
    rb = git_runbook()
    clone = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(rb.top), str(clone))
    git(clone, "checkout", "-q", "-b", "pr")
    team = clone / "team.yml"
    team.write_text(
        team.read_text().replace(
            "absences:\n", "absences:\n  - {person: ben, from: 2026-12-02, to: 2026-12-03}\n"
        )
    )
    git(clone, "commit", "-q", "-am", "ben away")
    env = runner_env(tmp_path, GITHUB_BASE_REF="main")
    done = run_step(steps_of(SCAFFOLD)["What this change does (releve diff)"]["run"], clone, env)
    assert done.returncode == 0, done.stderr
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("❌ **1 urgent procedure loses cover on 2 days**")
    assert "origin/main" in summary
    assert (tmp_path / "output.txt").read_text() == "status=1\n"
    failing = steps_of(SCAFFOLD)["Fail when urgent procedures lose cover or lint errors are added"]
    assert failing["if"] == "steps.diff.outputs.status == '1'"


def test_diff_step_fails_without_history(tmp_path):
    (tmp_path / "not-a-repo").mkdir()
    env = runner_env(tmp_path)
    done = run_step(steps_of(SCAFFOLD)["What this change does (releve diff)"]["run"],
                    tmp_path / "not-a-repo", env)  # fmt: skip
    assert done.returncode != 0
    assert "is not in a git repository" in done.stderr


FAKE_GH = """#!/bin/sh
echo "$@" >> "$GH_LOG"
if [ "$1" = api ] && [ "$2" != --method ]; then printf '%s' "$FAKE_IDS"; fi
if [ "$1" = pr ]; then cp "$5" "$GH_LOG.body"; fi
for arg in "$@"; do case "$arg" in body=@*) cp "${arg#body=@}" "$GH_LOG.body";; esac; done
"""


def comment(tmp_path: Path, ids: str) -> tuple[list[str], str]:
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    env = runner_env(tmp_path, GH_REPO="team/runbook", PR="7", FAKE_IDS=ids,
                     GH_LOG=str(tmp_path / "gh.log"))  # fmt: skip
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    (Path(env["RUNNER_TEMP"]) / "releve-diff.md").write_text("✅ **No effect on coverage**\n")
    done = run_step(steps_of(SCAFFOLD)["Comment on the pull request"]["run"], tmp_path, env)
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "gh.log").read_text().splitlines()
    return calls, (tmp_path / "gh.log.body").read_text(encoding="utf-8")


def test_comment_is_posted_once(tmp_path):
    calls, body = comment(tmp_path, "")
    assert calls[0].startswith("api repos/team/runbook/issues/7/comments --paginate --jq")
    assert calls[1].startswith("pr comment 7 --body-file ")
    assert body == f"{MARKER}\n✅ **No effect on coverage**\n"


def test_comment_is_updated_when_it_exists(tmp_path):
    calls, body = comment(tmp_path, "123\n456")
    assert calls[1].startswith(
        "api --method PATCH repos/team/runbook/issues/comments/123 -F body=@"
    )
    assert len(calls) == 2  # no second comment
    assert body.startswith(MARKER)
