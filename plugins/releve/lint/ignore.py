"""Per-file silencing: `releve_ignore: {RB012: "long checklist, agreed with Marie"}`.

A procedure or client page may silence codes for itself, each with a written
reason. An entry without a reason, or naming no lint code, silences nothing
and is itself a finding (RB016), so an ignore can never hide silently. RB009 (a
plaintext secret) can never be silenced, here or by a severity in mkdocs.yml.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.findings import Finding
from ..model import Runbook
from .codes import CODES
from .rules.content import finding

KEY = "releve_ignore"
# A secret in a page must be removed, never hidden: the build refuses to publish it. A
# vault key nobody can vouch for (RB026) must not be silenced by a page either.
# A waived secret check (RB028) stays visible in every summary and diff.
NEVER_SILENCED = frozenset({"RB009", "RB026", "RB028"})


def ignored_codes(runbook: Runbook) -> tuple[dict[str, set[str]], list[Finding]]:
    """Codes silenced per file path, and the RB016 findings of malformed entries."""
    silenced: dict[str, set[str]] = {}
    problems: list[Finding] = []
    pages: list = [*runbook.procedures, *runbook.clients.values()]
    for page in pages:
        if KEY not in page.meta:
            continue
        value = page.meta[KEY]
        if not isinstance(value, dict):
            problems.append(finding("RB016", page.pos_of(KEY), "lint.ignore_bad"))
            continue
        for code, reason in value.items():
            pos = page.positions.get(f"{KEY}.{code}", page.pos_of(KEY))
            code = str(code).strip().upper()
            if code not in CODES or code == "RB016":
                problems.append(finding("RB016", pos, "lint.ignore_unknown_code", code=code))
            elif code in NEVER_SILENCED:
                problems.append(finding("RB016", pos, "lint.ignore_never", code=code))
            elif not isinstance(reason, str) or not reason.strip():
                problems.append(finding("RB016", pos, "lint.ignore_no_reason", code=code))
            else:
                silenced.setdefault(page.path, set()).add(code)
    return silenced, problems


def apply_ignores(findings: Iterable[Finding], silenced: dict[str, set[str]]) -> list[Finding]:
    return [
        f for f in findings if f.code in NEVER_SILENCED or f.code not in silenced.get(f.path, ())
    ]
