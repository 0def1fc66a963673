"""End-to-end: real `mkdocs build` runs, read through the HTML they produce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pagefind_fixture import fragments
from sample_site import sample_build

from conftest import mkdocs_build, new_runbook

PROC = """\
title: Relances de paiement
service: comptabilite
clients: [acme]
owner: ana
backup: [ben]
priority: urgent
sla: 1 business day
frequency: weekly
success_criteria:
  - Every invoice older than 7 days has had a first reminder
reviewed: 2026-10-01
"""

CLIENT = """\
---
name: Acme inc.
contacts:
  - {name: Paul Roy, role: directeur, email: paul@acme.example}
channels: [email, phone]
hours: "Mon-Fri 09:00-17:00"
response_time: 24 business hours
contract: {start: 2025-01-15, notice_days: 30}
absence_messages:
  email: "Thanks, we are away until Monday."
---
Files live in the shared Drive.
"""


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def build_small(make_runbook, lang="en", extra_config="") -> Path:
    rb = make_runbook(lang=lang)
    rb.procedure("comptabilite/relances.md", PROC, "## Steps\n\n1. Open the ledger.\n")
    rb.write("clients/acme.md", CLIENT)
    if extra_config:
        (rb.root / "mkdocs.yml").write_text(
            (rb.root / "mkdocs.yml").read_text() + extra_config, encoding="utf-8"
        )
    result = mkdocs_build(rb.root, "--strict")
    assert result.returncode == 0, result.stderr
    return rb.root


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    """build_small() in English, built once for the tests that only read it."""
    root = tmp_path_factory.mktemp("small") / "rb"
    return build_small(lambda lang="en": new_runbook(root, lang)) / "site"


def test_procedure_page_has_header_card(small_site):
    site = small_site
    html = read(site, "procedures/comptabilite/relances")
    card = html[html.index('class="releve-card releve-procedure"') :]
    card = card[: card.index("</ul>")]
    assert "Ana Lima" in card and "Ben Okafor" in card
    assert 'href="../../../people/ana/"' in card
    assert ">urgent<" in card
    assert "1 business day" in card and "weekly" in card and "Oct 1, 2026" in card
    assert "Every invoice older than 7 days has had a first reminder" in card
    assert 'type="checkbox"' in card
    assert "<h1" in html and "Relances de paiement" in html
    assert "<h2" in html and "Open the ledger." in html


def test_generated_pages_exist_and_link(small_site):
    site = small_site
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Today" in home and "Comptabilite" in home and 'href="maintainers/"' in home
    service = read(site, "services/comptabilite")
    assert (
        "Relances de paiement" in service
        and 'href="../../procedures/comptabilite/relances/"' in service
    )
    person = read(site, "people/ana")
    assert "Owns" in person and "Relances de paiement" in person
    assert "Dec 1\u2009–\u20095, 2026" in person  # her absence, as one period
    backup = read(site, "people/ben")
    assert "Backs up" in backup and "backup no. 1" in backup


def test_client_page(small_site):
    site = small_site
    html = read(site, "clients/acme")
    for text in ("Paul Roy", "mailto:paul@acme.example", "Mon-Fri 09:00-17:00",
                 "24 business hours", "30 days", "Files live in the shared Drive.",
                 "Thanks, we are away until Monday.", "Relances de paiement"):  # fmt: skip
        assert text in html, text
    assert 'data-copy-target="releve-msg-acme-1"' in html


def test_edit_link_points_at_real_file(make_runbook):
    extra = "repo_url: https://github.com/o/r\nedit_uri: edit/main/docs/\n"
    site = build_small(make_runbook, extra_config=extra) / "site"
    html = read(site, "procedures/comptabilite/relances")
    assert 'href="https://github.com/o/r/edit/main/procedures/comptabilite/relances.md"' in html
    client = read(site, "clients/acme")
    assert 'href="https://github.com/o/r/edit/main/clients/acme.md"' in client


def test_search_index_has_people_client_and_service(small_site):
    site = small_site
    entry = fragments(site)["/procedures/comptabilite/relances/"]
    for words in ("Owner Ana Lima", "Backups Ben Okafor", "Acme inc.", "Comptabilite"):
        assert words in entry["content"], words


def test_french_strings_follow_theme_language(make_runbook):
    site = build_small(make_runbook, lang="fr") / "site"
    html = read(site, "procedures/comptabilite/relances")
    assert "Responsable" in html and "Critères de réussite" in html and "Niveau de service" in html
    assert "Success criteria" not in html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Aujourd" in home and "Maintenance" in home and "Tableau de bord" in home


def test_html_in_fields_is_escaped(make_runbook):
    rb = make_runbook(
        team="""\
