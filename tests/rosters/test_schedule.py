"""Table tests of wall time, duty windows, overrides and who is on call across rotations.

The zone facts are those of test_rotation: Chicago springs forward at 08:00 UTC on
2026-03-08 and falls back at 07:00 UTC on 2026-11-01; Lord Howe moves half an hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatcher.rosters.rotation import (
    WEEKDAYS,
    OverrideSpec,
    RotationSpec,
    Shift,
    Window,
    duty_periods,
    local_to_utc,
    next_handoffs,
    on_call_at,
    on_call_periods,
    on_duty_at,
    rotation_shifts,
)
from dispatcher.rosters.schedule import window_spans

CHICAGO = ZoneInfo("America/Chicago")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
LONDON = ZoneInfo("Europe/London")
EVERY_DAY = frozenset(range(7))
TICK = timedelta(microseconds=1)


def utc(text: str) -> datetime:
    """An aware UTC instant from ``"2026-03-08 08:00"``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def window(days: frozenset[int], starts: str, ends: str) -> Window:
    """A window from ``"20:00"`` to ``"08:00"`` opening on ``days``."""
    return Window(days, time.fromisoformat(starts), time.fromisoformat(ends))


def daily(
    start: str, people: tuple[int, ...], *windows: Window, zone: ZoneInfo = CHICAGO
) -> RotationSpec:
    """A daily rotation from local ``start`` with the given windows."""
    return RotationSpec("daily", 1, datetime.fromisoformat(start), zone, people, windows)


@pytest.mark.parametrize(
    ("zone", "wall", "instant"),
    [
        (CHICAGO, "2026-03-08 01:59", "2026-03-08 07:59"),
        (CHICAGO, "2026-03-08 02:00", "2026-03-08 08:00"),  # gap: the first instant after it
        (CHICAGO, "2026-03-08 02:30", "2026-03-08 08:00"),
        (CHICAGO, "2026-03-08 02:59:59.5", "2026-03-08 08:00"),
        (CHICAGO, "2026-03-08 03:00", "2026-03-08 08:00"),
        (CHICAGO, "2026-03-08 03:30", "2026-03-08 08:30"),
        (CHICAGO, "2026-11-01 00:59", "2026-11-01 05:59"),
        (CHICAGO, "2026-11-01 01:00", "2026-11-01 06:00"),  # twice: the first occurrence (CDT)
        (CHICAGO, "2026-11-01 01:30", "2026-11-01 06:30"),
        (CHICAGO, "2026-11-01 02:00", "2026-11-01 08:00"),
        (LORD_HOWE, "2026-04-05 01:30", "2026-04-04 14:30"),  # twice: first occurrence (+11)
        (LORD_HOWE, "2026-04-05 01:45", "2026-04-04 14:45"),
        (LORD_HOWE, "2026-04-05 02:00", "2026-04-04 15:30"),
        (LORD_HOWE, "2026-10-04 01:59", "2026-10-03 15:29"),
        (LORD_HOWE, "2026-10-04 02:15", "2026-10-03 15:30"),  # gap of half an hour
        (LORD_HOWE, "2026-10-04 02:30", "2026-10-03 15:30"),
        (LONDON, "2026-03-29 01:30", "2026-03-29 01:00"),
        (LONDON, "2026-10-25 01:30", "2026-10-25 00:30"),
        (ZoneInfo("UTC"), "2026-03-08 02:30", "2026-03-08 02:30"),
    ],
)
def test_wall_time_to_instant(zone: ZoneInfo, wall: str, instant: str) -> None:
    """Gaps resolve to the first instant after them; repeated times to their first occurrence."""
    assert local_to_utc(datetime.fromisoformat(wall), zone) == utc(instant)


def test_wall_time_must_be_naive() -> None:
    """An aware wall time is a contradiction."""
    with pytest.raises(ValueError, match="naive"):
        local_to_utc(utc("2026-03-08 02:30"), CHICAGO)


