"""One cover rule, every view: the person page, the absence binder, the agenda JSON and the
calendar feed name the same person for the same task on the same day.

The sample runbook, built as of 2026-12-21 (Marie away from 21 December to 4 January,
Samir from 28 December): "Relance de paiement au jour 14" (Marie, then Samir, then Élodie,
who cannot open the billing software) is due on Tuesdays.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from sample_site import sample_build

from conftest import releve

TODAY = "2026-12-21"
PROC, TITLE = "relance-jour-14", "Relance de paiement au jour 14"
CASES = [  # day, day in words (French sample), who does it, status
    ("2026-12-22", "mardi 22 décembre", "samir", "covered"),
    ("2026-12-29", "mardi 29 décembre", "elodie", "no_access"),
]
NAMES = {"samir": "Samir Haddad", "elodie": "Élodie Bouchard"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample copied, built once (no PDF binders: the views are pages, JSON and the feed),
    and its binder for Marie written as HTML."""
    root = sample_build(tmp_path_factory, today=TODAY).root
    binder = releve("binder", "--person", "marie", "-o", str(root / "marie.html"), cwd=root,
                    today=TODAY)  # fmt: skip
    assert binder.returncode == 0, binder.stderr
    return root


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def _doer_in_day_box(page: str, words: str, box_start: str) -> str:
    """The text of the task line for TITLE in the day box headed by `words`."""
    text = html.unescape(page)
    start = text.index(words)
    box = text[start : text.index(box_start, start + 1) if box_start in text[start + 1 :]
               else len(text)]  # fmt: skip
    line = box[box.index(TITLE) :]
    return _text(line[: line.index("</li>")])


@pytest.mark.parametrize(("day", "words", "who", "status"), CASES)
def test_every_view_names_the_same_person(built, day, words, who, status):
    name = NAMES[who]
    # agenda JSON (the CLI)
    out = releve("agenda", "--date", day, "--format", "json", cwd=built, today=TODAY)
    assert out.returncode == 0, out.stderr
    task = next(t for t in json.loads(out.stdout)["days"][0]["tasks"] if t["procedure"] == PROC)
    assert (task["by"], task["status"], task["covering_for"]) == (who, status, "marie")
    # Marie's person page: "while Marie is away", day by day
    person = (built / "site/people/marie/index.html").read_text(encoding="utf-8")
    assert name in _doer_in_day_box(person, words, 'class="releve-plan-date"')
    # her absence binder: the plan first
    binder = (built / "marie.html").read_text(encoding="utf-8")
    plan = binder[binder.index('id="plan"') : binder.index('id="contacts"')]
    assert name in _doer_in_day_box(plan, words, 'class="plan-day"')
    # the calendar feed: the task on that day, for the person who covers
    ics = (built / "site/calendar.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    event = ics[ics.index(f"UID:cover-{PROC}-{day}@") :]
    event = event[: event.index("END:VEVENT")]
    assert f'CN="{name}":releve:{who}' in event


def test_views_do_not_name_someone_absent(built):
    """Samir is away from 28 December: no view names him for Marie's tasks after that."""
    person = html.unescape((built / "site/people/marie/index.html").read_text(encoding="utf-8"))
    later = person[person.index("mardi 29 décembre") :]
    later = later[: later.index("</div>")]
    # named only as the one covered for, or as away in the next step ("nobody can be reached")
    said = _text(later).replace("(remplace Samir Haddad)", "")
    said = re.sub(r"Samir Haddad \(absence jusqu'au [^)]*\)", "", said)
    assert "Samir Haddad (" not in said
    out = releve("agenda", "--from", "2026-12-28", "--to", "2027-01-08", "--format", "json",
                 cwd=built, today=TODAY)  # fmt: skip
    for day in json.loads(out.stdout)["days"]:
        assert "samir" in day["absent"]
        assert all(t["by"] != "samir" for t in day["tasks"] + day["on_call"])
