"""The call log's statistics as pure functions: percentiles, night, periods, coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.models import CallLogEntry
from dispatcher.flows.stats import (
    NEED_KINDS,
    NeedCounts,
    Period,
    covered_time,
    figures,
    is_night,
    median,
    parse_month,
    percentile,
    period_of,
)

CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def entry(opened: datetime, needs=(), seconds_to_accept=None, code="K7Q4") -> CallLogEntry:
    """A call-log row as the engine writes it (not saved anywhere)."""
    return CallLogEntry(
        code=code,
        opened_hour=opened,
        closed_hour=opened + timedelta(hours=1),
        seconds_open=3600,
        channel="sms",
        needs=[
            {"kind": kind, "outcome": outcome, "depth": 0, "member_id": member}
            for kind, outcome, member in needs
        ],
        tags=[],
        seconds_to_accept=seconds_to_accept,
        outcome="accepted" if seconds_to_accept is not None else "unfilled",
    )


@pytest.mark.parametrize(
    ("values", "expected_median", "expected_p90"),
    [
        ([], None, None),
        ([300], 300, 300),
        ([60, 120], 90, 114),
        ([1, 2, 3], 2, 2.8),
        ([4, 1, 3, 2], 2.5, 3.7),
        ([10, 1, 7, 3], 5, 9.1),
        (list(range(1, 11)), 5.5, 9.1),
        ([5] * 7, 5, 5),
    ],
)
def test_median_and_90th_percentile_with_odd_even_and_no_values(
    values: list[int], expected_median: float | None, expected_p90: float | None
) -> None:
    assert median(values) == pytest.approx(expected_median)
    assert percentile(values, 90) == pytest.approx(expected_p90)


@pytest.mark.parametrize("q", [-1, 100.5])
def test_a_percentile_outside_0_to_100_is_refused(q: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1, 2], q)


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
    with pytest.raises(ValueError, match="month or a quarter"):
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
    rows = [
        entry(utc(2026, 3, 10, 4), [("advocate", "accepted", 1), ("room", "accepted", 9)], 240),
        entry(utc(2026, 3, 11, 15), [("advocate", "accepted", 1)], 600),
        entry(utc(2026, 3, 12, 16), [("advocate", "accepted", 2), ("ride", "cancelled", None)], 60),
        entry(utc(2026, 3, 13, 9), [("advocate", "unfilled", None), ("room", "unfilled", None)]),
    ]
    found = figures(rows, CHICAGO, unknown_texts=3)
    assert found.requests == 4
    assert found.night == 2  # 23:00 and 04:00 CDT
    assert found.need("advocate") == NeedCounts("advocate", 3, 1)
    assert found.need("room") == NeedCounts("room", 1, 1)
    assert found.need("ride") == NeedCounts("ride", 0, 1)  # cancelled counts as unfilled
    assert found.accepted == 3
    assert found.median_accept == 240
    assert found.p90_accept == pytest.approx(528)
    assert found.active_advocates == 2  # member 1 twice, member 2; the hotel's 9 is no advocate
    assert found.night_share == 0.5
    assert found.unknown_texts == 3


def test_figures_of_an_empty_period() -> None:
    found = figures([], CHICAGO)
    assert (found.requests, found.night, found.accepted, found.active_advocates) == (0, 0, 0, 0)
    assert found.median_accept is None and found.p90_accept is None
    assert found.night_share is None
    assert [n.total for n in found.needs] == [0, 0, 0]
    assert found.need("helicopter") == NeedCounts("helicopter", 0, 0)


needs_strategy = st.lists(
    st.tuples(
        st.sampled_from(NEED_KINDS),
        st.sampled_from(["accepted", "unfilled", "cancelled"]),
        st.one_of(st.none(), st.integers(1, 6)),
    ),
    max_size=4,
)
rows_strategy = st.lists(
    st.tuples(st.integers(0, 24 * 90), needs_strategy, st.one_of(st.none(), st.integers(0, 7200))),
    max_size=40,
)


@given(rows_strategy)
def test_filled_plus_unfilled_is_every_need_of_each_kind(
    drawn: list[tuple[int, list[tuple[str, str, int | None]], int | None]],
) -> None:
    start = utc(2026, 1, 1, 6)
    rows = [entry(start + timedelta(hours=h), needs, s) for h, needs, s in drawn]
    found = figures(rows, CHICAGO)
    for kind in NEED_KINDS:
        asked = [n for _, needs, _ in drawn for n in needs if n[0] == kind]
        counts = found.need(kind)
        assert counts.filled + counts.unfilled == counts.total == len(asked)
        assert counts.filled == sum(1 for n in asked if n[1] == "accepted")
    assert found.requests == len(drawn)
    assert 0 <= found.night <= found.requests
    assert found.accepted == sum(1 for _, _, s in drawn if s is not None)
