"""Bounds on every number and size a file can hold: one line each, never a traceback,
never minutes or gigabytes.

A pull request is untrusted input: a vault with 10^12 PBKDF2 iterations, a procedure
template that multiplies a string by 10^9, 10,000 absences, a `service_titles` that is
a list. Each gets one clear line (or just works), quickly, in bounded memory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from vault_helpers import DAY, FAST, enrolled

from conftest import GOOD, REPO, VENV_BIN, releve
from releve.model.yamlsource import load_yaml
from releve.vault import crypto, ops, publish, store

# --- the procedure template: memory, size, time, files -------------------------------

HEAD = "---\ntitle: {{ title }}\nservice: {{ service }}\nowner: {{ owner }}\n"
TAIL = (
    "backup: [{{ backup }}]\npriority: urgent\nsuccess_criteria: [Done]\n"
    "reviewed: {{ today }}\n---\nSteps.\n"
)
TEMPLATES = {
    "multiply": "{{ 'a' * 10**9 }}",
    "power": "{{ 7 ** 10**9 }}",
    "center": "{{ 'ab'|center(10**9) }}",
    "output": "{% for i in range(99999) %}{{ 'x' * 99 }}{% endfor %}",
    "include": "{% include 'secret.md' %}",
    "import": "{% import 'x.j2' as x %}",
    "extends": "{% extends 'base.md' %}",
}


def run_timed(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    env = {**os.environ, "RELEVE_TODAY": "2026-11-23"}
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=120)
    return done, time.perf_counter() - start


# The command in process, printing its own peak resident memory (KB) last on stderr.
MEASURED = (
    "import resource, sys\nfrom releve.cli.main import main\ncode = main(sys.argv[1:])\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)"
)


@pytest.mark.parametrize("case", sorted(TEMPLATES))
def test_a_hostile_template_is_one_line_in_bounded_memory(make_runbook, tmp_path, case):
    rb = make_runbook()
    rb.write(".releve/procedure.md", HEAD + TEMPLATES[case] + "\n" + TAIL)
    rb.write("secret.md", "CANARY-include\n")
    args = [str(VENV_BIN / "python"), "-c", MEASURED, "new", "ops/x.md", "--owner", "ana",
            "--backup", "ben", "--root", str(rb.root)]  # fmt: skip
    done, elapsed = run_timed(args, tmp_path)
    lines = [ln for ln in done.stderr.strip().splitlines() if not ln.startswith("PEAK")]
    peak_kb = int(done.stderr.rsplit("PEAK", 1)[1].split()[0])
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1 and ".releve/procedure.md" in lines[0], done.stderr
    assert "CANARY-include" not in done.stdout + done.stderr
    assert peak_kb < 400 * 1024, f"{peak_kb} KB"  # far from the gigabytes asked for
    assert elapsed < 30
    assert not (rb.root / "procedures" / "ops" / "x.md").exists()


def test_an_ordinary_template_still_renders(make_runbook):
    rb = make_runbook()
    rb.write(".releve/procedure.md", HEAD + TAIL.replace("Steps.", "{{ '-' * 20 }} {{ 2 ** 10 }}"))
    done = releve("new", "ops/x.md", "--owner", "ana", "--backup", "ben", "--root", str(rb.root))
    assert done.returncode == 0, done.stderr
    text = (rb.root / "procedures" / "ops" / "x.md").read_text()
    assert "-" * 20 in text and "1024" in text


# --- PBKDF2 iterations and key generations -----------------------------------------

PEOPLE = {"ana": {"ops"}, "ben": {"ops"}}
PASS = {"ana": "ana-bounds-maple-river-lantern", "ben": "ben-bounds-cedar-compass-kettle"}
TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
"""


def vault_text() -> str:
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "CANARY-bounds", today=DAY)
    return store.dump(v)


