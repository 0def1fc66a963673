"""What a build adds to the site is computed once (`render/site_content.py`), engine-free."""

from __future__ import annotations

import importlib
from datetime import date

from conftest import REPO
from releve.core.settings import load_settings
from releve.coverage.compute import compute
from releve.model import load_runbook
from releve.render import site_content
from releve.render.site_content import SiteContent

coverage_compute = importlib.import_module("releve.coverage.compute")


def test_a_slice_of_a_coverage_is_the_coverage_of_the_slice():
    runbook = load_runbook(REPO)
    whole = compute(runbook, date(2026, 11, 1), date(2027, 3, 31))
    for start, end in [
        (date(2026, 12, 18), date(2027, 1, 8)),
        (date(2026, 11, 1), date(2026, 11, 1)),
    ]:
        part, fresh = whole.between(start, end), compute(runbook, start, end)
        assert part.days == fresh.days
        assert part.due == fresh.due
        assert part.gaps == fresh.gaps and part.no_access == fresh.no_access
        assert part.away == fresh.away
        for proc in runbook.procedures:
            for day in fresh.days:
                assert part.cover(proc, day) == fresh.cover(proc, day)


def test_one_coverage_computation_per_build(monkeypatch):
    calls = []
    real = compute

    def counted(*args, **kwargs):
        calls.append(args[1:3])
        return real(*args, **kwargs)

    monkeypatch.setattr(site_content, "compute", counted)
    monkeypatch.setattr(coverage_compute, "compute", counted)  # absences, person pages
    site = SiteContent.load(REPO, load_settings(REPO), date(2026, 11, 23))
    site.pages(lambda uri: uri)
    site.data_files(lambda uri: uri)
    assert len(calls) == 1
    assert site.coverage.start == date(2026, 11, 23) and site.window.end > site.coverage.end
