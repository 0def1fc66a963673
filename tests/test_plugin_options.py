"""Plugin options resolved without a build: `binder: auto`."""

from __future__ import annotations

import pytest

from releve.mkdocs.plugin import BINDER_AUTO_LIMIT, binders_wanted


@pytest.mark.parametrize(
    ("option", "procedures", "serving", "wanted"),
    [
        ("auto", 20, False, True),
        ("auto", 20, True, False),  # serve stays fast
        ("auto", BINDER_AUTO_LIMIT + 1, False, False),
        (True, BINDER_AUTO_LIMIT + 1, True, True),
        (False, 20, False, False),
    ],
)
def test_binders_wanted(option, procedures, serving, wanted):
    assert binders_wanted(option, procedures, serving) is wanted
