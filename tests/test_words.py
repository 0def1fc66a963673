"""Plain words in the messages people read (issue 22): names not ids, no "all" for two
people, one day said as one day, titles in `releve coverage` and `releve diff`, "takes
over" only when the person can, and a single-point-of-failure count equal to its list."""

from __future__ import annotations

import json
import textwrap
from datetime import date

from test_coverage_cli import setup as coverage_runbook

from conftest import GOOD, REPO, releve
from releve.lint import lint_runbook
from releve.model import load_runbook

TEAM = """\
people:
  - {id: ana, name: Ana Lima}
  - {id: ben, name: Ben Okafor}
  - {id: elodie, name: Élodie Roy}
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-01}
  - {person: ben, from: 2026-12-01, to: 2026-12-01}
"""


def rb013(make_runbook, lang: str, team: str = TEAM) -> list[str]:
    rb = make_runbook(lang=lang, team=textwrap.dedent(team))
    rb.procedure("ops/triage.md", GOOD)
    findings = lint_runbook(load_runbook(rb.root), date(2026, 11, 23))
    return [" ".join(f.message(lang).split()) for f in findings if f.code == "RB013"]


def test_rb013_one_day_two_people_by_name_in_english(make_runbook):
    (message,) = rb013(make_runbook, "en")
    assert message.startswith(
        "nobody covers it on December 1, 2026: Ana Lima and Ben Okafor are away;"
    )
    assert "ana" not in message and " all " not in message and "2026-12-01" not in message


def test_rb013_in_french_names_people_without_guessing_a_gender(make_runbook):
    (message,) = rb013(make_runbook, "fr")
    assert message.startswith(
        "personne ne la couvre le 1er décembre 2026 : "
        "Ana Lima et Ben Okafor ne sont pas disponibles ;"
    )
    assert "tous" not in message and "absents" not in message


def test_rb013_several_days_is_a_period_in_words(make_runbook):
    team = TEAM.replace("to: 2026-12-01}", "to: 2026-12-03}")
    (message,) = rb013(make_runbook, "fr", team)
    assert "pendant 3 jours ouvrables, 1–3 déc. 2026 : Ana Lima et Ben Okafor" in message


def test_coverage_text_lists_titles_and_separates_dates(make_runbook):
    root = coverage_runbook(make_runbook)
    done = releve("coverage", "--root", str(root), "--from", "2026-12-21", "--to", "2027-01-10",
                  "--by", "procedure", "--absent", "cy")  # fmt: skip
    out = done.stdout
    assert "  Pay [urgent] (5 days) — procedures/s/pay.md" in out
    assert "What-if: Cy is away the whole period" in out
    assert " pay [" not in out and " mail [" not in out
    # Dec 24 then Dec 28-31 (25 a holiday, then a weekend): one run of working days
    assert "    Dec 24 – 31, 2026" in [" ".join(x.split("\u2009")) for x in out.splitlines()]


def test_coverage_text_separates_no_access_dates(tmp_path):
    """The sample's weekly invoices have no access on two days a week apart."""
    done = releve("coverage", "--root", str(REPO))
    lines = [" ".join(x.split()) for x in done.stdout.splitlines()]
    assert "Factures hebdomadaires (Bélanger) [important] — 28 déc. 2026 ; 4 janv. 2027" in lines


# --- releve diff --------------------------------------------------------------


def diff(rb, fmt: str = "json"):
    done = releve("diff", "HEAD~1", "HEAD", "--format", fmt, cwd=rb.root,
                  env={"GITHUB_BASE_REF": ""})  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout) if fmt == "json" else done.stdout


def test_a_backup_without_access_does_not_take_over(git_runbook):
    """Chloé replaces Ben as triage's backup, but cannot open the inbox: on Ana's days away
    the task has no access; Ben hands it back and nobody takes it over."""
    rb = git_runbook()
    rb.replace("procedures/ops/triage.md", "backup: [ben]", "backup: [chloe]")
    rb.commit("triage: chloe backs up")
    report = diff(rb)
    people = {x["person"]: x for x in report["coverage"]["people"]}
    assert "chloe" not in people or not people["chloe"]["takes_over"]
    assert people["ben"]["hands_back"] == {"triage": 4}
    text = diff(rb, "text")
    assert "takes over" not in text
    assert "hands back: Triage the shared inbox (4 days)" in text
    assert "lost (no access): Dec 1 – 4, 2026" in " ".join(text.split("\u2009"))
    assert "  Triage the shared inbox [urgent] — procedures/ops/triage.md" in text
    assert "backup: Ben Okafor → Chloé Dubois" in text


def test_the_single_point_of_failure_count_is_the_list(git_runbook):
    rb = git_runbook()
    rb.replace("procedures/ops/triage.md", "backup: [ben]", "backup: []")
    rb.commit("triage: no backup")
    rb.write("procedures/ops/phones.md",
             "---\ntitle: Answer the phones\nservice: ops\nowner: ana\npriority: important\n"
             "success_criteria: [Answered]\nreviewed: 2026-11-01\n---\nSteps.\n")  # fmt: skip
    rb.replace("procedures/finance/invoices.md", "backup: [ben]", "backup: []")
    rb.commit("phones: ana alone; invoices: chloe alone")
    report = diff(rb)
    added = report["single_points_of_failure"]["added"]
    assert len(added) == 2  # Ana for the phones (she already was for triage), Chloé for invoices
    assert "2 new single points of failure" in report["verdict"]
    text = diff(rb, "text")
    risks = text.split("Single points of failure\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len([x for x in risks if x.startswith("  + ")]) == 2
    assert "  + absence of Ana Lima leaves nobody for: Answer the phones" in risks
    assert "  + (new) absence of Chloé Dubois leaves nobody for: Send the weekly invoices" in risks