people:
  - {id: ana, name: "<img src=x onerror=alert(1)>", roles: [ops]}
  - {id: ben, name: "Ben <b>bold</b>", roles: [ops]}
"""
    )
    rb.procedure(
        "ops/x.md",
        """\
title: "<script>alert('t')</script> Title"
service: ops
owner: ana
backup: [ben]
priority: urgent
sla: "<i>1 day</i>"
success_criteria: ["<script>alert('c')</script>"]
""",
    )
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    site = rb.root / "site"
    for page in [site / "procedures/ops/x/index.html", site / "people/ana/index.html",
                 site / "index.html", site / "services/ops/index.html"]:  # fmt: skip
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(" not in html, page
        assert "<img src=x" not in html, page
        assert "<b>bold</b>" not in html, page
    card = (site / "procedures/ops/x/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt;" in card
    assert "&lt;i&gt;1 day&lt;/i&gt;" in card


def test_broken_procedure_fails_strict_build_with_clear_message(make_runbook):
    rb = make_runbook()
    rb.write("procedures/ops/bad.md", "---\ntitle: [unclosed\nowner: ana\n---\nBody\n")
    result = mkdocs_build(rb.root, "--strict")
    assert result.returncode != 0
    assert re.search(r"procedures/ops/bad\.md:3: RB008 invalid YAML", result.stderr)
    assert "Traceback" not in result.stderr
    relaxed = mkdocs_build(rb.root)
    assert relaxed.returncode == 0 and "Traceback" not in relaxed.stderr


def test_sample_runbook_builds(tmp_path_factory):
    built = sample_build(tmp_path_factory, binders=True)  # the sample as it is
    result = built.result
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    site = built.site
    assert (site / "index.html").exists()
    pages = list((site / "procedures").rglob("index.html"))
    assert len(pages) >= 15
    nav = (site / "index.html").read_text(encoding="utf-8")
    assert "Tableau de bord" in nav and "Équipe" in nav


@pytest.mark.parametrize(("option", "listed"), [("auto", True), ("false", False)])
def test_procedures_in_navigation_small_runbook_or_option(make_runbook, option, listed):
    rb = make_runbook()
    config = (rb.root / "mkdocs.yml").read_text()
    (rb.root / "mkdocs.yml").write_text(
        config.replace(
            "      binder: false\n", f"      binder: false\n      nav_procedures: {option}\n"
        )
    )
    for i in range(30):
        rb.procedure(
            f"ops/p{i}.md",
            f"title: Proc {i}\nservice: ops\nowner: ana\nbackup: [ben]\n"
            "priority: planned\nsuccess_criteria: [ok]\n",
        )
    result = mkdocs_build(rb.root, "--strict")
    assert result.returncode == 0, result.stderr
    site = rb.root / "site"
    html = read(site, "procedures/ops/p0")
    start = html.index("md-nav--primary")
    nav = html[start : html.index("</nav>", start)]
    # small runbooks list procedures under their service; large ones reach them from the
    # service page and search, so the navigation embedded in every page stays small
    assert ("Proc 1<" in nav or "Proc 1\n" in nav) is listed
    services = read(site, "services")
    assert "Ops" in services and 'href="ops/"' in services
    assert "Ana Lima" in read(site, "people")
    assert read(site, "clients")


def test_plaintext_secret_stops_the_build_even_without_strict(make_runbook):
    canary = "Zq8-canary-Vx41-hunter"
    rb = make_runbook()
    rb.procedure(
        "ops/leak.md",
        "title: Leak\nservice: ops\nowner: ana\nbackup: [ben]\npriority: urgent\n"
        "success_criteria: [ok]\n",
        f"Log in.\n\nMot de passe : {canary}\n",
    )
    result = mkdocs_build(rb.root)
    assert result.returncode != 0
    assert "procedures/ops/leak.md:" in result.stderr and "RB009" in result.stderr
    assert "Traceback" not in result.stderr
    assert canary not in result.stderr + result.stdout
    site = rb.root / "site"
    leaked = [p for p in site.rglob("*") if p.is_file() and canary.encode() in p.read_bytes()]
    assert leaked == []


def test_dashboard_lists_findings_with_code_spans(make_runbook):
    rb = make_runbook()
    rb.procedure(
        "ops/old.md",
        "title: Old\nservice: ops\nowner: ana\nbackup: [ben]\npriority: planned\n"
        "success_criteria: [ok]\nreviewed: 2025-01-01\n",
    )
    result = mkdocs_build(rb.root)
    assert result.returncode == 0, result.stderr
    page = (rb.root / "site" / "maintainers" / "index.html").read_text(encoding="utf-8")
    row = page[page.index(">RB010<") :]
    row = row[: row.index("</tr>")]
    assert "procedures/ops/old.md:" in row and "<code>reviewed</code>" in row
