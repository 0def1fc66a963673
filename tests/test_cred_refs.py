"""One `[[cred:ID]]` scanner (model/refs.py): the lint (RB005), the site's cards and the
binder's chips agree on what is a reference and what is an example inside code."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date

import pytest
from vault_helpers import enrolled

from conftest import MINIMAL_MKDOCS, mkdocs_build, releve
from releve.lint import lint_runbook
from releve.model import load_runbook
from releve.model.refs import find_refs, inline_references
from releve.render.pages.credential_cards import mark_inline
from releve.vault import ops, store

FRONT = """\
title: Pay suppliers
service: ops
owner: ana
backup: [ben]
priority: important
success_criteria: [paid]
reviewed: 2026-11-01
"""

# Every way an id can sit in code, and two real references (one known, one not).
BODY = """\
Log in with [[cred:bank]] and pay.

Write `[[cred:span-x]]` to reference a credential, or ``[[cred:double-x]]``.

A code span may wrap: `start
[[cred:wrapped-x]] end` and the sentence goes on.

```text
[[cred:fenced-x]]
```

~~~
[[cred:tilde-x]]
~~~

A lone backtick ` does not open code past a blank line

[[cred:after-blank]] is a real reference, and so is this ` one.
"""
EXAMPLES = ["span-x", "double-x", "wrapped-x", "fenced-x", "tilde-x"]
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}}
PASS = {"ana": "ana-refs-maple-river-lantern"}


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook()
    rb.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en") + "markdown_extensions:\n"
             "  - pymdownx.superfences\n")  # fmt: skip
    rb.procedure("ops/pay.md", FRONT, BODY)
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "s3cret-value",
                today=date(2026, 10, 2), label="Bank portal")  # fmt: skip
    store.write_atomic(rb.root / "vault.yml", store.dump(v))
    return rb


def text_of(page: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_scanner():
    refs = find_refs(BODY)
    assert [r.id for r in refs] == ["bank", "after-blank"]
    lines = BODY.split("\n")
    for ref in refs:  # positions point at the text itself
        assert lines[ref.line][ref.column - 1 :].startswith(f"[[cred:{ref.id}]]")
        assert BODY[ref.start : ref.end] == f"[[cred:{ref.id}]]"
    marked, ids = mark_inline(BODY)
    assert ids == ["bank", "after-blank"]
    assert marked == BODY.replace("[[cred:bank]]", "RELEVECREDREF0X").replace(
        "[[cred:after-blank]]", "RELEVECREDREF1X"
    )


def test_lint_site_and_binder_agree(rb, tmp_path):
    runbook = load_runbook(rb.root)
    (proc,) = runbook.procedures
    assert [cid for cid, _ in inline_references(proc)] == ["bank", "after-blank"]
    rb005 = [f for f in lint_runbook(runbook, date(2026, 11, 23)) if f.code == "RB005"]
    assert [(f.args["credential"], f.line) for f in rb005] == [("after-blank", 27)]

    built = mkdocs_build(rb.root)
    assert built.returncode == 0, built.stderr
    site = (rb.root / "site" / "procedures" / "ops" / "pay" / "index.html").read_text("utf-8")
    assert re.findall(r'data-cred-unknown="([^"]+)"', site) == ["after-blank"]
    assert 'href="#cred-bank"' in site and "RELEVECREDREF" not in site

    out = tmp_path / "binder.html"
    done = releve("binder", "--all", "-o", str(out), "--root", str(rb.root))
    assert done.returncode == 0, done.stderr
    binder = out.read_text(encoding="utf-8")
    assert re.findall(r'class="cred-ref" href="#cred-([^"]+)"', binder) == ["bank", "after-blank"]
    assert "RELEVECREDREF" not in binder

    for page in (site, binder):  # every example is shown as written, as code
        shown = text_of(page)
        for example in EXAMPLES:
            assert f"[[cred:{example}]]" in shown, example
            assert f'"#cred-{example}"' not in page and f'"{example}"' not in page
