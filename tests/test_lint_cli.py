"""`releve lint`: exit codes, formats (text, JSON, GitHub, SARIF, Markdown), language."""

from __future__ import annotations

import json

import pytest

from conftest import GOOD, REPO, releve
from releve.core.findings import Finding
from releve.render.reports.lint_report import escape_data, escape_property, github, markdown

# The official OASIS schema, vendored (source and licence: tests/schemas/README.md).
SCHEMA = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture
def broken(make_runbook):
    """A runbook with one error (no backup) and one warning (review overdue)."""
    rb = make_runbook()
    no_backup = GOOD.replace("owner: ana", "owner: ben").replace("backup: [ben]\n", "")
    rb.procedure("ops/triage.md", no_backup)
    rb.procedure("ops/old.md", GOOD.replace("2026-11-01", "2025-01-01"))
    return rb


def test_clean_runbook_exits_0(make_runbook):
    rb = make_runbook()
    rb.procedure("ops/triage.md", GOOD)
    result = releve("lint", "--root", str(rb.root))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "No problems found.\n"


def test_warnings_only_exit_0_errors_exit_1(broken):
    result = releve("lint", "--root", str(broken.root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "procedures/ops/old.md:8:1: warning RB010 review overdue since June 30, 2025 (last review "
        "January 1, 2025, every 180 days); check the procedure and update `reviewed`",
        "procedures/ops/triage.md:4:1: error RB001 procedure has no backup; add `backup: "
        "[person-id]` with someone who can do it when the owner is away",
        "1 error, 1 warning",
    ]
    (broken.root / "procedures/ops/triage.md").unlink()
    assert releve("lint", "--root", str(broken.root)).returncode == 0


def test_today_option_and_environment(broken):
    early = releve("lint", "--root", str(broken.root), "--format", "json", "--today", "2025-02-01")
    assert "RB010" not in {f["code"] for f in json.loads(early.stdout)}
    late = releve("lint", "--root", str(broken.root), "--format", "json", today="2026-11-23")
    assert "RB010" in {f["code"] for f in json.loads(late.stdout)}


@pytest.mark.parametrize(
    "args",
    [["--today", "2026-13-01"], ["--format", "yaml"], ["--root", "/nonexistent/folder"]],
)
def test_usage_errors_exit_2_with_one_line(broken, args):
    result = releve("lint", "--root", str(broken.root), *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_folder_that_is_not_a_runbook_exits_2(tmp_path):
    result = releve("lint", "--root", str(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "mkdocs.yml" in result.stderr


def test_json_is_a_list_of_findings_with_relative_paths(broken):
    result = releve("lint", "--root", str(broken.root), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [(f["path"], f["line"], f["column"], f["code"], f["severity"]) for f in data] == [
        ("procedures/ops/old.md", 8, 1, "RB010", "warning"),
        ("procedures/ops/triage.md", 4, 1, "RB001", "error"),
    ]
    assert set(data[0]) == {"path", "line", "column", "code", "severity", "message"}


def test_messages_follow_the_theme_language(make_runbook):
    rb = make_runbook(lang="fr")
    rb.procedure(
        "ops/triage.md", GOOD.replace("owner: ana", "owner: ben").replace("backup: [ben]\n", "")
    )
    result = releve("lint", "--root", str(rb.root))
    assert "la procédure n'a pas de relève" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 erreur, 0 avertissement"


def test_sarif_validates_against_the_official_schema(broken):
    jsonschema = pytest.importorskip("jsonschema")
    result = releve("lint", "--root", str(broken.root), "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules][:14] == [f"RB{n:03d}" for n in range(1, 15)]
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["RB001"]["level"] == "error"
    assert rules[results["RB001"]["ruleIndex"]]["id"] == "RB001"
    location = results["RB001"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "procedures/ops/triage.md"
    assert location["region"] == {"startLine": 4, "startColumn": 1}


def test_sarif_of_a_clean_runbook_validates_too(make_runbook):
    jsonschema = pytest.importorskip("jsonschema")
    rb = make_runbook()
    rb.procedure("ops/triage.md", GOOD)
    log = json.loads(releve("lint", "--root", str(rb.root), "--format", "sarif").stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert log["runs"][0]["results"] == []


def test_github_format_line_by_line(broken):
    result = releve("lint", "--root", str(broken.root), "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::warning file=procedures/ops/old.md,line=8,col=1,title=RB010::"
        "review overdue since June 30, 2025 (last review January 1, 2025, every 180 days); "
        "check the procedure and update `reviewed`",
        "::error file=procedures/ops/triage.md,line=4,col=1,title=RB001::"
        "procedure has no backup; add `backup: [person-id]` with someone who can do it when "
        "the owner is away",
    ]


def test_github_paths_are_relative_to_the_working_folder(broken):
    result = releve("lint", "--root", "rb", "--format", "github", cwd=broken.root.parent)
    assert result.stdout.splitlines()[1].startswith("::error file=rb/procedures/ops/triage.md,")


def test_github_escaping():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    finding = Finding(
        "RB014", "procedures/a,b:c%.md", 3, 2, "lint.unknown_key", {"key": "x\ny%"}, "warning"
    )
    (line,) = github([finding], "en").splitlines()
    assert line == (
        "::warning file=procedures/a%2Cb%3Ac%25.md,line=3,col=2,title=RB014::"
        "unknown key 'x\\ny%25'; check the spelling or remove it"
    )  # a newline in a value is shown as `\n` (findings.printable), so it cannot add a line


def test_markdown_summary_escapes_table_cells(broken):
    result = releve("lint", "--root", str(broken.root), "--format", "markdown")
    lines = result.stdout.splitlines()
    assert lines[0] == "### Relève lint"
    assert "| ❌ error | RB001 | `procedures/ops/triage.md:4` |" in result.stdout
    finding = Finding("RB014", "p.md", 1, 1, "lint.unknown_key", {"key": "a|b<script>"})
    table = markdown([finding], "en")
    assert "a\\|b&lt;script&gt;" in table and "<script>" not in table


def test_lint_path_imports_no_heavy_library(broken):
    import subprocess
    import sys

    code = (
        "import sys\nfrom releve.cli.main import main\n"
        f"main(['lint', '--root', {str(broken.root)!r}, '--format', 'json'])\n"
        "heavy = [m for m in ('mkdocs', 'weasyprint', 'icalendar', 'cryptography', 'jinja2')"
        " if m in sys.modules]\nprint('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in result.stderr, result.stderr


def test_pull_request_workflow_and_hooks_use_real_formats():
    from datetime import date

    from ruamel.yaml import YAML

    from conftest import REPO
    from releve.cli.init_cmd import render
    from releve.render.reports.lint_report import FORMATS

    text = render(".github/workflows/releve.yml.j2", "en", date(2026, 11, 23))
    workflow = YAML(typ="safe").load(text)
    steps = " ".join(
        str(step.get("run", "")) for step in workflow["jobs"]["lint-and-build"]["steps"]
    )
    assert "releve lint --format github" in steps and "--format markdown" in steps
    assert "releve build --strict" in steps
    for word in steps.split("--format ")[1:]:
        assert word.split()[0] in FORMATS
    (hook,) = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "releve-lint", "releve lint", "python", False,
    )  # fmt: skip