def test_weekday_indexes_start_on_monday() -> None:
    """Index 0 is Monday, as date.weekday() counts."""
    assert WEEKDAYS[date(2026, 3, 9).weekday()] == "mon"
    assert WEEKDAYS[date(2026, 3, 8).weekday()] == "sun"


WEEKDAYS_ONLY = frozenset({0, 1, 2, 3, 4})


@pytest.mark.parametrize(
    ("days", "hours", "day", "opens", "closes"),
    [
        (EVERY_DAY, "20:00-08:00", "2026-03-07", "2026-03-08 02:00", "2026-03-08 13:00"),
        (EVERY_DAY, "20:00-08:00", "2026-10-31", "2026-11-01 01:00", "2026-11-01 14:00"),
        (EVERY_DAY, "00:00-00:00", "2026-03-08", "2026-03-08 06:00", "2026-03-09 05:00"),
        (EVERY_DAY, "00:00-00:00", "2026-11-01", "2026-11-01 05:00", "2026-11-02 06:00"),
        (EVERY_DAY, "02:00-02:30", "2026-03-15", "2026-03-15 07:00", "2026-03-15 07:30"),
        (EVERY_DAY, "02:00-02:30", "2026-03-08", None, None),  # wholly inside the gap
        (EVERY_DAY, "02:30-04:00", "2026-03-08", "2026-03-08 08:00", "2026-03-08 09:00"),
        (EVERY_DAY, "01:30-05:00", "2026-11-01", "2026-11-01 06:30", "2026-11-01 11:00"),
        (WEEKDAYS_ONLY, "17:00-09:00", "2026-03-06", "2026-03-06 23:00", "2026-03-07 15:00"),
        (WEEKDAYS_ONLY, "17:00-09:00", "2026-03-07", None, None),  # Saturday
    ],
)
def test_window_opening_on_a_day(
    days: frozenset[int], hours: str, day: str, opens: str | None, closes: str | None
) -> None:
    """A window opens on its days and closes at ``ends``, the next day if ends <= starts."""
    win = window(days, *hours.split("-"))
    expected = None if opens is None or closes is None else (utc(opens), utc(closes))
    assert win.span_on(date.fromisoformat(day), CHICAGO) == expected


@pytest.mark.parametrize(
    ("day", "span"),
    [
        ("2026-04-04", ("2026-04-04 11:00", "2026-04-04 19:30")),  # 8.5 h: the night gains 30 min
        ("2026-10-03", ("2026-10-03 11:30", "2026-10-03 19:00")),  # 7.5 h: the night loses 30 min
    ],
)
def test_lord_howe_nights_across_its_half_hour_changes(day: str, span: tuple[str, str]) -> None:
    """A 22:00-06:00 window lasts 8.5 or 7.5 hours on Lord Howe's change nights."""
    win = window(EVERY_DAY, "22:00", "06:00")
    assert win.span_on(date.fromisoformat(day), LORD_HOWE) == (utc(span[0]), utc(span[1]))


def test_windows_union_when_they_overlap_or_touch() -> None:
    """Overlapping windows become one span, and so do touching ones."""
    overlapping = [window(EVERY_DAY, "08:00", "18:00"), window(EVERY_DAY, "17:00", "22:00")]
    assert window_spans(overlapping, CHICAGO, utc("2026-03-10 15:00"), utc("2026-03-10 16:00")) == [
        (utc("2026-03-10 13:00"), utc("2026-03-11 03:00"))
    ]
    touching = [window(EVERY_DAY, "08:00", "20:00"), window(EVERY_DAY, "20:00", "08:00")]
    spans = window_spans(touching, CHICAGO, utc("2026-03-10 15:00"), utc("2026-03-11 16:00"))
    assert len(spans) == 1
    assert spans[0][0] < utc("2026-03-09 00:00") and spans[0][1] > utc("2026-03-12 00:00")


