"""Coverage pages in a real build, read through their HTML, in English and French."""

from __future__ import annotations

import html

import pytest

from conftest import mkdocs_build

TEAM = """\
people:
  - {id: ana, name: Ana Lima}
  - {id: ben, name: Ben Okafor}
  - {id: cy, name: Cy Tran}
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-04}
  - {person: ben, from: 2026-12-03, to: 2026-12-03}
"""


def build(make_runbook, lang):
    rb = make_runbook(lang=lang, team=TEAM)
    rb.procedure("s/pay.md", "title: Pay invoices\nservice: s\nclients: [acme]\nowner: ana\n"
                 "backup: [ben]\npriority: urgent\nsuccess_criteria: [ok]\n")  # fmt: skip
    rb.procedure("s/solo.md", "title: Solo task\nservice: s\nowner: cy\n"
                 "priority: planned\nsuccess_criteria: [ok]\n")  # fmt: skip
    rb.write("clients/acme.md", "---\nname: Acme\n---\nNotes.\n")
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    return rb.root / "site"


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Coverage matrix", "Gap calendar", "Single points of failure",
            "While Ana Lima is away"]),
    ("fr", ["Matrice de couverture", "Calendrier des trous", "Points de défaillance uniques",
            "Pendant l'absence de Ana Lima"]),
])  # fmt: skip
def test_pages(make_runbook, lang, words):
    site = build(make_runbook, lang)
    matrix = (site / "coverage/index.html").read_text(encoding="utf-8")
    gaps = (site / "coverage/gaps/index.html").read_text(encoding="utf-8")
    risks = (site / "coverage/risks/index.html").read_text(encoding="utf-8")
    person = html.unescape((site / "people/ana/index.html").read_text(encoding="utf-8"))
    assert words[0] in matrix and words[1] in gaps and words[2] in risks and words[3] in person
    table = matrix[matrix.index('class="releve-table releve-matrix"') :]
    row = table[table.index("Pay invoices") :]
    row = row[: row.index("</tr>")]
    assert "releve-role-owner" in row and ">1<" in row
    gap_day = "December 3" if lang == "en" else "3 décembre"
    gaps = html.unescape(gaps)
    assert gap_day in gaps and "Pay invoices" in gaps and "calendar.ics" in gaps
    assert "Solo task" in risks and "Cy Tran" in risks
    assert "Ben Okafor" in person  # takes over Pay invoices
    client = html.unescape((site / "clients/acme/index.html").read_text(encoding="utf-8"))
    assert "releve-coverage" in client and gap_day in client
    assert (site / "calendar.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    home = (site / "index.html").read_text(encoding="utf-8")
    summary = home[home.index("releve-coverage-summary") :]
    assert 'href="coverage/gaps/"' in summary[: summary.index("</p>")]
