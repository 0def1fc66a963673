"""Real content: file names with underscores, long code blocks, paths SARIF must encode."""

from __future__ import annotations

import json
from datetime import date

import jsonschema

from conftest import GOOD, REPO, releve
from releve.lint import lint_runbook
from releve.model import load_runbook

SCHEMA = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"
LOG = "\n".join(
    f"2026-11-0{n % 9 + 1} 12:00:{n:02d} INFO request served in {n} ms" for n in range(60)
)


def test_an_underscore_file_name_is_a_valid_id(make_runbook):
    f = make_runbook()
    f.procedure("ops/Weekly_Invoices.md", GOOD)
    f.write("clients/Acme_Inc.md", "---\nname: Acme\n---\nNotes.\n")
    runbook = load_runbook(f.root)
    assert [p.id for p in runbook.procedures] == ["weekly-invoices"]
    assert list(runbook.clients) == ["acme-inc"]
    codes = {x.code for x in lint_runbook(runbook, date(2026, 11, 23))}
    assert "RB006" not in codes


def test_rb012_counts_prose_not_code_blocks(make_runbook):
    f = make_runbook()
    body = "Restart the service, then read the log:\n\n```text\n" + LOG + "\n```\n\nDone.\n"
    f.procedure("ops/restart.md", GOOD, body=body * 3)
    f.write("mkdocs.yml", (f.root / "mkdocs.yml").read_text().replace(
        "      binder: false\n", "      binder: false\n      max_words: 100\n"))  # fmt: skip
    codes = [x.code for x in lint_runbook(load_runbook(f.root), date(2026, 11, 23))]
    assert "RB012" not in codes
    f.procedure("ops/restart.md", GOOD, body=body * 3 + "word " * 120)
    codes = [x.code for x in lint_runbook(load_runbook(f.root), date(2026, 11, 23))]
    assert "RB012" in codes


def test_sarif_uris_are_percent_encoded_and_pass_format_checks(make_runbook):
    f = make_runbook()
    names = ["ops/café.md", "ops/a b.md", "ops/100% done.md", "ops/x#y?.md"]
    for name in names:
        f.procedure(name, GOOD.replace("backup: [ben]\n", ""), body="Steps.\n")  # RB001 each
    done = releve("lint", "--root", str(f.root), "--format", "sarif")
    assert done.returncode == 1
    log = json.loads(done.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert {
        "procedures/ops/caf%C3%A9.md",
        "procedures/ops/a%20b.md",
        "procedures/ops/100%25%20done.md",
        "procedures/ops/x%23y%3F.md",
    } <= uris
