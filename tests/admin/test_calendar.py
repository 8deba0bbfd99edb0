"""A roster's month calendar and "who is on call on <date>": laid out in weeks, and the
same periods as ``rosters.service.shifts`` (the code behind ``dispatcher shifts``)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatcher.admin.calendar import day_of, days_in, month_grid, month_of
from dispatcher.admin.timeline import Day, build_days, day_bounds
from dispatcher.rosters.models import Roster
from dispatcher.rosters.service import shifts
from tests.support.admin import Store, Visitor
from tests.support.rosters import daily_roster, new_person

CHICAGO = ZoneInfo("America/Chicago")
TODAY = date(2026, 3, 10)  # the clock: Tue 10 Mar 2026 07:00 in Chicago


def blank_days(first: date) -> list[Day]:
    """Every day of the month, with nobody on call."""
    return build_days([], CHICAGO, first, days_in(first))


@pytest.mark.parametrize(
    ("first", "weeks", "leading", "trailing"),
    [
        (date(2026, 3, 1), 6, 6, 5),  # starts on a Sunday: six blanks before it
        (date(2026, 2, 1), 5, 6, 1),  # 28 days from a Sunday
        (date(2027, 2, 1), 4, 0, 0),  # 28 days from a Monday: exactly four weeks
        (date(2026, 6, 1), 5, 0, 5),
    ],
)
def test_a_month_is_laid_out_in_weeks_from_monday(
    first: date, weeks: int, leading: int, trailing: int
) -> None:
    month = month_grid(first, blank_days(first))
    assert len(month.weeks) == weeks and all(len(week) == 7 for week in month.weeks)
    cells = [cell for week in month.weeks for cell in week]
    assert cells[:leading] == [None] * leading and cells[leading] is not None
    assert cells[len(cells) - trailing :] == [None] * trailing
    assert [c.day for c in cells if c] == [
        first + timedelta(days=i) for i in range(len(blank_days(first)))
    ]


def test_months_and_days_asked_fall_back_to_the_default() -> None:
    assert month_grid(date(2026, 12, 1), blank_days(date(2026, 12, 1))).following == date(
        2027, 1, 1
    )
    assert month_grid(date(2026, 1, 1), blank_days(date(2026, 1, 1))).previous == date(2025, 12, 1)
    assert month_of("2026-04", TODAY) == date(2026, 4, 1)
    for bad in ("", "2026-13", "april", "9999-12", "2026-04-01"):
        assert month_of(bad, TODAY) == date(2026, 3, 1)
    assert day_of("2026-03-12", TODAY) == date(2026, 3, 12)
    for bad in ("", "2026-02-30", "tomorrow", "9999-12-31"):
        assert day_of(bad, TODAY) == TODAY


@pytest.fixture
def roster_id(store: Store) -> int:
    """A daily roster handing off at 08:00 Chicago time: Ana on the 9th, Ben on the 10th, ..."""
    with store.scope() as session:
        ana, ben = new_person("Ana", "+12625550101"), new_person("Ben", "+12625550102")
        return daily_roster(session, ana, ben).id


def day_text(page: str, label: str) -> str:
    """The calendar cell of the day labelled ``label`` (``Thu 12``), tags removed."""
    cell = re.search(rf'<span class="date">{label}</span>(.*?)</td>', page, re.S)
    assert cell is not None, label
    return " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split())


def test_who_is_on_call_on_a_date_defaults_to_today(coordinator: Visitor, roster_id: int) -> None:
    page = coordinator.text(f"/admin/rosters/{roster_id}")
    assert "Who is on call on Tue 10 Mar 2026" in page
    asked = coordinator.text(f"/admin/rosters/{roster_id}?on=2026-03-12")
    assert "Who is on call on Thu 12 Mar 2026" in asked
    section = asked[asked.index('id="on-day"') : asked.index('id="month-heading"')]
    words = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "00:00–08:00 Ana" in words and "08:00–24:00 Ben" in words


def test_the_month_calendar_shows_the_same_periods_as_dispatcher_shifts(
    coordinator: Visitor, roster_id: int, store: Store
) -> None:
    page = coordinator.text(f"/admin/rosters/{roster_id}?month=2026-03")
    assert '<h3 id="month-heading">March 2026</h3>' in page
    assert "00:00–24:00 no one on call" in day_text(page, "Sun 01")  # before the rotation
    assert day_text(page, "Mon 09") == "00:00–08:00 no one on call 08:00–24:00 Ana"
    assert day_text(page, "Thu 12") == "00:00–08:00 Ana 08:00–24:00 Ben"
    assert 'class="today" aria-current="date"' in page
    with store.scope() as session:
        roster = session.get_one(Roster, roster_id)
        start, end = day_bounds(date(2026, 3, 20), CHICAGO)
        expected = [
            f"{max(shift.start, start).astimezone(CHICAGO):%H:%M}–"
            f"{'24:00' if shift.end >= end else format(shift.end.astimezone(CHICAGO), '%H:%M')}"
            f" {person.name}"
            for shift, person in shifts(session, roster, start, end)
        ]
    assert day_text(page, "Fri 20") == " ".join(expected) == "00:00–08:00 Ana 08:00–24:00 Ben"
    april = coordinator.text(f"/admin/rosters/{roster_id}?month=2026-04")
    assert '<h3 id="month-heading">April 2026</h3>' in april and "← March" in april


def test_a_date_outside_the_month_shown_is_counted_on_its_own(
    coordinator: Visitor, roster_id: int
) -> None:
    page = coordinator.text(f"/admin/rosters/{roster_id}?month=2026-04&on=2026-03-12")
    assert '<h3 id="month-heading">April 2026</h3>' in page
    section = page[page.index('id="on-day"') : page.index('id="month-heading"')]
    words = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "Thu 12 Mar 2026" in words
    assert "00:00–08:00 Ana" in words and "08:00–24:00 Ben" in words
