"""Golden files: the Markdown of generated pages (before MkDocs renders it) and the diff report.

The runbooks are `tests/golden/base` and `tests/golden/head` (HEAD: one procedure
loses its backup, one is renamed, an absence is added). Expected output sits in
`tests/golden/expected/`, so a change of output shows in review as a diff of
those files. After an intended change, regenerate them and review the diff:

    RELEVE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from datetime import date
from pathlib import Path

import pytest

from releve.coverage.compute import compute, horizon_end
from releve.diff.changes import build
from releve.diff.export import Revision
from releve.diff.snapshot import take
from releve.i18n import Translator
from releve.lint import lint_runbook
from releve.model import load_runbook
from releve.render.pages.generated import GeneratedPages
from releve.render.reports.diff_report import json_view, markdown_view, text_view

HERE = Path(__file__).parent / "golden"
EXPECTED = HERE / "expected"
TODAY = date(2026, 12, 4)
UPDATE = os.environ.get("RELEVE_UPDATE_GOLDEN") == "1"
# The pages worth pinning: the ones a reader opens and the coverage views.
PAGES = (
    "index.md",
    "people/ana.md",
    "people/index.md",
    "services/billing.md",
    "coverage/index.md",
    "coverage/gaps.md",
    "maintainers.md",
)


def url_of(src_uri: str) -> str:
    """Directory URLs, as MkDocs makes them by default."""
    if src_uri.endswith("index.md"):
        return src_uri[: -len("index.md")]
    return src_uri.removesuffix(".md") + "/"


def check(name: str, actual: str) -> None:
    path = EXPECTED / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: run with RELEVE_UPDATE_GOLDEN=1 and review it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"expected/{name}",
                f"actual/{name}",
            )
        )
        pytest.fail(f"{name} differs from its golden file:\n{diff}")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    runbook = load_runbook(HERE / "base")
    findings = lint_runbook(runbook, TODAY)
    coverage = compute(runbook, TODAY, horizon_end(TODAY, 90))
    return GeneratedPages(runbook, TODAY, "en", url_of, findings, coverage).all()


@pytest.mark.parametrize("uri", PAGES)
def test_generated_page(pages, uri):
    check(f"pages/{uri}", pages[uri])


@pytest.fixture(scope="module")
def runbook_diff():
    start, end = TODAY, horizon_end(TODAY, 90)
    base = take(HERE / "base", Revision("base", "a" * 40), TODAY, start, end)
    head = take(HERE / "head", Revision("head", None), TODAY, start, end)
    return build(base, head, start, end, "en")


@pytest.mark.parametrize(
    ("name", "view"),
    [("diff.md", markdown_view), ("diff.txt", text_view), ("diff.json", json_view)],
)
def test_diff_report(runbook_diff, name, view):
    check(name, view(runbook_diff, Translator("en")))