@pytest.mark.parametrize(
    ("days", "message"), [(frozenset({7}), "weekday"), (frozenset({-1, 3}), "weekday")]
)
def test_a_window_on_a_day_that_does_not_exist_is_refused(
    days: frozenset[int], message: str
) -> None:
    """Weekday indexes are 0..6."""
    with pytest.raises(ValueError, match=message):
        window(days, "20:00", "08:00")


# Daily from 2026-03-01 08:00 with (1, 2) holds 2 on the night of Mar 6-7 and 1 on the
# spring night of Mar 7-8.
NIGHTS = window(EVERY_DAY, "20:00", "08:00")


def test_overnight_windows_across_both_dst_nights() -> None:
    """Nights last 11 hours on the spring night and 13 on the fall night."""
    spring = daily("2026-03-01 08:00", (1, 2), NIGHTS)
    assert duty_periods(spring, utc("2026-03-07 12:00"), utc("2026-03-08 12:00")) == [
        Shift(utc("2026-03-07 02:00"), utc("2026-03-07 14:00"), 2),
        Shift(utc("2026-03-08 02:00"), utc("2026-03-08 13:00"), 1),
    ]
    fall = daily("2026-10-25 08:00", (1, 2), NIGHTS)
    assert duty_periods(fall, utc("2026-11-01 03:00"), utc("2026-11-01 04:00")) == [
        Shift(utc("2026-11-01 01:00"), utc("2026-11-01 14:00"), 1),
    ]


def test_a_handoff_inside_a_window_cuts_it_and_a_shift_outside_yields_nothing() -> None:
    """Handoffs keep their grid: a night crossing midnight is two people's; Saturdays only."""
    midnight = daily("2026-03-09 00:00", (1, 2), NIGHTS)
    assert duty_periods(midnight, utc("2026-03-10 03:00"), utc("2026-03-10 07:00")) == [
        Shift(utc("2026-03-10 01:00"), utc("2026-03-10 05:00"), 1),
        Shift(utc("2026-03-10 05:00"), utc("2026-03-10 13:00"), 2),
    ]
    saturdays = daily("2026-03-09 00:00", (1, 2, 3), window(frozenset({5}), "09:00", "17:00"))
    assert duty_periods(saturdays, utc("2026-03-09 05:00"), utc("2026-03-14 05:00")) == []
    assert duty_periods(saturdays, utc("2026-03-14 05:00"), utc("2026-03-15 05:00")) == [
        Shift(utc("2026-03-14 14:00"), utc("2026-03-14 22:00"), 3)
    ]


def test_duty_periods_are_whole_and_without_windows_are_the_shifts() -> None:
    """A period crossing a or b is returned whole; no windows means always on duty."""
    spec = daily("2026-03-01 08:00", (1, 2), NIGHTS)
    assert duty_periods(spec, utc("2026-03-07 05:00"), utc("2026-03-07 05:01")) == [
        Shift(utc("2026-03-07 02:00"), utc("2026-03-07 14:00"), 2)
    ]
    always = daily("2026-03-01 08:00", (1, 2))
    a, b = utc("2026-03-07 05:00"), utc("2026-03-09 05:00")
    assert duty_periods(always, a, b) == rotation_shifts(always, a, b)


@pytest.mark.parametrize(
    ("at", "person"),
    [
        ("2026-03-07 01:59", None),  # day time, window closed
        ("2026-03-07 02:00", 2),  # window opens (20:00 CST)
        ("2026-03-07 13:59", 2),  # overnight, opened the day before
        ("2026-03-07 14:00", None),  # closes (08:00 CST), also the handoff
        ("2026-03-08 07:59", 1),  # the spring night, before the jump
        ("2026-03-08 08:00", 1),  # after the jump
        ("2026-03-08 12:59", 1),
        ("2026-03-08 13:00", None),  # 08:00 CDT
        ("2026-02-28 03:00", None),  # inside a window, but before the first handoff
    ],
)
def test_on_duty_only_inside_a_window(at: str, person: int | None) -> None:
    """on_duty_at is the holder of the shift while a window is open, else None."""
    spec = daily("2026-03-01 08:00", (1, 2), NIGHTS)
    assert on_duty_at(spec, utc(at)) == person


