"""Coverage gaps as pure span arithmetic: tables and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.rosters.gaps import subtract, uncovered
from dispatcher.rosters.schedule import Shift, Span, merge_spans

T0 = datetime(2026, 3, 14, tzinfo=UTC)


def h(hours: float) -> datetime:
    """T0 plus ``hours``."""
    return T0 + timedelta(hours=hours)


def spans(*pairs: tuple[float, float]) -> list[Span]:
    """Spans from (start hour, end hour) pairs."""
    return [(h(a), h(b)) for a, b in pairs]


@pytest.mark.parametrize(
    ("whole", "holes", "left"),
    [
        ([(0, 24)], [], [(0, 24)]),
        ([(0, 24)], [(8, 20)], [(0, 8), (20, 24)]),
        ([(0, 24)], [(0, 24)], []),
        ([(0, 24)], [(-5, 2), (22, 30)], [(2, 22)]),
        ([(0, 4), (6, 10)], [(3, 7)], [(0, 3), (7, 10)]),
        ([(0, 4)], [(4, 8)], [(0, 4)]),
    ],
)
def test_subtract(whole: list, holes: list, left: list) -> None:
    assert subtract(spans(*whole), spans(*holes)) == spans(*left)


def test_a_day_with_nobody_on_call_is_a_gap() -> None:
    duty = spans((0, 24), (24, 48))
    on_call = [Shift(h(24), h(48), 1)]
    assert uncovered(duty, on_call, {}, h(0), h(48)) == spans((0, 24))


def test_an_away_person_leaves_their_shift_uncovered_while_away() -> None:
    duty = spans((0, 48))
    on_call = [Shift(h(0), h(24), 1), Shift(h(24), h(48), 2)]
    assert uncovered(duty, on_call, {2: spans((0, 30))}, h(0), h(48)) == spans((24, 30))


def test_someone_else_on_call_covers_the_away_person() -> None:
    duty = spans((0, 24))
    on_call = [Shift(h(0), h(24), 1), Shift(h(8), h(20), 2)]
    assert uncovered(duty, on_call, {1: spans((0, 24))}, h(0), h(24)) == spans((0, 8), (20, 24))


def test_time_off_duty_is_no_gap_and_gaps_are_cut_to_the_view() -> None:
    duty = spans((20, 32), (44, 56))  # nights only
    assert uncovered(duty, [], {}, h(24), h(48)) == spans((24, 32), (44, 48))


hours = st.integers(0, 96)
span_lists = st.lists(st.tuples(hours, hours).map(sorted), max_size=6).map(
    lambda pairs: merge_spans(sorted((h(a), h(b)) for a, b in pairs if a < b))
)


@given(
    duty=span_lists,
    shifts=st.lists(st.tuples(hours, st.integers(1, 30), st.integers(1, 3)), max_size=6),
    away=st.dictionaries(st.integers(1, 3), span_lists),
)
def test_a_gap_is_duty_time_with_nobody_able_to_answer(
    duty: list[Span], shifts: list[tuple[int, int, int]], away: dict[int, list[Span]]
) -> None:
    on_call = [Shift(h(a), h(a + n), p) for a, n, p in shifts]
    gaps = uncovered(duty, on_call, away, h(0), h(96))
    for step in range(0, 96 * 4):
        t = h(step / 4)
        in_duty = any(a <= t < b for a, b in duty)
        answering = any(
            s.start <= t < s.end and not any(a <= t < b for a, b in away.get(s.person_id, ()))
            for s in on_call
        )
        assert any(a <= t < b for a, b in gaps) == (in_duty and not answering), t
