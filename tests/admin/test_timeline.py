"""Cutting on-call periods into local days, with gaps (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.admin.timeline import build_days, day_bounds, uncovered
from dispatcher.rosters.rotation import Shift

CHICAGO = ZoneInfo("America/Chicago")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def labels(day_segments: tuple) -> list[tuple[str, str, tuple[int, ...]]]:
    return [
        (
            s.start.astimezone(CHICAGO).strftime("%H:%M"),
            s.end.astimezone(CHICAGO).strftime("%H:%M"),
            s.people,
        )
        for s in day_segments
    ]


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 7), 24), (date(2026, 3, 8), 23), (date(2026, 11, 1), 25)],
)
def test_a_local_day_lasts_as_long_as_the_clocks_say(day: date, hours: int) -> None:
    start, end = day_bounds(day, CHICAGO)
    assert end - start == timedelta(hours=hours)
    assert start.astimezone(CHICAGO).hour == 0


def test_nobody_on_call_is_one_gap_the_whole_day() -> None:
    [day] = build_days([], CHICAGO, date(2026, 3, 10), 1)
    assert labels(day.segments) == [("00:00", "00:00", ())]
    assert day.segments[0].gap and day.uncovered == timedelta(hours=24)
    assert (day.segments[0].left, day.segments[0].width) == (0, 1000)


def test_periods_overlapping_and_leaving_gaps() -> None:
    # Tue 10 Mar 2026 in Chicago (CDT, UTC-5): Ana 20:00 Mon - 08:00, Ben 07:00 - 12:00.
    periods = [
        Shift(utc(2026, 3, 10, 1), utc(2026, 3, 10, 13), 1),
        Shift(utc(2026, 3, 10, 12), utc(2026, 3, 10, 17), 2),
    ]
    [day] = build_days(periods, CHICAGO, date(2026, 3, 10), 1)
    assert labels(day.segments) == [
        ("00:00", "07:00", (1,)),
        ("07:00", "08:00", (1, 2)),
        ("08:00", "12:00", (2,)),
        ("12:00", "00:00", ()),
    ]
    assert day.uncovered == timedelta(hours=12)
    assert [s.left for s in day.segments] == [0, 291.7, 333.3, 500.0]


def test_touching_periods_of_the_same_people_merge() -> None:
    periods = [
        Shift(utc(2026, 3, 10, 5), utc(2026, 3, 10, 10), 1),
        Shift(utc(2026, 3, 10, 10), utc(2026, 3, 10, 15), 1),
    ]
    [day] = build_days(periods, CHICAGO, date(2026, 3, 10), 1)
    assert labels(day.segments) == [("00:00", "10:00", (1,)), ("10:00", "00:00", ())]


def test_a_period_across_midnight_shows_on_both_days() -> None:
    periods = [Shift(utc(2026, 3, 11, 1), utc(2026, 3, 11, 13), 7)]  # 20:00 - 08:00
    first, second = build_days(periods, CHICAGO, date(2026, 3, 10), 2)
    assert labels(first.segments)[-1] == ("20:00", "00:00", (7,))
    assert labels(second.segments)[0] == ("00:00", "08:00", (7,))
    assert uncovered([first, second]) == timedelta(hours=36)


@given(
    st.lists(
        st.tuples(st.integers(0, 72 * 4), st.integers(1, 24 * 4), st.integers(1, 4)), max_size=8
    )
)
def test_segments_tile_each_day_and_gaps_are_exactly_the_uncovered_time(
    raw: list[tuple[int, int, int]],
) -> None:
    base = utc(2026, 3, 7, 6)  # midnight before the spring change in Chicago
    periods = [
        Shift(base + timedelta(minutes=15 * a), base + timedelta(minutes=15 * (a + n)), p)
        for a, n, p in raw
    ]
    for day in build_days(periods, CHICAGO, date(2026, 3, 7), 3):
        assert day.segments[0].start == day.start and day.segments[-1].end == day.end
        for one, two in zip(day.segments, day.segments[1:]):
            assert one.end == two.start and one.people != two.people
        for segment in day.segments:
            covered = {p.person_id for p in periods if p.start <= segment.start < p.end}
            assert set(segment.people) == covered
        assert abs(sum(s.width for s in day.segments) - 1000) < 1
