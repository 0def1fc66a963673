"""A small runbook for the binder tests (two clients, canary secrets), and PDF readers."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from releve.vault import ops, store

FAST = {"iterations": 1000, "weak_for_tests": True}
CANARY = "CANARY-binder-Qz9#pw é&/+"
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}, "chloe": {"finance"}}
PASS = {
    "ana": "ana-binder-maple-river-lantern",
    "ben": "ben-binder-pass-words-here",
    "chloe": "chloe-binder-cedar-compass-kettle",
}

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-05, note: holidays}
  - {person: ben, from: 2026-12-03, to: 2026-12-03}
"""

ACME = """\
---
name: Acme Inc.
contacts:
  - {name: Paul Roy, role: director, email: paul@acme.example, phone: "+1 514 555 0100"}
channels: [email, phone]
hours: "Mon-Fri 09:00-17:00"
response_time: 24 business hours
contract: {start: 2025-01-15, notice_days: 30}
absence_messages:
  email: "ACME-AWAY-MSG: we are away until {retour}."
---
Files live in the ACME-SHARED-DRIVE.
"""

GLOBEX = """\
---
name: Globex Corp
contacts:
  - {name: Gina Globex, role: owner, email: gina@globex.example}
channels: [email]
hours: "Mon-Thu"
response_time: 2 hours
absence_messages:
  email: "GLOBEX-AWAY-MSG"
---
GLOBEX-CLIENT-NOTES.
"""

PAY_BODY = """\
Log in with [[cred:bank]] and pay.

!!! warning "Careful with amounts"
    Double-check every ADMONITION-BODY amount.

| Supplier | Due |
|---|---|
| TABLE-CELL-SUPPLIER | 30 days |

```
curl https://bank.example/  # [[cred:bank]] stays an example here
```

- [ ] TASK-ITEM to tick
"""

PROCEDURES = {
    "acme/pay.md": (
        "title: Pay Acme suppliers\nservice: finance\nclients: [acme]\nowner: ana\n"
        "backup: [ben, chloe]\npriority: urgent\nsla: 1 business day\nfrequency: weekly\n"
        "success_criteria: [Every invoice paid, Receipt filed]\ncredentials: [bank]\n"
        "reviewed: 2026-01-01\n",
        PAY_BODY,
    ),
    "acme/report.md": (
        "title: Monthly Acme report\nservice: reports\nclients: [acme]\nowner: ben\n"
        "backup: [ana]\npriority: planned\nsuccess_criteria: [Report sent]\nreviewed: 2026-11-01\n",
        "Write the report.\n",
    ),
    "globex/invoice.md": (
        "title: Globex invoicing\nservice: finance\nclients: [globex]\nowner: chloe\n"
        "backup: [ben]\npriority: important\nsuccess_criteria: [Invoice sent]\n"
        "credentials: [globex-portal]\nreviewed: 2026-11-01\n",
        "GLOBEX-ONLY-TEXT in this body.\n",
    ),
    "general/inbox.md": (
        "title: Shared inbox triage\nservice: mail\nowner: ana\nbackup: [ben]\n"
        "priority: important\nsuccess_criteria: [Inbox empty]\nreviewed: 2026-11-01\n",
        "Triage the inbox.\n",
    ),
}
TITLES = {
    "pay": "Pay Acme suppliers",
    "report": "Monthly Acme report",
    "invoice": "Globex invoicing",
    "inbox": "Shared inbox triage",
}


def write_runbook(make_runbook, lang: str = "en", binder: str = "false") -> Path:
    rb = make_runbook(lang=lang, team=TEAM)
    mkdocs = (rb.root / "mkdocs.yml").read_text(encoding="utf-8")
    (rb.root / "mkdocs.yml").write_text(mkdocs.replace("binder: false", f"binder: {binder}"))
    rb.write("clients/acme.md", ACME)
    rb.write("clients/globex.md", GLOBEX)
    for rel, (front, body) in PROCEDURES.items():
        rb.procedure(rel, front, body)
    v = store.Vault()
    for person in ("ana", "ben", "chloe"):
        v = ops.enroll(v, PEOPLE, person, PASS[person], **FAST).vault
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY,
                today=date(2026, 10, 2), label="Bank portal")  # fmt: skip
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    v = ops.add(v, PEOPLE, "chloe", PASS["chloe"], "globex-portal", "finance", "globex-" + CANARY,
                today=date(2026, 9, 1), label="Globex portal")  # fmt: skip
    store.write_atomic(rb.root / "vault.yml", store.dump(v))
    return rb.root


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, read page by page with pdftotext (index 0 is page 1)."""
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, page_count(pdf) + 1)
    ]


def pdf_links(pdf: Path) -> list[dict]:
    from pypdf import PdfReader

    out = []
    for page in PdfReader(str(pdf)).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            out.append({"dest": annot.get("/Dest"),
                        "uri": action.get_object().get("/URI") if action else None})  # fmt: skip
    return out


def pdf_structure(pdf: Path) -> tuple[dict[str, int], list[str]]:
    """Counts of tagged-PDF structure element types, and the figures' descriptions."""
    from pypdf import PdfReader

    counts: dict[str, int] = {}
    alts: list[str] = []
    todo = [PdfReader(str(pdf)).trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            kind = str(node.get("/S", ""))
            counts[kind] = counts.get(kind, 0) + 1
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            if "/K" in node:
                todo.append(node["/K"])
    return counts, alts


TOC_LINE = re.compile(r"^(.+?)[\s.]*\.\s*(\d+)\s*$")


def toc_entries(pages: list[str], heading: str) -> dict[str, int]:
    """Title -> page number, from the table-of-contents page (the one titled `heading`)."""
    toc = next(p for p in pages if heading in p.splitlines()[:6])
    entries = {}
    for line in toc.splitlines():
        match = TOC_LINE.match(line.strip())
        if match:
            entries[match.group(1).strip(" .")] = int(match.group(2))
    return entries


def body_lines(page: str) -> list[str]:
    """A page's lines without the running header and footer, blank lines dropped."""
    lines = [x.strip() for x in page.splitlines() if x.strip()]
    return [x for x in lines[2:] if not re.match(r"^page \d+ (of|sur) \d+$", x)]
