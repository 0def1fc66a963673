"""Schedules against hand-computed calendars: every form, month ends, 29 February,
weekends and holidays with each `non_working_due` policy, and unreadable text."""

from __future__ import annotations

from datetime import date

import pytest

from releve.coverage.due_days import due_days
from releve.model import load_runbook
from releve.model.schedule import ScheduleError, parse_schedule
from releve.model.types import Pos, Team


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(*texts: str) -> list[date]:
    return [d(t) for t in texts]


# Monday to Friday; Christmas and New Year's Day off.
TEAM = Team(pos=Pos("team.yml"), holidays=frozenset(days("2026-12-25", "2027-01-01")))


def due(text: str, start: str, end: str, policy: str = "before", team: Team = TEAM) -> list[date]:
    return due_days(parse_schedule(text), team, d(start), d(end), policy)


def test_daily_is_every_working_day():
    assert due("daily", "2026-12-21", "2026-12-29") == days(
        "2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-28", "2026-12-29"
    )


def test_weekly_days_and_french_aliases():
    assert due("weekly mon, thu", "2026-11-30", "2026-12-13") == days(
        "2026-11-30", "2026-12-03", "2026-12-07", "2026-12-10"
    )
    assert due("hebdomadaire lundi, jeudi", "2026-11-30", "2026-12-13") == due(
        "weekly mon, thu", "2026-11-30", "2026-12-13"
    )


def test_weekly_on_a_holiday_moves_per_policy():
    # Fridays 25 December and 1 January are holidays.
    assert due("weekly fri", "2026-12-21", "2026-12-31") == days("2026-12-24", "2026-12-31")
    assert due("weekly fri", "2026-12-21", "2026-12-31", "after") == days("2026-12-28")
    assert due("weekly fri", "2026-12-21", "2026-12-31", "skip") == []


def test_friday_holiday_new_year_moves_before_into_the_period():
    # Fri 1 Jan 2027, a holiday named just after the period, moves into it: Thu 31 Dec.
    assert due("weekly fri", "2026-12-28", "2026-12-31") == days("2026-12-31")
    # after: 1 Jan moves out (Mon 4 Jan) and Fri 25 Dec, before the period, moves in.
    assert due("weekly fri", "2026-12-28", "2026-12-31", "after") == days("2026-12-28")
    assert due("weekly fri", "2026-12-28", "2026-12-31", "skip") == []


def test_every_two_weeks_from_a_date():
    assert due("every 2 weeks mon from 2026-11-02", "2026-10-01", "2026-12-31") == days(
        "2026-11-02", "2026-11-16", "2026-11-30", "2026-12-14", "2026-12-28"
    )
    # without a weekday: the anchor's weekday
    assert due("every 3 weeks from 2026-11-04", "2026-11-01", "2026-12-31") == days(
        "2026-11-04", "2026-11-25", "2026-12-16"
    )
    assert due("toutes les 2 semaines lun à partir du 2026-11-02", "2026-11-01", "2026-11-30") == (
        days("2026-11-02", "2026-11-16", "2026-11-30")
    )


def test_monthly_days_last_and_month_ends():
    # 31 in a 30-day month is its last day; 30 in February too.
    assert due("monthly 31", "2026-09-01", "2026-12-31") == days(
        "2026-09-30", "2026-10-30", "2026-11-30", "2026-12-31"
    )  # 31 October 2026 is a Saturday: moved to Friday 30
    assert due("monthly 30", "2027-02-01", "2027-02-28") == days("2027-02-26")  # Sun 28 -> Fri 26
    assert due("monthly 29", "2028-02-01", "2028-02-29") == days("2028-02-29")  # leap year, Tue
    assert due("monthly last", "2027-01-01", "2027-03-31") == days(
        "2027-01-29", "2027-02-26", "2027-03-31"
    )  # Sun 31 Jan -> Fri 29; Sun 28 Feb -> Fri 26
    assert due("monthly 7, 14", "2026-12-01", "2026-12-31") == days("2026-12-07", "2026-12-14")


