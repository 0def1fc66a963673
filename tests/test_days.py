"""Days in one place (core/days.py): weekday names, adding days, runs of days, day limits."""

from __future__ import annotations

from datetime import date

import pytest

from releve.core.days import (
    FIRST_DAY,
    LAST_DAY,
    MAX_PERIOD,
    WEEKDAY_NAMES,
    add_days,
    day_runs,
    merge_periods,
    weekday,
)
from releve.core.settings import Settings
from releve.lint.engine import sane
from releve.model import load_runbook
from releve.model.schedule import parse_schedule

TEAM = "workdays: [{days}]\npeople:\n  - {{id: ana, name: Ana}}\n"


def team_of(make_runbook, days: str):
    rb = make_runbook(team=TEAM.format(days=days))
    runbook = load_runbook(rb.root)
    return runbook.team, [f for f in runbook.findings if f.path == "team.yml"]


def test_french_workdays_load_like_english(make_runbook):
    french, problems = team_of(make_runbook, "lundi, mardi, mercredi, jeudi, vendredi")
    assert problems == []
    english, _ = team_of(make_runbook, "mon, tue, wed, thu, fri")
    assert french.workdays == english.workdays == (0, 1, 2, 3, 4)
    mixed, problems = team_of(make_runbook, "Lun, tuesday, MER., jeu, Saturday, dim")
    assert problems == [] and mixed.workdays == (0, 1, 2, 3, 5, 6)


def test_an_unknown_workday_is_reported(make_runbook):
    team, problems = team_of(make_runbook, "mon, month, fri")
    assert [(f.code, f.line) for f in problems] == [("RB008", 1)]
    assert "lun" in problems[0].text("en")  # the hint names the French forms too
    assert team.workdays == (0, 4)


@pytest.mark.parametrize("name", sorted(WEEKDAY_NAMES))
def test_schedules_and_workdays_read_the_same_names(name):
    schedule = parse_schedule(f"weekly {name}")
    monday = date(2026, 11, 23)
    due = [
        d for d in range(7) if schedule.rules[0].matches(date.fromordinal(monday.toordinal() + d))
    ]
    assert due == [weekday(name)] == [WEEKDAY_NAMES[name]]


def test_add_days_stays_in_the_calendar():
    assert add_days(date(2026, 1, 30), 2) == date(2026, 2, 1)
    assert add_days(date(2026, 1, 1), -1) == date(2025, 12, 31)
    assert add_days(LAST_DAY, 1) == LAST_DAY
    assert add_days(LAST_DAY, 10**9) == LAST_DAY  # past date.max: no overflow
    assert add_days(date(2026, 1, 1), 10**18) == LAST_DAY  # past timedelta's own limit
    assert add_days(date(2990, 1, 1), 100_000) == LAST_DAY
    assert add_days(FIRST_DAY, -1) == FIRST_DAY
    assert add_days(date(2026, 1, 1), -(10**9)) == FIRST_DAY


def test_day_runs():
    d = lambda day: date(2026, 12, day)  # noqa: E731  (Dec 4 2026 is a Friday)
    workdays = [x for x in map(d, range(1, 32)) if x.weekday() < 5]
    # Friday and Monday are consecutive working days; a weekend does not break a run
    assert day_runs([d(7), d(4), d(3)], workdays) == [(d(3), d(7))]
    assert day_runs([d(1), d(3), d(4)], workdays) == [(d(1), d(1)), (d(3), d(4))]
    # a day outside the calendar is a run of its own
    assert day_runs([d(4), d(5), d(7)], workdays) == [(d(4), d(4)), (d(5), d(5)), (d(7), d(7))]
    # without a calendar: consecutive calendar days
    assert day_runs([d(4), d(5), d(6), d(8)]) == [(d(4), d(6)), (d(8), d(8))]
    assert day_runs([]) == []


def test_merge_periods():
    d = lambda day: date(2026, 12, day)  # noqa: E731
    assert merge_periods([(d(10), d(12)), (d(1), d(3)), (d(4), d(5)), (d(11), d(20)),
                          (d(25), d(24))]) == [(d(1), d(5)), (d(10), d(20))]  # fmt: skip


def test_one_limit_for_day_options():
    assert Settings.from_options({"horizon": 10**6}).horizon == MAX_PERIOD
    assert sane(Settings(horizon=10**6)).horizon == MAX_PERIOD
    assert sane(Settings(rotate_every=10**12)).rotate_every == 100_000
    assert sane(Settings(review_every=0)).review_every == Settings().review_every
