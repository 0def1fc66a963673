"""Dates and numbers near the limits: a finding or one line, never an overflow or a hang."""

from __future__ import annotations

import time

import pytest

from conftest import GOOD, mkdocs_build, releve

TEAM = """\
holidays: [9999-12-31, 0001-01-01]
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
absences:
  - {person: ana, from: 2026-12-01, to: 9999-12-31}
  - {person: ben, from: 0001-01-01, to: 0001-01-02}
"""


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.procedure(
        "a.md",
        GOOD.replace("reviewed: 2026-11-01", "reviewed: 9999-12-31")
        + "review_every: 1000000000000000\nlast_drill: 9999-12-31\n",
    )
    rb.procedure("b.md", GOOD.replace("priority: important", "priority: urgent"))
    rb.write("clients/acme.md", "---\nname: Acme\ncontract: {start: 0001-01-01, end: 9999-12-31, "
                                "notice_days: 99999999999999}\n---\nNotes.\n")  # fmt: skip
    return rb


def clean(done) -> None:
    assert "Traceback" not in done.stderr and "OverflowError" not in done.stderr, done.stderr


def test_extreme_values_in_the_sources(rb, tmp_path):
    lint = releve("lint", "--root", str(rb.root))
    clean(lint)
    assert "team.yml" in lint.stdout and "procedures/a.md" in lint.stdout, lint.stdout
    for args in (["coverage"], ["binder", "--all", "-o", str(tmp_path / "b.html")],
                 ["binder", "--person", "ana", "-o", str(tmp_path / "p.html")]):  # fmt: skip
        done = releve(*args, "--root", str(rb.root))
        clean(done)
        assert done.returncode in (0, 1), done.stderr
    clean(mkdocs_build(rb.root))


@pytest.mark.parametrize("day", ["9999-12-30", "0001-01-01"])
def test_today_near_the_limits(rb, tmp_path, day):
    for args in (["lint"], ["coverage"], ["binder", "--all", "-o", str(tmp_path / "b.html")]):
        done = releve(*args, "--today", day, "--root", str(rb.root))
        clean(done)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert day in done.stderr
    build = mkdocs_build(rb.root, today=day)
    clean(build)
    assert build.returncode == 1 and day in build.stderr


def test_huge_horizon_and_coverage_range(make_runbook):
    rb = make_runbook()
    rb.procedure("a.md", GOOD)
    mkdocs = (rb.root / "mkdocs.yml").read_text(encoding="utf-8")
    (rb.root / "mkdocs.yml").write_text(mkdocs + "      horizon: 100000000\n", encoding="utf-8")
    started = time.perf_counter()
    for args in (["lint"], ["coverage"]):
        done = releve(*args, "--root", str(rb.root))
        clean(done)
        assert done.returncode in (0, 1), done.stderr
    wide = releve("coverage", "--from", "0001-01-01", "--to", "9999-12-31", "--root", str(rb.root))
    clean(wide)
    assert wide.returncode == 2 and len(wide.stderr.strip().splitlines()) == 1, wide.stderr
    build = mkdocs_build(rb.root)
    clean(build)
    assert build.returncode == 0, build.stderr
    assert time.perf_counter() - started < 120