@pytest.mark.parametrize(
    ("field", "huge"),
    [("iterations", "1000000000000"), ("iterations", "10000001"),
     ("generation", "1000000000000000000000000000000")],
)  # fmt: skip
def test_huge_numbers_in_the_vault_are_one_line(make_runbook, field, huge):
    rb = make_runbook(team=TEAM)
    text = vault_text()
    if field == "iterations":
        text = text.replace("iterations: 1000,", f"iterations: {huge},", 1)
    else:
        text = text.replace("generation: 1\n", f"generation: {huge}\n", 1)
    rb.write("vault.yml", text)
    env = {"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS["ana"]}
    for args in (("vault", "check"), ("vault", "list"), ("vault", "show", "bank"),
                 ("vault", "audit"), ("lint",)):  # fmt: skip
        start = time.perf_counter()
        done = releve(*args, "--root", str(rb.root), env=env)
        assert time.perf_counter() - start < 30, args
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert done.returncode in (1, 2), (args, done.stdout, done.stderr)
        assert "CANARY" not in done.stdout + done.stderr
    done = releve("lint", "--root", str(rb.root))
    assert "RB008" in done.stdout


def test_crypto_refuses_iterations_out_of_range_before_deriving():
    enrolment, _ = crypto.enrol("ana", PASS["ana"], **FAST)
    start = time.perf_counter()
    for n in (crypto.MAX_ITERATIONS + 1, 10**15, 0):
        with pytest.raises(crypto.Refused):
            crypto.unlock(_with(enrolment, n), PASS["ana"], "ana")
    assert time.perf_counter() - start < 1
    with pytest.raises(ValueError):
        crypto.check_iterations(crypto.MAX_ITERATIONS + 1, weak_for_tests=True)


def _with(enrolment, iterations):
    import dataclasses

    return dataclasses.replace(enrolment, iterations=iterations)


NODE = shutil.which("node")
HARNESS = """
const fs = require("fs");
let src = fs.readFileSync(process.argv[2], "utf8");
src = src.replace(/\\}\\)\\(\\);\\s*$/, "globalThis.__r = { open: open };})();");
globalThis.window = globalThis;
globalThis.document = { addEventListener() {} };
eval(src);
const vault = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const start = Date.now();
__r.open(vault, "bank", "ana", process.argv[4]).then(
  (v) => console.log(JSON.stringify({ opened: true, ms: Date.now() - start })),
  (e) => console.log(JSON.stringify({ refused: e.message, bounds: !!e.bounds,
                                      ms: Date.now() - start })));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_reveal_refuses_iterations_out_of_range(tmp_path):
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "CANARY-bounds", today=DAY)
    v.people["ana"] = _with(v.people["ana"], 10**12)
    (tmp_path / "vault.json").write_text(publish.site_json(v, PEOPLE), encoding="utf-8")
    (tmp_path / "h.js").write_text(HARNESS, encoding="utf-8")
    reveal = REPO / "plugins" / "releve" / "assets" / "reveal.js"
    done = subprocess.run([NODE, str(tmp_path / "h.js"), str(reveal), str(tmp_path / "vault.json"),
                           PASS["ana"]], capture_output=True, text=True, timeout=60)  # fmt: skip
    import json

    result = json.loads(done.stdout)
    assert result["refused"] == "iterations" and result["bounds"] and result["ms"] < 5000


# --- options of the wrong type ------------------------------------------------------


def test_service_titles_as_a_list_before_a_binder(make_runbook, tmp_path):
    rb = make_runbook()
    rb.procedure("ops/a.md", GOOD)
    config = rb.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      binder: false\n", "      binder: false\n      service_titles: [x]\n"
        "      severity: [RB010]\n      review_every: many\n"), encoding="utf-8")  # fmt: skip
    for args in (("binder", "--all", "-o", str(tmp_path / "all.html")), ("lint",),
                 ("coverage",), ("codeowners",)):  # fmt: skip
        done = releve(*args, "--root", str(rb.root))
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert done.returncode in (0, 1), (args, done.stderr)


# --- many absences --------------------------------------------------------------------


def many_absences(n: int, flow: bool) -> str:
    lines = [TEAM.rstrip("\n"), "absences:"]
    first = date(2026, 1, 5)
    for i in range(n):
        start = first + timedelta(days=(i * 7) % 1500)
        end = start + timedelta(days=i % 9)
        person = "ana" if i % 2 else "ben"
        if flow:
            lines.append(f"  - {{person: {person}, from: {start}, to: {end}}}")
        else:
            lines += [f"  - person: {person}", f"    from: {start}", f"    to: {end}"]
    return "\n".join(lines) + "\n"


def test_5001_flow_style_absences_are_read():
    doc = load_yaml(many_absences(5001, flow=True))
    assert doc.problems == [] and len(doc.data["absences"]) == 5001


def test_deeply_nested_brackets_are_still_refused_quickly():
    start = time.perf_counter()
    doc = load_yaml("a: " + "[a, " * 50_000 + "\n")
    assert [p.key for p in doc.problems] == ["yaml.too_deep"]
    assert time.perf_counter() - start < 2


def test_10000_absences_cost_seconds_not_minutes(make_runbook, monkeypatch):
    """The calendar feed and person pages ask the coverage of each absence: computed
    together (and absences found by bisection), never once per absence over all of them."""
    import importlib

    from releve.render.site_content import SiteContent

    module = importlib.import_module("releve.coverage.compute")

    rb = make_runbook(team=many_absences(10_000, flow=False))
    rb.procedure("ops/a.md", GOOD.replace("owner: ana", "owner: ana\nschedule: daily"))
    calls = []
    real = module.compute

    def counted(*args, **kwargs):
        calls.append(args[1:3])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "compute", counted)
    from releve.core.settings import load_settings

    settings = load_settings(rb.root)
    start = time.perf_counter()
    site = SiteContent.load(rb.root, settings, date(2026, 11, 23))
    site.pages(lambda uri: uri.replace(".md", "/"))
    site.data_files(lambda uri: uri.replace(".md", "/"))
    elapsed = time.perf_counter() - start
    assert len(site.runbook.team.absences) == 10_000
    assert len(calls) <= 10, len(calls)
    assert elapsed < 120, elapsed  # 7 minutes before


def test_the_absence_index_finds_what_a_scan_finds():
    from releve.coverage.compute import AbsenceIndex
    from releve.model import Absence, Pos, Team

    team = Team(pos=Pos("team.yml"))
    base = date(2026, 1, 1)
    for i in range(400):
        start = base + timedelta(days=(i * 13) % 700)
        length = 1000 if i % 97 == 0 else i % 20
        team.absences.append(Absence("ana", start, start + timedelta(days=length), Pos("t")))
    index = AbsenceIndex.of(team)
    for first_day in range(0, 800, 17):
        first = base + timedelta(days=first_day)
        last = first + timedelta(days=first_day % 40)
        expected = [a for a in team.absences if a.start <= last and a.end >= first]
        got = index.overlapping(first, last)
        assert sorted(map(id, got)) == sorted(map(id, expected))