# Day and night rotations in Chicago. Day (08:00-20:00): 1 on Mar 6, 2 on Mar 7, 1 on Mar 8.
# Night (20:00-08:00): 3 from Mar 6 20:00, 4 from Mar 7 20:00, 3 from Mar 8 20:00.
DAY = daily("2026-03-06 08:00", (1, 2), window(EVERY_DAY, "08:00", "20:00"))
NIGHT = daily("2026-03-06 20:00", (3, 4), NIGHTS)
BOTH = (DAY, NIGHT)


def test_day_and_night_rotations_hand_over_at_the_windows() -> None:
    """The on-call set alternates between the day and the night holder."""
    assert on_call_at(BOTH, (), utc("2026-03-07 18:00")) == {2}
    assert on_call_at(BOTH, (), utc("2026-03-08 03:00")) == {4}
    assert on_call_at(BOTH, (), utc("2026-03-05 18:00")) == set()
    assert on_call_periods(BOTH, (), utc("2026-03-07 12:00"), utc("2026-03-08 12:00")) == [
        Shift(utc("2026-03-07 02:00"), utc("2026-03-07 14:00"), 3),
        Shift(utc("2026-03-07 14:00"), utc("2026-03-08 02:00"), 2),
        Shift(utc("2026-03-08 02:00"), utc("2026-03-08 13:00"), 4),
    ]


def test_next_handoffs_list_each_change_with_the_new_set() -> None:
    """Changes in (a, b] with who is on from then; b itself counts, a does not."""
    assert next_handoffs(BOTH, (), utc("2026-03-07 14:00"), utc("2026-03-08 13:00")) == [
        (utc("2026-03-08 02:00"), {4}),
        (utc("2026-03-08 13:00"), {1}),
    ]
    assert next_handoffs(BOTH, (), utc("2026-03-07 14:00"), utc("2026-03-07 14:00")) == []


def test_a_handoff_to_the_same_person_is_not_a_change() -> None:
    """A person holding two places in a row stays on: one period, no handoff between."""
    spec = daily("2026-03-01 09:00", (1, 1, 2))
    a, b = utc("2026-03-01 12:00"), utc("2026-03-04 12:00")
    assert next_handoffs([spec], (), a, b) == [
        (utc("2026-03-01 15:00"), {1}),
        (utc("2026-03-03 15:00"), {2}),
    ]
    assert on_call_periods([spec], (), a, b) == [
        Shift(utc("2026-03-01 15:00"), utc("2026-03-03 15:00"), 1),
        Shift(utc("2026-03-03 15:00"), utc("2026-03-04 15:00"), 2),
    ]


def test_on_call_periods_are_whole_and_sorted() -> None:
    """A period crossing a or b comes whole; periods sort by start, then person."""
    weekly = RotationSpec("weekly", 1, datetime(2026, 3, 2, 9), CHICAGO, (5, 6))
    periods = on_call_periods([weekly, DAY], (), utc("2026-03-08 15:00"), utc("2026-03-08 16:00"))
    assert periods == [
        Shift(utc("2026-03-02 15:00"), utc("2026-03-09 14:00"), 5),
        Shift(utc("2026-03-08 13:00"), utc("2026-03-09 01:00"), 1),
    ]
    assert on_call_periods([weekly], (), utc("2026-03-08 16:00"), utc("2026-03-08 15:00")) == []