def test_monthly_first_day_on_a_holiday_each_policy():
    # 1 January 2027 is a holiday (Friday).
    assert due("monthly 1", "2026-12-15", "2027-01-15") == days("2026-12-31")
    assert due("monthly 1", "2026-12-15", "2027-01-15", "after") == days("2027-01-04")
    assert due("monthly 1", "2026-12-15", "2027-01-15", "skip") == []


def test_monthly_nth_weekday():
    assert due("monthly first mon", "2026-11-01", "2027-01-31") == days(
        "2026-11-02", "2026-12-07", "2027-01-04"
    )
    assert due("monthly last fri", "2026-11-01", "2027-01-31") == days(
        "2026-11-27", "2026-12-24", "2027-01-29"
    )  # last Friday of December is the 25th, a holiday: Thursday 24
    assert due("mensuel premier lundi", "2026-11-01", "2026-11-30") == days("2026-11-02")


def test_quarterly_and_yearly():
    assert due("quarterly 1", "2026-01-01", "2026-12-31") == days(
        "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01", "2026-12-31"
    )  # 1 January 2027 is a holiday: moved to the last working day of 2026
    assert due("yearly 12-31", "2026-01-01", "2027-12-31") == days("2026-12-31", "2027-12-31")
    # 29 February: that day in a leap year, the 28th otherwise
    assert due("yearly 02-29", "2027-01-01", "2028-12-31") == days("2027-02-26", "2028-02-29")
    # (Sun 28 Feb 2027 -> Fri 26)


def test_several_forms_joined_and_duplicates_merged():
    assert due("weekly fri; monthly last", "2027-01-25", "2027-02-05") == days(
        "2027-01-29", "2027-02-05"
    )  # the last of January is a Sunday: moved to Friday 29, already due


def test_on_demand_has_no_due_day():
    for text in ("on demand", "sur demande", ""):
        schedule = parse_schedule(text)
        assert schedule.on_demand
        assert due_days(schedule, TEAM, d("2026-12-01"), d("2026-12-31")) == []


def test_weekend_workdays():
    # A team working Tuesday to Saturday: a Monday due day moves to the Saturday before.
    team = Team(pos=Pos("team.yml"), workdays=(1, 2, 3, 4, 5))
    assert due("weekly mon", "2026-11-28", "2026-12-06", team=team) == days(
        "2026-11-28", "2026-12-05"
    )
    assert due("weekly mon", "2026-11-28", "2026-12-06", "after", team=team) == days("2026-12-01")


@pytest.mark.parametrize(
    "text",
    ["weekly", "weekly funday", "monthly 32", "monthly 0", "yearly 02-30", "yearly 13-01",
     "every 2 weeks", "every 0 weeks mon from 2026-11-02", "every 2 weeks mon from 2026-13-01",
     "fortnightly", "daily 3", "on demand please", "monthly first"],
)  # fmt: skip
def test_unreadable_schedules_raise(text):
    with pytest.raises(ScheduleError):
        parse_schedule(text)


def test_bad_schedule_is_rb008_at_its_line_listing_the_forms(make_runbook):
    rb = make_runbook()
    rb.procedure(
        "ops/p.md",
        "title: P\nservice: ops\nowner: ana\nbackup: [ben]\npriority: planned\n"
        "success_criteria: [ok]\nschedule: weekly funday\n",
    )
    runbook = load_runbook(rb.root)
    found = [f for f in runbook.findings if f.code == "RB008"]
    assert len(found) == 1
    assert (found[0].path, found[0].line) == ("procedures/ops/p.md", 8)
    message = found[0].message("en")
    assert "weekly funday" in message and "monthly first mon" in message
    assert "monthly first mon" in found[0].message("fr")
    assert runbook.procedures[0].schedule.on_demand  # still loaded, nothing crashes
