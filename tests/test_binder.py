"""Binder core: selection, layout read back from the PDF page by page, no secret, both languages."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from binder_fixture import CANARY, TITLES, body_lines, pdf_pages, toc_entries, write_runbook
from pypdf import PdfReader

from releve.core.settings import load_settings
from releve.model import load_runbook
from releve.render import binder

TODAY = date(2026, 11, 23)
SECTIONS_EN = ["Contacts, hours and response times", "Coverage", "Procedures",
               "Credential index", "Absence messages", "Open items"]  # fmt: skip
SECTIONS_FR = ["Contacts, heures et délais de réponse", "Relève", "Procédures",
               "Index des accès", "Messages d'absence", "Points en suspens"]  # fmt: skip


def make(root: Path, kind: str, subject: str | None, out: Path, **period) -> list[str]:
    settings = load_settings(root)
    runbook = load_runbook(root, settings)
    if kind == "client":
        book = binder.for_client(runbook, subject, TODAY, settings)
    elif kind == "person":
        book = binder.for_person(runbook, subject, TODAY, settings, **period)
    else:
        book = binder.for_all(runbook, TODAY, settings)
    binder.write(runbook, book, settings, out, binder.source_revision(root))
    return pdf_pages(out) if out.suffix == ".pdf" else [out.read_text(encoding="utf-8")]


def start_page(pages: list[str], title: str) -> int:
    """1-based page whose body starts with `title` (after the part heading on the first one)."""
    found = [n for n, page in enumerate(pages, 1) if title in body_lines(page)[:2]]
    assert len(found) == 1, (title, found)
    return found[0]


@pytest.fixture
def en_root(make_runbook) -> Path:
    return write_runbook(make_runbook, "en")


def test_whole_runbook_sections_procedures_and_toc_page_numbers(en_root, tmp_path):
    pages = make(en_root, "all", None, tmp_path / "all.pdf")
    toc = toc_entries(pages, "Contents")
    for section in SECTIONS_EN:
        assert section in toc, section
        assert section in body_lines(pages[toc[section] - 1])[0], section
    starts = {key: start_page(pages, title) for key, title in TITLES.items()}
    assert len(set(starts.values())) == len(TITLES), "each procedure starts on its own page"
    for key, title in TITLES.items():
        assert toc[title] == starts[key], title
        # nothing of another procedure on its first page
        others = [t for k, t in TITLES.items() if k != key]
        assert not any(t in body_lines(pages[starts[key] - 1]) for t in others)
    assert body_lines(pages[toc["Procedures"] - 1])[0] == "Procedures"
    n = len(pages)
    for number, page in enumerate(pages[1:], 2):
        assert f"page {number} of {n}" in page
        assert "CONFIDENTIAL" in page
    assert "page 1 of" not in pages[0], "the cover has no running header or footer"
    assert "Absence messages" in pages[toc["Absence messages"] - 1]
    everything = "\n".join(pages)
    assert "ACME-AWAY-MSG" in everything and "GLOBEX-AWAY-MSG" in everything
    assert "Bank portal" in everything and "Globex portal" in everything


def test_bookmarks_and_working_internal_links(en_root, tmp_path):
    pdf = tmp_path / "all.pdf"
    pages = make(en_root, "all", None, pdf)
    toc = toc_entries(pages, "Contents")
    reader = PdfReader(pdf)
    outline, top = {}, []
    for item in reader.outline:
        if isinstance(item, list):  # the children of the previous top-level entry
            outline[top[-1]] = [child.title for child in item]
            if top[-1] == "Procedures":
                for child in item:
                    assert reader.get_destination_page_number(child) + 1 == toc[child.title]
        else:
            top.append(item.title)
            assert reader.get_destination_page_number(item) + 1 == toc.get(item.title, 2)
    assert top == ["Contents", *SECTIONS_EN]
    assert sorted(outline["Procedures"]) == sorted(TITLES.values())
    links = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    named = reader.named_destinations
    targets = {a["/Dest"]: reader.get_destination_page_number(named[a["/Dest"]]) + 1 for a in links}
    assert set(targets) == {"contacts", "coverage", "procedures", "credentials", "messages",
                            "open-items", *(f"proc-{key}" for key in TITLES)}  # fmt: skip
    for key, title in TITLES.items():
        assert targets[f"proc-{key}"] == toc[title], "the TOC links to the page it names"
    assert targets["credentials"] == toc["Credential index"]


def test_procedure_page_has_facts_criteria_and_rendered_body(en_root, tmp_path):
    pages = make(en_root, "all", None, tmp_path / "all.pdf")
    page = pages[start_page(pages, TITLES["pay"]) - 1]
    lines = body_lines(page)
    facts = " ".join(lines[: lines.index("SUCCESS CRITERIA")])
    for text in ("OWNER Ana Lima", "BACKUPS Ben Okafor, Chloé Dubois", "PRIORITY urgent",
                 "SERVICE LEVEL 1 business day", "FREQUENCY weekly", "LAST REVIEW Jan 1, 2026",
                 "CLIENTS Acme Inc.", "CREDENTIALS Bank portal"):  # fmt: skip
        assert text in facts, text
    for text in ("SUCCESS CRITERIA", "Every invoice paid", "Receipt filed"):
        assert text in lines, text
    assert "Careful with amounts" in lines  # admonition title
    assert "Double-check every ADMONITION-BODY amount." in lines
    assert "TABLE-CELL-SUPPLIER" in lines
    assert "☐ TASK-ITEM to tick" in lines
    assert "Log in with Bank portal [bank] and pay." in lines, "inline reference -> label"
    assert "# [[cred:bank]] stays an example here" in lines, "code is left as written"


def test_client_binder_holds_nothing_from_other_clients(en_root, tmp_path):
    pages = make(en_root, "client", "acme", tmp_path / "acme.pdf")
    text = "\n".join(pages)
    for mine in ("Acme Inc.", "Paul Roy", TITLES["pay"], TITLES["report"], "ACME-AWAY-MSG",
                 "ACME-SHARED-DRIVE", "Bank portal"):  # fmt: skip
        assert mine in text, mine
    for other in ("Globex", "GLOBEX", "Gina", TITLES["invoice"], TITLES["inbox"], "globex-portal"):
        assert other not in text, other
    toc = toc_entries(pages, "Contents")
    assert {t for t in TITLES.values() if t in toc} == {TITLES["pay"], TITLES["report"]}
    assert toc[TITLES["pay"]] == start_page(pages, TITLES["pay"])
    assert "CLIENT BINDER" in pages[0]
    assert "not versioned" not in pages[0] and "revision" not in pages[0]  # client-facing cover


def test_person_binder_period_and_who_covers_on_which_days(en_root, tmp_path):
    pages = make(en_root, "person", "ana", tmp_path / "ana.pdf")
    text = "\n".join(pages)
    assert "December 1, 2026 to December 5, 2026" in pages[0], "default: Ana's next absence"
    assert {t for t in TITLES.values() if t in text} == {
        TITLES["pay"],
        TITLES["report"],
        TITLES["inbox"],
    }
    # The plan comes first. These procedures are on demand: who to call, as runs of days.
    # Ben covers while Ana is away, except on Dec 3 when he is away too: Chloé for pay,
    # nobody for the inbox (her only backup). Dec 5 is a Saturday.
    plan = " ".join(" ".join(body_lines(p)) for p in pages[1:] if "day by day" in p)
    plan = plan[plan.index("The plan, day by day") :]
    assert f"{TITLES['pay']} — Ben Okafor December 1, 2026 → December 2, 2026" in plan
    assert f"{TITLES['pay']} — Chloé Dubois December 3, 2026" in plan
    assert f"{TITLES['pay']} — Ben Okafor December 4, 2026" in plan
    assert f"{TITLES['inbox']} — nobody (coverage gap) December 3, 2026" in plan
    assert "December 5" not in plan[plan.index("On demand") :]
    assert "GLOBEX" not in text and "ACME-AWAY-MSG" in text


def test_person_binder_explicit_period(en_root, tmp_path):
    pages = make(en_root, "person", "ana", tmp_path / "ana.pdf",
                 start=date(2026, 11, 30), end=date(2026, 11, 30))  # fmt: skip
    text = " ".join(" ".join(body_lines(p)) for p in pages)
    assert "November 30, 2026 to November 30, 2026" in pages[0]
    assert "December 1" not in text.split("Contents")[-1].split("Procedures")[0]


def test_no_secret_value_anywhere(en_root, tmp_path):
    vault = (en_root / "vault.yml").read_text(encoding="utf-8")
    sealed = [line.split('value: "')[1].split('"')[0] for line in vault.splitlines()
              if 'value: "' in line]  # fmt: skip
    assert sealed, "the fixture has sealed values"
    outputs = []
    for kind, subject in (("all", None), ("client", "acme"), ("person", "ana")):
        outputs += make(en_root, kind, subject, tmp_path / f"{kind}.pdf")
        outputs += make(en_root, kind, subject, tmp_path / f"{kind}.html")
    raw = [p.read_bytes().decode("latin-1") for p in tmp_path.glob("*.pdf")]
    for text in outputs + raw:
        assert CANARY not in text and "CANARY-binder" not in text
        for value in sealed:
            assert value[:16] not in text


def test_french_labels_and_the_html_variant(make_runbook, tmp_path):
    root = write_runbook(make_runbook, "fr")
    pages = make(root, "all", None, tmp_path / "tout.pdf")
    toc = toc_entries(pages, "Table des matières")
    for section in SECTIONS_FR:
        assert toc[section] and section in body_lines(pages[toc[section] - 1])[0]
    assert "CONFIDENTIEL" in pages[1] and f"page 2 sur {len(pages)}" in pages[1]
    assert "CAHIER DE RELÈVE COMPLET" in pages[0] and "non versionné" in pages[0]
    assert "Critères de réussite".upper() in "\n".join(pages)
    (html,) = make(root, "all", None, tmp_path / "tout.html")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert "target-counter(attr(href), page)" in html, "print CSS inline"
    for title in TITLES.values():
        assert f">{title}</a>" in html  # in the table of contents
    for anchor in ("proc-pay", "proc-invoice", "contacts", "credentials", "cred-bank"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html


def test_source_revision_from_git(en_root, tmp_path):
    git = ["git", "-C", str(en_root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    pages = make(en_root, "client", "acme", tmp_path / "acme.pdf")
    assert head not in "".join(pages)  # never on what a client reads
    pages = make(en_root, "person", "ana", tmp_path / "ana.pdf")
    assert f"Source revision: {head}" in pages[0]  # the small print of an internal binder


def test_unknown_subjects_raise(en_root):
    settings = load_settings(en_root)
    runbook = load_runbook(en_root, settings)
    with pytest.raises(binder.UnknownSubject):
        binder.for_client(runbook, "nope", TODAY, settings)
    with pytest.raises(binder.UnknownSubject):
        binder.for_person(runbook, "nope", TODAY, settings)


def test_open_items_and_default_period_without_absence(en_root):
    settings = load_settings(en_root)
    runbook = load_runbook(en_root, settings)
    book = binder.for_all(runbook, TODAY, settings)
    items = {(i.kind, i.procedure.id) for i in book.open_items}
    assert items == {("review", "pay"), ("drill", "pay")}
    chloe = binder.for_person(runbook, "chloe", TODAY, settings)
    # no absence: the coverage horizon, 90 days counting today
    assert chloe.period == (TODAY, date(2027, 2, 20))