def test_a_period_longer_than_the_first_view_is_still_whole() -> None:
    """One person holding a quarterly rotation's shift for months is one period."""
    quarterly = RotationSpec("monthly", 3, datetime(2026, 1, 31, 9), CHICAGO, (1, 2))
    assert on_call_periods([quarterly], (), utc("2026-03-10 00:00"), utc("2026-03-11 00:00")) == [
        Shift(utc("2026-01-31 15:00"), utc("2026-04-30 14:00"), 1)
    ]


def override(
    action: str, person: int, start: str, end: str, replaces: int | None = None
) -> OverrideSpec:
    """An override between two UTC texts."""
    return OverrideSpec(action, person, replaces, utc(start), utc(end))


def test_add_puts_someone_on_as_well() -> None:
    """An added person is on alongside the rotation, across its handoffs."""
    add = [override("add", 9, "2026-03-07 13:00", "2026-03-07 15:00")]
    assert on_call_at(BOTH, add, utc("2026-03-07 13:30")) == {3, 9}
    assert on_call_at(BOTH, add, utc("2026-03-07 14:30")) == {2, 9}
    assert on_call_at(BOTH, add, utc("2026-03-07 15:00")) == {2}
    assert Shift(utc("2026-03-07 13:00"), utc("2026-03-07 15:00"), 9) in on_call_periods(
        BOTH, add, utc("2026-03-07 14:00"), utc("2026-03-07 14:01")
    )


def test_a_long_override_reaching_far_beyond_the_view_comes_whole() -> None:
    """A 600-day add beside an hourly rotation is one period, from its start to its end."""
    hourly = RotationSpec("hourly", 1, datetime(2026, 1, 5, 8), CHICAGO, (1, 2, 3))
    add = [override("add", 9, "2025-05-05 00:00", "2026-12-26 00:00")]
    periods = on_call_periods([hourly], add, utc("2026-03-01 00:00"), utc("2026-03-02 00:00"))
    assert Shift(utc("2025-05-05 00:00"), utc("2026-12-26 00:00"), 9) in periods
    assert {p.person_id for p in periods} == {1, 2, 3, 9}


def test_adding_someone_already_on_merges_their_periods() -> None:
    """An add touching the person's own duty makes one period."""
    add = [override("add", 2, "2026-03-07 12:00", "2026-03-07 16:00")]
    assert on_call_at(BOTH, add, utc("2026-03-07 13:00")) == {2, 3}
    assert on_call_periods(BOTH, add, utc("2026-03-07 15:00"), utc("2026-03-07 16:00")) == [
        Shift(utc("2026-03-07 12:00"), utc("2026-03-08 02:00"), 2)
    ]


def test_remove_takes_someone_off_and_splits_their_period() -> None:
    """Nobody from that rotation is on while the person is removed."""
    remove = [override("remove", 2, "2026-03-07 18:00", "2026-03-07 19:00")]
    assert on_call_at(BOTH, remove, utc("2026-03-07 18:30")) == set()
    assert on_call_periods(BOTH, remove, utc("2026-03-07 17:00"), utc("2026-03-07 20:00")) == [
        Shift(utc("2026-03-07 14:00"), utc("2026-03-07 18:00"), 2),
        Shift(utc("2026-03-07 19:00"), utc("2026-03-08 02:00"), 2),
    ]


def test_replace_acts_only_while_the_replaced_person_is_on() -> None:
    """5 stands in for 2 during 2's duty inside the override, and is not on otherwise."""
    replace = [override("replace", 5, "2026-03-07 00:00", "2026-03-09 00:00", replaces=2)]
    assert on_call_at(BOTH, replace, utc("2026-03-07 13:00")) == {3}
    assert on_call_at(BOTH, replace, utc("2026-03-07 15:00")) == {5}
    assert on_call_at(BOTH, replace, utc("2026-03-08 03:00")) == {4}
    assert on_call_periods(BOTH, replace, utc("2026-03-07 12:00"), utc("2026-03-08 12:00")) == [
        Shift(utc("2026-03-07 02:00"), utc("2026-03-07 14:00"), 3),
        Shift(utc("2026-03-07 14:00"), utc("2026-03-08 02:00"), 5),
        Shift(utc("2026-03-08 02:00"), utc("2026-03-08 13:00"), 4),
    ]


