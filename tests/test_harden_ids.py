"""Ids are validated before they reach a path: hostile ids become findings, never files.

A person, client, procedure or service id like `../../../../x`, or one holding CR/LF,
is reported and the object skipped (people) or given a safe id (pages); nothing is
ever written outside the site folder, strict or not, and no UID or CODEOWNERS line
carries the raw value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import mkdocs_build, releve
from releve.model import load_runbook
from releve.model.fields import ID_RE, safe_id

TEAM = """\
people:
  - {id: ana, name: Ana Lima, github: ana-gh}
  - {id: ben, name: Ben Okafor}
  - {id: "../../../../../evil-person", name: Evil Person}
  - {id: "crlf\\r\\nperson", name: Newline Person}
absences:
  - {person: "../../../../../evil-person", from: 2026-12-01, to: 2026-12-03}
"""

PROC = """\
title: Hostile ids
service: "../../../../../evil-service"
owner: ana
backup: [ben]
priority: urgent
success_criteria: [done]
reviewed: 2026-11-01
"""


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.fixture
def hostile(make_runbook, tmp_path) -> Path:
    # Deep enough that `../../../../../x` from site/binders/ or site/people/ stays in tmp_path.
    rb = make_runbook(team=TEAM)
    mkdocs = (rb.root / "mkdocs.yml").read_text(encoding="utf-8")
    (rb.root / "mkdocs.yml").write_text(mkdocs.replace("binder: false", "binder: true"), "utf-8")
    rb.procedure("ops/a.md", "id: ../../../../../evil-proc\n" + PROC)
    rb.write("clients/acme.md", '---\nname: Acme\nid: "../../../../../evil-client"\n---\nNotes.\n')
    rb.write("clients/Cabinet Lavoie.md", "---\nname: Cabinet Lavoie\n---\nNotes.\n")
    return rb.root


def test_model_keeps_only_valid_ids(hostile):
    runbook = load_runbook(hostile)
    procs = runbook.procedures
    ids = [*runbook.team.people, *runbook.clients, *(p.id for p in procs),
           *(p.service for p in procs), *(a.person for a in runbook.team.absences)]  # fmt: skip
    for value in ids:
        assert value == "" or ID_RE.match(value), repr(value)
    assert sorted(runbook.team.people) == ["ana", "ben"]
    assert "cabinet-lavoie" in runbook.clients
    assert runbook.team.absences == []
    bad = [f for f in runbook.findings if f.key in ("field.bad_id", "field.bad_file_id")]
    assert len(bad) >= 6, bad
    for finding in bad:
        text = finding.text("en") + finding.text("fr")
        assert "\n" not in text and "\r" not in text, text


@pytest.mark.parametrize("strict", [False, True])
def test_build_writes_nothing_outside_the_site(hostile, tmp_path, strict):
    before = files_under(tmp_path)
    done = mkdocs_build(hostile, *(["--strict"] if strict else []))
    assert "Traceback" not in done.stderr
    assert done.returncode == (1 if strict else 0), done.stderr
    new = files_under(tmp_path) - before
    # The site, and the build's own cache, whose file names are fixed or hashes.
    outside = sorted(p for p in new if not p.startswith(("rb/site", "rb/.releve-cache")))
    assert outside == []
    cache = re.compile(
        r"rb/\.releve-cache(/(\.gitignore|CACHEDIR\.TAG|sources\.pickle"
        r"|binders(/[0-9a-f]{64}\.(pdf|html|json))?))?"
    )
    assert [p for p in new if p.startswith("rb/.releve-cache") and not cache.fullmatch(p)] == []
    for path in new:
        assert "evil" not in path and "\n" not in path and "\r" not in path, path
    if not strict:
        site = hostile / "site"
        assert (site / "binders" / "client-cabinet-lavoie.pdf").exists()
        ics = (site / "calendar.ics").read_text(encoding="utf-8")
        uids = re.findall(r"^UID:(.*)$", ics, re.M)
        assert uids
        for uid in uids:
            assert re.fullmatch(r"[a-z0-9@.-]+", uid.strip()), uid


def test_cli_refuses_hostile_subjects(hostile, tmp_path):
    out = tmp_path / "x.pdf"
    done = releve("binder", "--person", "../../../../../evil-person", "-o", str(out),
                  "--root", str(hostile))  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not out.exists()


def test_file_names_with_control_characters_are_skipped(make_runbook):
    rb = make_runbook(team="people:\n  - {id: ana, name: Ana, github: ana-gh}\n"
                           "  - {id: ben, name: Ben, github: ben-gh}\n")  # fmt: skip
    rb.procedure("ops/a\n* @attacker\n.md", PROC.replace('"../../../../../evil-service"', "ops"))
    runbook = load_runbook(rb.root)
    assert runbook.procedures == []
    assert any(f.key == "source.bad_name" for f in runbook.findings)
    done = releve("codeowners", "--root", str(rb.root))
    assert done.returncode == 0, done.stderr
    assert "@attacker" not in done.stdout
    lint = releve("lint", "--root", str(rb.root), today="2026-11-23")
    assert "\n* @attacker" not in lint.stdout


def test_safe_id():
    assert safe_id("Cabinet Lavoie") == "cabinet-lavoie"
    assert safe_id("Élodie Bouchard") == "elodie-bouchard"
    assert ID_RE.match(safe_id("../../x")) and ID_RE.match(safe_id("\r\n"))
    assert len(safe_id("a" * 500)) <= 100
    assert not ID_RE.match("abc\n") and not ID_RE.match("a" * 101)


GITHUB_TEAM = """\
people:
  - {id: ana, name: Ana, github: "ana-gh\\n/vault.yml @attacker"}
  - {id: ben, name: Ben, github: "@ben-gh"}
  - {id: chloe, name: Chloé, github: "-chloe"}
  - {id: dan, name: Dan, github: "dan--x"}
  - {id: eve, name: Eve, github: "e-v-e-1"}
  - {id: fay, name: Fay, github: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
  - {id: gus, name: Gus, github: "gus gus"}
"""


def test_github_handles_are_validated_as_github_does(make_runbook):
    rb = make_runbook(team=GITHUB_TEAM)
    front = PROC.replace('"../../../../../evil-service"', "ops").replace(
        "[ben]", "[ben, chloe, dan, eve, fay, gus]"
    )
    rb.procedure("ops/a.md", front)
    runbook = load_runbook(rb.root)
    handles = {pid: p.github for pid, p in runbook.team.people.items()}
    assert handles == {"ana": None, "ben": "ben-gh", "chloe": None, "dan": None,
                       "eve": "e-v-e-1", "fay": None, "gus": None}  # fmt: skip
    bad = [f for f in runbook.findings if f.key == "field.bad_github"]
    assert len(bad) == 5 and all(f.path == "team.yml" for f in bad)
    done = releve("codeowners", "--root", str(rb.root))
    assert done.returncode == 0, done.stderr
    assert "@attacker" not in done.stdout and "vault.yml" not in done.stdout
    assert done.stdout.splitlines()[1] == "/procedures/ops/a.md @ben-gh @e-v-e-1"
