"""`releve diff`: real git repositories, two commits per case, read through the CLI."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import pytest
from diff_fixture import CANARY, SLOT, git
from markdown_it import MarkdownIt

from conftest import releve

NO_CI = {"GITHUB_BASE_REF": ""}  # a GitHub runner's value must not change these tests


def diff(rb, *args: str, fmt: str = "json", env: dict | None = None):
    """Run `releve diff` in the runbook; JSON is parsed."""
    done = releve("diff", *args, "--format", fmt, cwd=rb.root, env={**NO_CI, **(env or {})})
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""
    return (json.loads(done.stdout) if fmt == "json" else done.stdout), done.returncode


def days(*items: str) -> list[str]:
    return [f"2026-{d}" for d in items]


def coverage_of(report: dict, proc_id: str) -> dict:
    return next(c for c in report["coverage"]["procedures"] if c["procedure"] == proc_id)


# --- the cases ----------------------------------------------------------------


def test_backup_removed(git_runbook):
    rb = git_runbook()
    rb.replace("procedures/ops/triage.md", "backup: [ben]", "backup: []")
    rb.commit("triage: no backup")
    report, code = diff(rb, "HEAD~1", "HEAD")
    assert code == 1
    assert report["verdict"] == (
        "1 urgent procedure loses cover on 4 days; 1 new single point of failure; 1 new lint error"
    )
    assert report["blocking"] is True
    triage = coverage_of(report, "triage")
    assert triage["lost"] == {"gap": days("12-01", "12-02", "12-03", "12-04"), "no_access": []}
    assert triage["gained"] == {"gap": [], "no_access": []}
    changed = report["procedures"]["changed"]
    assert changed == [
        {
            "id": "triage",
            "path": "procedures/ops/triage.md",
            "changes": {"backup": {"from": ["ben"], "to": []}},
        }
    ]
    assert [(f["code"], f["severity"]) for f in report["lint"]["added"]] == [
        ("RB001", "error"),
        ("RB013", "warning"),
    ]
    assert report["single_points_of_failure"]["added"] == [
        {"people": ["ana"], "procedures": ["triage"], "new": True}
    ]
    # the pair Ana + Ben is not "gone": Ana alone is worse, not better
    assert report["single_points_of_failure"]["removed"] == []
    people = {p["person"]: p for p in report["coverage"]["people"]}
    assert people["ben"]["hands_back"] == {"triage": 4}
    assert people["ana"]["owned_days_lost"] == 4


def test_absence_added(git_runbook):
    rb = git_runbook()
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: ben, from: 2026-12-02, to: 2026-12-03}\n",
    )
    rb.commit("ben away")
    report, code = diff(rb, "HEAD~1", "HEAD")
    assert code == 1  # an urgent procedure loses cover, though no lint error is added
    assert report["verdict"] == "1 urgent procedure loses cover on 2 days"
    assert coverage_of(report, "triage")["lost"]["gap"] == days("12-02", "12-03")
    assert report["team"]["absences_added"] == [
        {"person": "ben", "from": "2026-12-02", "to": "2026-12-03"}
    ]
    assert [f["code"] for f in report["lint"]["added"]] == ["RB013"]
    people = {p["person"]: p for p in report["coverage"]["people"]}
    assert people["ben"]["hands_back"] == {"triage": 2}
    assert report["procedures"] == {
        "added": [],
        "removed": [],
        "renamed": [],
        "changed": [],
        "edited": [],
    }


def test_absence_removed_regains_cover(git_runbook):
    rb = git_runbook()
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: ben, from: 2026-12-02, to: 2026-12-03}\n",
    )
    rb.commit("ben away")
    report, code = diff(rb, "HEAD", "HEAD~1")  # the other way round
    assert code == 0
    assert report["verdict"] == "1 procedure regains cover on 2 days"
    assert coverage_of(report, "triage")["gained"]["gap"] == days("12-02", "12-03")
    assert [f["code"] for f in report["lint"]["resolved"]] == ["RB013"]


def test_procedure_moved_keeps_its_id(git_runbook):
    rb = git_runbook()
    (rb.root / "procedures/inbox").mkdir()
    rb.git("mv", "procedures/ops/triage.md", "procedures/inbox/triage.md")
    rb.commit("move triage")
    report, code = diff(rb, "HEAD~1", "HEAD")
    assert code == 0
    assert report["verdict"] == "No effect on coverage"
    assert report["procedures"]["renamed"] == [
        {
            "from": {"id": "triage", "path": "procedures/ops/triage.md"},
            "to": {"id": "triage", "path": "procedures/inbox/triage.md"},
            "how": "moved",
        }
    ]
    assert report["procedures"]["added"] == report["procedures"]["removed"] == []
    assert report["lint"] == {"added": [], "resolved": []}
    assert report["coverage"] == {"procedures": [], "people": []}


def test_procedure_renamed_same_content_new_id(git_runbook):
    rb = git_runbook()
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: ben, from: 2026-12-02, to: 2026-12-02}\n",
    )
    rb.commit("a gap on 2 December, so the base has a lint finding on triage")
    rb.git("mv", "procedures/ops/triage.md", "procedures/ops/inbox-triage.md")
    rb.commit("rename triage")
    report, code = diff(rb, "HEAD~1", "HEAD")
    assert code == 0
    assert report["procedures"]["renamed"] == [
        {
            "from": {"id": "triage", "path": "procedures/ops/triage.md"},
            "to": {"id": "inbox-triage", "path": "procedures/ops/inbox-triage.md"},
            "how": "content",
        }
    ]
    assert report["procedures"]["added"] == report["procedures"]["removed"] == []
    # the gap followed its procedure: neither a coverage change nor a new finding
    assert report["coverage"]["procedures"] == []
    assert report["lint"] == {"added": [], "resolved": []}
    assert report["single_points_of_failure"] == {"added": [], "removed": []}
    assert report["verdict"] == "No effect on coverage"


def test_renamed_and_edited(git_runbook):
    rb = git_runbook()
    rb.git("mv", "procedures/ops/triage.md", "procedures/ops/inbox.md")
    rb.replace(
        "procedures/ops/inbox.md",
        "3. Answer, or assign it.",
        "3. Answer, or assign it.\n4. Archive.",
    )
    rb.replace("procedures/ops/inbox.md", "Triage the shared inbox", "Sort the shared inbox")
    rb.commit("rename and edit")
    report, _ = diff(rb, "HEAD~1", "HEAD")
    assert [(r["from"]["id"], r["to"]["id"]) for r in report["procedures"]["renamed"]] == [
        ("triage", "inbox")
    ]
    changed = report["procedures"]["changed"]
    assert changed[0]["changes"] == {
        "title": {"from": "Triage the shared inbox", "to": "Sort the shared inbox"}
    }


def test_schedule_changed(git_runbook):
    rb = git_runbook()
    rb.replace("procedures/finance/invoices.md", "schedule: weekly fri", "schedule: weekly tue")
    rb.commit("invoices on Tuesday")
    report, code = diff(rb, "HEAD~1", "HEAD")
    assert code == 0  # an important procedure: reported, not blocking
    assert report["verdict"] == "1 procedure loses cover on 1 day"
    invoices = coverage_of(report, "invoices")
    assert invoices["lost"] == {"gap": days("12-15"), "no_access": []}
    assert invoices["priority"] == "important"
    assert report["procedures"]["changed"][0]["changes"] == {
        "schedule": {"from": "weekly fri", "to": "weekly tue"}
    }
    # Ben covered Chloé's Friday invoices on 18 December; on Tuesdays he does 14 December...
    people = {p["person"]: p for p in report["coverage"]["people"]}
    assert people["ben"]["hands_back"] == {"invoices": 1}
    assert people["chloe"]["owned_days_lost"] == 1


def test_same_schedule_in_other_words_is_no_change(git_runbook):
    rb = git_runbook()
    rb.replace(
        "procedures/finance/invoices.md", "schedule: weekly fri", "schedule: hebdomadaire ven"
    )
    rb.commit("same schedule, in French")
    report, _ = diff(rb, "HEAD~1", "HEAD")
    assert report["procedures"]["changed"] == []
    assert report["verdict"] == "No effect on coverage"


def test_credential_holder_revoked(git_runbook):
    rb = git_runbook()
    vault = rb.read("vault.yml")
    ops = f"    slots:\n      ana: {SLOT}\n      ben: {SLOT}\n"
    assert ops in vault
    rb.write("vault.yml", vault.replace(ops, f"    slots:\n      ana: {SLOT}\n"))
    rb.replace("vault.yml", "rotated: 2026-09-01", "rotated: 2026-11-20")
    rb.commit("revoke ben from ops; rotate the bank password")
    report, code = diff(rb, "HEAD~1", "HEAD")
    assert code == 1
    assert report["vault"]["holders_removed"] == [{"audience": "ops", "person": "ben"}]
    assert report["vault"]["holders_added"] == []
    assert report["vault"]["credentials_rotated"] == [
        {"id": "bank", "from": "2026-09-01", "to": "2026-11-20"}
    ]
    triage = coverage_of(report, "triage")
    assert triage["lost"] == {"gap": [], "no_access": days("12-01", "12-02", "12-03", "12-04")}
    assert report["verdict"] == "1 urgent procedure loses cover on 4 days"
    for fmt in ("json", "text", "markdown"):
        out, _ = diff(rb, "HEAD~1", "HEAD", fmt=fmt)
        assert CANARY not in json.dumps(out)


def test_credential_added_and_removed(git_runbook):
    rb = git_runbook()
    rb.replace("vault.yml", "  bank:\n", "  phone:\n    label: Phone\n    audience: ops\n  bank:\n")
    rb.commit("add phone")
    report, _ = diff(rb, "HEAD~1", "HEAD")
    assert report["vault"]["credentials_added"] == ["phone"]
    report, _ = diff(rb, "HEAD", "HEAD~1")
    assert report["vault"]["credentials_removed"] == ["phone"]


def test_nothing_relevant_changed(git_runbook):
    rb = git_runbook()
    rb.write("README.md", "# Our runbook\n")
    rb.write("procedures/ops/photo.png", "not markdown")
    rb.commit("readme")
    text, code = diff(rb, "HEAD~1", "HEAD", fmt="text")
    assert code == 0
    assert text.splitlines()[3] == "No effect on coverage"
    assert "Nothing in the runbook changed." in text
    md, _ = diff(rb, "HEAD~1", "HEAD", fmt="markdown")
    assert md.startswith("✅ **No effect on coverage**\n")
    assert "<details" not in md


def test_text_only_edit(git_runbook):
    rb = git_runbook()
    rb.replace("procedures/ops/triage.md", "3. Answer, or assign it.", "3. Answer within the hour.")
    report, code = diff(rb)  # working tree against the merge base with main
    assert code == 0
    assert report["head"] == {"revision": "", "commit": None}
    assert report["base"]["revision"] == "main"
    assert report["procedures"]["edited"] == ["triage"]
    assert report["procedures"]["changed"] == []
    assert report["verdict"] == "No effect on coverage"


def test_procedure_added_with_gaps_is_blocking(git_runbook):
    rb = git_runbook()
    rb.write(
        "procedures/ops/phone.md",
        "---\ntitle: Phone\nservice: ops\nowner: ana\nbackup: [chloe]\npriority: urgent\n"
        "schedule: weekly tue\nsuccess_criteria: [x]\nreviewed: 2026-11-01\n"
        "last_drill: 2026-11-01\n---\nAnswer.\n",
    )
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: chloe, from: 2026-12-01, to: 2026-12-01}\n",
    )
    report, code = diff(rb)
    assert code == 1
    assert [p["id"] for p in report["procedures"]["added"]] == ["phone"]
    phone = coverage_of(report, "phone")
    assert phone["new"] is True
    assert phone["lost"]["gap"] == days("12-01")


# --- output formats -------------------------------------------------------------


def test_json_shape(git_runbook):
    rb = git_runbook()
    rb.replace("procedures/ops/triage.md", "backup: [ben]", "backup: [ben, chloe]")
    report, _ = diff(rb, "HEAD")
    assert set(report) == {
        "base", "head", "from", "to", "verdict", "blocking", "procedures", "coverage",
        "single_points_of_failure", "lint", "team", "vault",
    }  # fmt: skip
    assert report["from"] == "2026-11-23" and report["to"] == "2027-02-20"  # horizon 90 days
    assert re.fullmatch(r"[0-9a-f]{40}", report["base"]["commit"])
    assert set(report["procedures"]) == {"added", "removed", "renamed", "changed", "edited"}
    assert set(report["coverage"]) == {"procedures", "people"}
    assert set(report["single_points_of_failure"]) == {"added", "removed"}
    assert set(report["lint"]) == {"added", "resolved"}
    assert set(report["team"]) == {
        "people_added", "people_removed", "absences_added", "absences_removed",
        "holidays_added", "holidays_removed",
    }  # fmt: skip
    assert set(report["vault"]) == {
        "holders_added", "holders_removed", "credentials_added", "credentials_removed",
        "credentials_rotated", "credentials_changed", "keys",
    }  # fmt: skip
    # chloe cannot open the inbox: adding her changes nobody's days (ben covers first)
    assert report["coverage"]["procedures"] == []
    assert report["procedures"]["changed"][0]["changes"]["backup"] == {
        "from": ["ben"],
        "to": ["ben", "chloe"],
    }


class Sections(HTMLParser):
    """The summaries and text of a rendered Markdown document."""

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[str] = []
        self.details = 0
        self.open_details = 0
        self.text: list[str] = []
        self._in_summary = False
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "details":
            self.details += 1
            self.open_details += any(name == "open" for name, _ in attrs)
        if tag == "summary":
            self._in_summary = True
            self.summaries.append("")

    def handle_endtag(self, tag):
        if tag == "summary":
            self._in_summary = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_summary:
            self.summaries[-1] += data


def read_back(md: str) -> Sections:
    """Rendered as GitHub does: CommonMark with tables and strikethrough."""
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    parser = Sections()
    parser.feed(html)
    return parser


def test_markdown_read_back_french(git_runbook):
    rb = git_runbook(lang="fr")
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: ben, from: 2026-12-02, to: 2026-12-03}\n",
    )
    rb.replace(
        "procedures/finance/invoices.md",
        "Send the weekly invoices",
        "Factures <script>alert(1)</script> | à envoyer",
    )
    rb.commit("ben absent")
    md, code = diff(rb, "HEAD~1", "HEAD", fmt="markdown")
    assert code == 1
    first = md.splitlines()[0]
    assert first == "❌ **1 procédure urgente perd sa couverture sur 2 jours**"
    assert "<script>" not in md
    doc = read_back(md)
    assert "script" not in doc.tags
    assert doc.tags.count("table") == 2  # procedures and people, as GitHub renders them
    assert [s.split(" — ")[0] for s in doc.summaries] == [
        "Couverture", "Procédures", "Lint", "Équipe et absences",
    ]  # fmt: skip
    assert doc.summaries[0] == (
        "Couverture — procédures qui perdent leur couverture : 1, qui la retrouvent : 0"
    )
    assert doc.open_details == 1  # coverage unfolds when something loses cover
    text = "".join(doc.text)
    assert "trou : 2–3 déc. 2026" in text
    assert "Ben Okafor" in text and "Triage the shared inbox (2 jours)" in text
    assert "Factures <script>alert(1)</script> | à envoyer" in text  # escaped, shown as typed
    assert "absence : Ben Okafor, 2–3 déc. 2026" in text


def test_markdown_english_verdict_and_plural(git_runbook):
    rb = git_runbook()
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: ben, from: 2026-12-03, to: 2026-12-03}\n",
    )
    md, _ = diff(rb, fmt="markdown")
    assert md.splitlines()[0] == "❌ **1 urgent procedure loses cover on 1 day**"
    doc = read_back(md)
    assert doc.summaries[0] == "Coverage — procedures losing cover: 1, regaining it: 0"


# --- bad input ------------------------------------------------------------------


def one_line_error(done) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_bad_revisions(git_runbook):
    rb = git_runbook()
    line = one_line_error(releve("diff", "nope", cwd=rb.root, env=NO_CI))
    assert line == (
        "releve: 'nope' is not a commit of this repository; give a branch, tag or commit "
        "(see git log)"
    )
    line = one_line_error(releve("diff", "HEAD", "HEAD~5", cwd=rb.root, env=NO_CI))
    assert "'HEAD~5' is not a commit" in line
    tree = rb.git("rev-parse", "HEAD^{tree}").strip()
    assert "is not a commit" in one_line_error(releve("diff", tree, cwd=rb.root, env=NO_CI))


def test_french_error(git_runbook):
    rb = git_runbook(lang="fr")
    line = one_line_error(releve("diff", "nulle-part", cwd=rb.root, env=NO_CI))
    assert line.startswith("releve: « nulle-part » n'est pas une validation de ce dépôt")


def test_folder_without_git(tmp_path, make_runbook):
    rb = make_runbook()
    line = one_line_error(releve("diff", "--root", str(rb.root), env=NO_CI))
    assert "is not in a git repository" in line


def test_repository_without_commit(make_runbook):
    rb = make_runbook()
    git(rb.root, "init", "-q", "-b", "main")
    line = one_line_error(releve("diff", cwd=rb.root, env=NO_CI))
    assert line == "releve: the repository has no commit yet; commit the runbook first"


def test_no_default_branch(git_runbook):
    rb = git_runbook()
    rb.git("branch", "-m", "main", "trunk")
    line = one_line_error(releve("diff", cwd=rb.root, env=NO_CI))
    assert "no default branch" in line
    report, _ = diff(rb, "trunk")  # an explicit BASE works
    assert report["verdict"] == "No effect on coverage"


def test_git_missing(git_runbook, tmp_path):
    rb = git_runbook()
    empty = tmp_path / "empty-path"
    empty.mkdir()
    done = releve("diff", cwd=rb.root, env={**NO_CI, "PATH": str(empty)})
    assert one_line_error(done).startswith("releve: git is not installed")


# --- where BASE comes from -------------------------------------------------------


def test_default_base_is_the_merge_base(git_runbook):
    rb = git_runbook()
    rb.git("checkout", "-q", "-b", "feature")
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: ben, from: 2026-12-02, to: 2026-12-02}\n",
    )
    rb.commit("feature: ben away")
    rb.git("checkout", "-q", "main")
    rb.replace("procedures/finance/invoices.md", "schedule: weekly fri", "schedule: weekly tue")
    rb.commit("main moved on")
    rb.git("checkout", "-q", "feature")
    report, _ = diff(rb)
    assert report["base"]["revision"] == "main"
    assert report["base"]["commit"] == rb.git("merge-base", "main", "feature").strip()
    # only the feature's change: main's later schedule change is not in it
    assert report["team"]["absences_added"] == [
        {"person": "ben", "from": "2026-12-02", "to": "2026-12-02"}
    ]
    assert report["procedures"]["changed"] == []
    # on a GitHub runner the pull request's base branch wins
    report, _ = diff(rb, env={"GITHUB_BASE_REF": "feature"})
    assert report["base"]["revision"] == "feature"
    assert report["team"]["absences_added"] == []


def test_origin_head_is_the_default_branch(git_runbook, tmp_path):
    rb = git_runbook()
    rb.git("branch", "-m", "main", "trunk")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(rb.top), str(clone))
    git(clone, "checkout", "-q", "-b", "work")
    (clone / "procedures/ops/triage.md").unlink()
    done = releve("diff", "--format", "json", cwd=clone, env=NO_CI)
    report = json.loads(done.stdout)
    assert report["base"]["revision"] == "origin/trunk"
    assert [p["id"] for p in report["procedures"]["removed"]] == ["triage"]


def test_runbook_in_a_subfolder(git_runbook, tmp_path):
    rb = git_runbook(subdir="docs/runbook")
    rb.replace("procedures/ops/triage.md", "backup: [ben]", "backup: [ben, chloe]")
    done = releve("diff", "--root", str(rb.root), "--format", "json", cwd=tmp_path, env=NO_CI)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["procedures"]["changed"][0]["path"] == "procedures/ops/triage.md"


def test_symlink_outside_the_runbook_is_not_read(git_runbook, tmp_path):
    secret = tmp_path / "outside.md"
    secret.write_text(f"---\ntitle: {CANARY}\n---\n{CANARY}\n", encoding="utf-8")
    rb = git_runbook()
    os.symlink(secret, rb.root / "procedures/ops/leak.md")
    rb.commit("a link leading outside")
    rb.replace("procedures/ops/triage.md", "backup: [ben]", "backup: [ben, chloe]")
    for fmt in ("json", "text", "markdown"):
        out, _ = diff(rb, "HEAD~1", fmt=fmt)
        assert CANARY not in json.dumps(out)


def test_working_tree_untouched(git_runbook, tmp_path):
    rb = git_runbook()
    rb.replace("procedures/ops/triage.md", "backup: [ben]", "backup: [ben, chloe]")
    status = rb.git("status", "--porcelain")
    temp = tmp_path / "tmp"
    temp.mkdir()
    diff(rb, "HEAD~0", "HEAD", env={"TMPDIR": str(temp)})
    assert rb.git("status", "--porcelain") == status
    assert rb.git("stash", "list") == ""
    assert rb.git("worktree", "list").count("\n") == 1
    assert list(temp.iterdir()) == []  # the exported revisions are gone


def test_same_answer_without_fork(git_runbook):
    rb = git_runbook()
    rb.replace(
        "team.yml",
        "absences:\n",
        "absences:\n  - {person: ben, from: 2026-12-02, to: 2026-12-03}\n",
    )
    rb.replace("procedures/finance/invoices.md", "schedule: weekly fri", "schedule: weekly tue")
    forked, _ = diff(rb)
    in_process, _ = diff(rb, env={"RELEVE_NO_FORK": "1"})
    assert forked == in_process
    assert forked["coverage"]["procedures"]  # not trivially equal


def test_background_job_result_and_error():
    from releve.diff.background import start
    from releve.diff.export import GitError

    assert start(lambda: {"answer": [1, 2]})() == {"answer": [1, 2]}

    def fails():
        raise GitError("diff.bad_revision", rev="nope")

    wait = start(fails)
    with pytest.raises(GitError) as caught:
        wait()
    assert (caught.value.key, caught.value.args_) == ("diff.bad_revision", {"rev": "nope"})


def test_text_in_english_with_days_in_words(git_runbook):
    rb = git_runbook()
    away = "".join(
        f"  - {{person: ben, from: 2026-12-{a}, to: 2026-12-{b}}}\n"
        for a, b in (("01", "01"), ("03", "03"), ("11", "14"))
    )
    rb.replace("team.yml", "absences:\n", "absences:\n" + away)
    rb.replace(
        "team.yml", "- {person: chloe, from: 2026-12-14", "- {person: chloe, from: 2026-11-30"
    )
    rb.replace("procedures/finance/invoices.md", "schedule: weekly fri", "schedule: daily")
    text, code = diff(rb, fmt="text")
    assert code == 1
    lines = text.splitlines()
    assert lines[0].startswith("main (") and lines[0].endswith(") → working tree")
    assert lines[1] == "coverage from November 23, 2026 to February 20, 2027"
    assert lines[3] == "1 urgent procedure loses cover on 2 days"
    # runs of working days ("; " between them: English dates hold commas), a weekend inside
    # one; Babel puts thin spaces around the dash
    assert "    lost (gap): Dec 1, 2026; Dec 3, 2026" in lines
    assert "    lost (gap): Dec 1, 2026; Dec 3, 2026; Dec 11\u2009–\u200915, 2026" in lines
    assert "  + absence: Chloé Dubois, Nov 30\u2009–\u2009Dec 18, 2026" in lines
    assert "  - absence: Chloé Dubois, Dec 14\u2009–\u200918, 2026" in lines


def test_lint_messages_keep_code_spans_in_markdown():
    from releve.render.reports.diff_report import md_ticks

    assert md_ticks("run `releve codeowners -o x` then *commit*") == (
        "run `releve codeowners -o x` then \\*commit\\*"
    )
    assert md_ticks("a <b> `<b>` c") == "a &lt;b&gt; `<b>` c"  # raw in a code span: shown as is
    assert md_ticks("odd ` tick") == "odd \\` tick"
    assert md_ticks("`two\n\nlines`") == "`two  lines`"  # a blank line would end the span


def test_folder_of_a_repository_without_runbook(git_runbook):
    rb = git_runbook()
    (rb.root / "notes").mkdir()
    done = releve("diff", "--root", "notes", cwd=rb.root, env=NO_CI)
    assert one_line_error(done) == (
        "releve: notes: holds neither mkdocs.yml nor team.yml; give --root the runbook folder"
    )
