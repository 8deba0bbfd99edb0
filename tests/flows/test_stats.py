"""The call log's statistics as pure functions: bucket percentiles, night, periods, coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.calllog import BUCKET_KEYS, bucket_of_seconds
from dispatcher.flows.stats import (
    NeedCounts,
    Period,
    Tallies,
    bucket_percentile,
    covered_time,
    figures,
    is_night,
    parse_month,
    period_of,
)

CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "bucket"),
    [
        (-3, "0-5"),
        (0, "0-5"),
        (299, "0-5"),
        (300, "5-15"),
        (899, "5-15"),
        (900, "15-30"),
        (1799, "15-30"),
        (1800, "30-60"),
        (3599, "30-60"),
        (3600, "60+"),
        (86400 * 3, "60+"),
    ],
)
def test_durations_fall_in_five_buckets(seconds: int, bucket: str) -> None:
    assert bucket_of_seconds(seconds) == bucket


@pytest.mark.parametrize(
    ("counts", "expected_median", "expected_p90"),
    [
        ((0, 0, 0, 0, 0), None, None),
        ((1, 0, 0, 0, 0), "0-5", "0-5"),
        ((1, 1, 0, 0, 0), "0-5", "5-15"),  # the lower middle for an even count
        ((1, 1, 1, 0, 0), "5-15", "15-30"),
        ((0, 0, 9, 0, 1), "15-30", "15-30"),  # the 9th of 10 is the 90th percentile
        ((0, 0, 8, 0, 2), "15-30", "60+"),
        ((5, 0, 0, 0, 5), "0-5", "60+"),
    ],
)
def test_median_and_90th_percentile_are_buckets(
    counts: tuple[int, ...], expected_median: str | None, expected_p90: str | None
) -> None:
    assert bucket_percentile(counts, 50) == expected_median
    assert bucket_percentile(counts, 90) == expected_p90


@pytest.mark.parametrize("q", [-1, 100.5])
def test_a_percentile_outside_0_to_100_is_refused(q: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        bucket_percentile((1, 2, 0, 0, 0), q)


@pytest.mark.parametrize(
    ("instant", "zone", "night"),
    [
        (utc(2026, 3, 10, 2), CHICAGO, False),  # 21:00 CDT
        (utc(2026, 3, 10, 3), CHICAGO, True),  # 22:00 CDT: night begins
        (utc(2026, 3, 10, 10), CHICAGO, True),  # 05:00 CDT
        (utc(2026, 3, 10, 11), CHICAGO, False),  # 06:00 CDT: night is over
        # The same UTC hour either side of the spring change (8 March 2026, 02:00 local).
        (utc(2026, 3, 7, 3), CHICAGO, False),  # 21:00 CST on Friday
        (utc(2026, 3, 9, 3), CHICAGO, True),  # 22:00 CDT on Sunday
        (utc(2026, 3, 8, 11), CHICAGO, False),  # 06:00 CDT, the morning of the change
        (utc(2026, 3, 7, 11), CHICAGO, True),  # 05:00 CST the day before
        # And the autumn change (1 November 2026, 02:00 CDT becomes 01:00 CST).
        (utc(2026, 10, 31, 11), CHICAGO, False),  # 06:00 CDT
        (utc(2026, 11, 1, 11), CHICAGO, True),  # 05:00 CST
        (utc(2026, 11, 2, 4), CHICAGO, True),  # 22:00 CST
        (utc(2026, 11, 1, 3), CHICAGO, True),  # 22:00 CDT the evening before
        (utc(2026, 3, 28, 21), LONDON, False),  # 21:00 GMT, the evening before the change
        (utc(2026, 3, 29, 22), LONDON, True),  # 23:00 BST
        (utc(2026, 3, 28, 22), LONDON, True),  # 22:00 GMT
        (utc(2026, 3, 29, 5), LONDON, False),  # 06:00 BST, the morning after
    ],
)
def test_night_is_22_to_6_local_wall_time_across_clock_changes(
    instant: datetime, zone: ZoneInfo, night: bool
) -> None:
    assert is_night(instant, zone) is night


def test_night_in_london_begins_at_22_local_not_utc() -> None:
    assert is_night(utc(2026, 3, 29, 21), LONDON)  # 22:00 BST
    assert not is_night(utc(2026, 3, 29, 20), LONDON)  # 21:00 BST


@pytest.mark.parametrize(
    ("kind", "day", "key", "start", "end"),
    [
        ("month", date(2026, 3, 10), "2026-03", utc(2026, 3, 1, 6), utc(2026, 4, 1, 5)),
        ("month", date(2026, 11, 30), "2026-11", utc(2026, 11, 1, 5), utc(2026, 12, 1, 6)),
        ("month", date(2025, 12, 31), "2025-12", utc(2025, 12, 1, 6), utc(2026, 1, 1, 6)),
        ("quarter", date(2026, 1, 1), "2026-Q1", utc(2026, 1, 1, 6), utc(2026, 4, 1, 5)),
        ("quarter", date(2026, 3, 31), "2026-Q1", utc(2026, 1, 1, 6), utc(2026, 4, 1, 5)),
        ("quarter", date(2026, 4, 1), "2026-Q2", utc(2026, 4, 1, 5), utc(2026, 7, 1, 5)),
        ("quarter", date(2025, 11, 15), "2025-Q4", utc(2025, 10, 1, 5), utc(2026, 1, 1, 6)),
    ],
)
def test_periods_are_local_calendar_months_and_quarters(
    kind: str, day: date, key: str, start: datetime, end: datetime
) -> None:
    period = period_of(kind, day)
    assert period.key == key
    assert period.bounds(CHICAGO) == (start, end)


def test_a_request_at_local_midnight_belongs_to_the_new_quarter() -> None:
    q1, q2 = period_of("quarter", date(2026, 3, 1)), period_of("quarter", date(2026, 4, 1))
    last_of_march = utc(2026, 4, 1, 4)  # 23:00 CDT on 31 March
    first_of_april = utc(2026, 4, 1, 5)  # 00:00 CDT on 1 April
    start, end = q1.bounds(CHICAGO)
    assert start <= last_of_march < end
    assert end == first_of_april == q2.bounds(CHICAGO)[0]


def test_periods_step_back_and_forth_across_years_and_read_as_words() -> None:
    q1 = Period("quarter", date(2026, 1, 1))
    assert q1.previous() == Period("quarter", date(2025, 10, 1))
    assert q1.following() == Period("quarter", date(2026, 4, 1))
    assert Period("month", date(2025, 12, 1)).following() == Period("month", date(2026, 1, 1))
    assert Period("month", date(2026, 1, 1)).previous().key == "2025-12"
    assert q1.label == "Q1 2026 (January to March)"
    assert Period("month", date(2026, 3, 1)).label == "March 2026"


@pytest.mark.parametrize("text", ["", "2026", "2026-3", "2026-13", "03-2026", "march", "2026-00"])
def test_anything_but_yyyy_mm_is_not_a_month(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month(text)


def test_an_unknown_period_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="a month, a quarter or a year"):
        period_of("week", date(2026, 3, 1))


@pytest.mark.parametrize(
    ("periods", "covered_hours"),
    [
        ([], 0),
        ([(0, 24)], 24),
        ([(-5, 30)], 24),  # clipped to the day
        ([(0, 8), (8, 20)], 20),  # touching
        ([(0, 10), (5, 12), (11, 13)], 13),  # overlapping (two people on call)
        ([(2, 4), (0, 1), (20, 30)], 7),  # unsorted, one running past the end
        ([(-10, -2), (30, 40)], 0),  # outside the day
    ],
)
def test_covered_time_counts_each_hour_once(
    periods: list[tuple[int, int]], covered_hours: int
) -> None:
    day = utc(2026, 3, 10)
    spans = [(day + timedelta(hours=a), day + timedelta(hours=b)) for a, b in periods]
    assert covered_time(spans, day, day + timedelta(hours=24)) == timedelta(hours=covered_hours)


def test_figures_of_a_month() -> None:
    tallies = Tallies(
        by_hour=((utc(2026, 3, 10, 4), 1), (utc(2026, 3, 11, 15), 1), (utc(2026, 3, 13, 9), 2)),
        outcomes=(
            ("advocate", "accepted", 3),
            ("advocate", "unfilled", 1),
            ("room", "accepted", 1),
            ("room", "unfilled", 1),
            ("ride", "cancelled", 1),
        ),
        accept_buckets=(2, 1, 0, 0, 0),
        active_advocates=2,
    )
    found = figures(tallies, CHICAGO, unknown_texts=3)
    assert found.requests == 4
    assert found.night == 3  # 23:00 CDT, and two at 04:00 CDT
    assert found.need("advocate") == NeedCounts("advocate", 3, 1)
    assert found.need("room") == NeedCounts("room", 1, 1)
    assert found.need("ride") == NeedCounts("ride", 0, 1)  # cancelled counts as unfilled
    assert found.accepted == 3
    assert found.median_accept == "0-5"
    assert found.p90_accept == "5-15"
    assert found.active_advocates == 2
    assert found.night_share == 0.75
    assert found.unknown_texts == 3


def test_figures_of_an_empty_period() -> None:
    found = figures(Tallies(), CHICAGO)
    assert (found.requests, found.night, found.accepted, found.active_advocates) == (0, 0, 0, 0)
    assert found.median_accept is None and found.p90_accept is None
    assert found.night_share is None
    assert [n.total for n in found.needs] == [0, 0, 0]
    assert found.need("helicopter") == NeedCounts("helicopter", 0, 0)


@given(st.lists(st.integers(0, 50), min_size=len(BUCKET_KEYS), max_size=len(BUCKET_KEYS)))
def test_the_median_bucket_never_lies_above_the_90th_percentile(counts: list[int]) -> None:
    median, p90 = bucket_percentile(counts, 50), bucket_percentile(counts, 90)
    if sum(counts) == 0:
        assert median is None and p90 is None
    else:
        assert median is not None and p90 is not None
        assert BUCKET_KEYS.index(median) <= BUCKET_KEYS.index(p90)
        assert counts[BUCKET_KEYS.index(median)] > 0 and counts[BUCKET_KEYS.index(p90)] > 0