def test_replace_is_cut_to_its_own_period() -> None:
    """Outside [start, end) the replaced person is back."""
    replace = [override("replace", 5, "2026-03-07 16:00", "2026-03-07 18:00", replaces=2)]
    assert next_handoffs(BOTH, replace, utc("2026-03-07 12:00"), utc("2026-03-08 02:00")) == [
        (utc("2026-03-07 14:00"), {2}),
        (utc("2026-03-07 16:00"), {5}),
        (utc("2026-03-07 18:00"), {2}),
        (utc("2026-03-08 02:00"), {4}),
    ]


def test_replace_and_remove_act_on_the_rotation_then_add() -> None:
    """A replace is judged on the rotations (not on an add); a remove also takes off a stand-in."""
    at = utc("2026-03-07 15:00")  # 2 is on from the day rotation
    not_on = [override("replace", 5, "2026-03-07 00:00", "2026-03-08 00:00", replaces=7)]
    assert on_call_at(BOTH, not_on, at) == {2}
    added_then_replaced = [
        override("add", 7, "2026-03-07 00:00", "2026-03-08 00:00"),
        *not_on,
    ]
    assert on_call_at(BOTH, added_then_replaced, at) == {2, 7}
    stand_in_removed = [
        override("replace", 5, "2026-03-07 00:00", "2026-03-08 00:00", replaces=2),
        override("remove", 5, "2026-03-07 00:00", "2026-03-08 00:00"),
    ]
    assert on_call_at(BOTH, stand_in_removed, at) == set()
    removed_then_added = [
        override("remove", 2, "2026-03-07 00:00", "2026-03-08 00:00"),
        override("add", 2, "2026-03-07 14:30", "2026-03-07 15:30"),
    ]
    assert on_call_at(BOTH, removed_then_added, at) == {2}


@pytest.mark.parametrize(
    ("action", "person", "replaces", "end", "message"),
    [
        ("swap", 1, None, "2026-03-08 00:00", "action"),
        ("add", None, None, "2026-03-08 00:00", "person_id"),
        ("replace", 1, None, "2026-03-08 00:00", "replaces_id"),
        ("add", 1, 2, "2026-03-08 00:00", "replaces_id"),
    ],
)
def test_an_override_that_cannot_apply_is_refused(
    action: str, person: int | None, replaces: int | None, end: str, message: str
) -> None:
    """Bad overrides fail when built, saying why."""
    with pytest.raises(ValueError, match=message):
        OverrideSpec(action, person, replaces, utc("2026-03-07 00:00"), utc(end))


def test_an_override_ending_before_it_starts_never_applies() -> None:
    """A stored override with end <= start changes nothing rather than failing the lookup."""
    backwards = [override("remove", 2, "2026-03-07 19:00", "2026-03-07 15:00")]
    at = utc("2026-03-07 16:00")
    assert on_call_at(BOTH, backwards, at) == {2}
    assert on_call_periods(BOTH, backwards, at, at + TICK) == on_call_periods(
        BOTH, (), at, at + TICK
    )
    with pytest.raises(ValueError, match="naive"):
        OverrideSpec("add", 1, None, datetime(2026, 3, 7), utc("2026-03-08 00:00"))


def test_a_repeated_wall_time_read_back_from_its_second_occurrence_still_means_the_first() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from dispatcher.rosters.schedule import local_to_utc, local_wall

    chicago = ZoneInfo("America/Chicago")
    second = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 01:30 CST, the second 01:30
    wall = local_wall(second, chicago)
    assert local_to_utc(wall, chicago) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
