"""Table tests of the handoff grid and the shifts of one rotation (windows not applied).

Zone facts used below (checked against zoneinfo in test_zone_facts): America/Chicago
springs forward on Sun 2026-03-08 at 02:00 CST (08:00 UTC) to 03:00 CDT and falls back on
Sun 2026-11-01 at 02:00 CDT (07:00 UTC) to 01:00 CST. Australia/Lord_Howe falls back half an
hour on Sun 2026-04-05 at 02:00 (+11, 15:00 UTC on the 4th) to 01:30 (+10:30) and springs
forward on Sun 2026-10-04 at 02:00 (+10:30, 15:30 UTC on the 3rd) to 02:30 (+11).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from dispatcher.rosters.rotation import (
    RotationSpec,
    Shift,
    following_in_order,
    handoff_at,
    next_in_order,
    rotation_shifts,
    shift_at,
)

CHICAGO = ZoneInfo("America/Chicago")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
TICK = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
PEOPLE = (10, 20, 30, 40)


def utc(text: str) -> datetime:
    """An aware UTC instant from ``"2026-03-08 08:00"``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(text: str) -> datetime:
    """A naive local wall time from ``"2026-03-08 02:30"``."""
    return datetime.fromisoformat(text)


def rotation(
    kind: str, length: int, start: str, zone: ZoneInfo = CHICAGO, **extra: object
) -> RotationSpec:
    """A rotation of PEOPLE (unless ``participants`` is given) starting at local ``start``."""
    fields: dict[str, object] = {"participants": PEOPLE, **extra}
    return RotationSpec(kind, length, local(start), zone, **fields)  # type: ignore[arg-type]


def holders(spec: RotationSpec, a: str, b: str) -> list[int]:
    """Who holds each rotation shift overlapping [a, b) (UTC texts), in order."""
    return [shift.person_id for shift in rotation_shifts(spec, utc(a), utc(b))]


@pytest.mark.parametrize(
    ("zone", "before", "after", "hours"),
    [
        (CHICAGO, "2026-03-08 07:59:59", "2026-03-08 08:00", 1),
        (CHICAGO, "2026-11-01 06:59:59", "2026-11-01 07:00", -1),
        (LORD_HOWE, "2026-04-04 14:59:59", "2026-04-04 15:00", -0.5),
        (LORD_HOWE, "2026-10-03 15:29:59", "2026-10-03 15:30", 0.5),
    ],
)
def test_zone_facts(zone: ZoneInfo, before: str, after: str, hours: float) -> None:
    """The DST changes the tables below rely on are where the docstring says."""
    offset_before = utc(before).astimezone(zone).utcoffset()
    offset_after = utc(after).astimezone(zone).utcoffset()
    assert offset_before is not None and offset_after is not None
    assert offset_after - offset_before == timedelta(hours=hours)


# (case, zone, type, length, local start, UTC instants of handoffs 0..3)
HANDOFFS = [
    ("daily across spring", CHICAGO, "daily", 1, "2026-03-06 09:00",
     ["2026-03-06 15:00", "2026-03-07 15:00", "2026-03-08 14:00", "2026-03-09 14:00"]),
    ("daily across fall", CHICAGO, "daily", 1, "2026-10-30 09:00",
     ["2026-10-30 14:00", "2026-10-31 14:00", "2026-11-01 15:00", "2026-11-02 15:00"]),
    ("daily in the gap", CHICAGO, "daily", 1, "2026-03-06 02:30",
     ["2026-03-06 08:30", "2026-03-07 08:30", "2026-03-08 08:00", "2026-03-09 07:30"]),
    ("daily at the ambiguous hour", CHICAGO, "daily", 1, "2026-10-30 01:30",
     ["2026-10-30 06:30", "2026-10-31 06:30", "2026-11-01 06:30", "2026-11-02 07:30"]),
    ("every 3 days", CHICAGO, "daily", 3, "2026-03-05 09:00",
     ["2026-03-05 15:00", "2026-03-08 14:00", "2026-03-11 14:00", "2026-03-14 14:00"]),
    ("weekly across spring", CHICAGO, "weekly", 1, "2026-03-02 09:00",
     ["2026-03-02 15:00", "2026-03-09 14:00", "2026-03-16 14:00", "2026-03-23 14:00"]),
    ("weekly across fall", CHICAGO, "weekly", 1, "2026-10-26 09:00",
     ["2026-10-26 14:00", "2026-11-02 15:00", "2026-11-09 15:00", "2026-11-16 15:00"]),
    ("weekly in the gap", CHICAGO, "weekly", 1, "2026-03-01 02:30",
     ["2026-03-01 08:30", "2026-03-08 08:00", "2026-03-15 07:30", "2026-03-22 07:30"]),
    ("weekly at the ambiguous hour", CHICAGO, "weekly", 1, "2026-10-25 01:30",
     ["2026-10-25 06:30", "2026-11-01 06:30", "2026-11-08 07:30", "2026-11-15 07:30"]),
    ("fortnightly", CHICAGO, "weekly", 2, "2026-02-23 09:00",
     ["2026-02-23 15:00", "2026-03-09 14:00", "2026-03-23 14:00", "2026-04-06 14:00"]),
    ("monthly from Jan 31", CHICAGO, "monthly", 1, "2026-01-31 09:00",
     ["2026-01-31 15:00", "2026-02-28 15:00", "2026-03-31 14:00", "2026-04-30 14:00"]),
    ("quarterly from Jan 31", CHICAGO, "monthly", 3, "2026-01-31 09:00",
     ["2026-01-31 15:00", "2026-04-30 14:00", "2026-07-31 14:00", "2026-10-31 14:00"]),
    ("monthly in the gap", CHICAGO, "monthly", 1, "2026-02-08 02:30",
     ["2026-02-08 08:30", "2026-03-08 08:00", "2026-04-08 07:30", "2026-05-08 07:30"]),
    ("monthly at the ambiguous hour", CHICAGO, "monthly", 1, "2026-10-01 01:30",
     ["2026-10-01 06:30", "2026-11-01 06:30", "2026-12-01 07:30", "2027-01-01 07:30"]),
    ("every 8 hours across spring", CHICAGO, "hourly", 8, "2026-03-07 18:00",
     ["2026-03-08 00:00", "2026-03-08 08:00", "2026-03-08 15:00", "2026-03-08 23:00"]),
    ("hourly from the gap", CHICAGO, "hourly", 1, "2026-03-08 02:30",
     ["2026-03-08 08:00", "2026-03-08 08:30", "2026-03-08 09:30", "2026-03-08 10:30"]),
    ("hourly from the ambiguous hour", CHICAGO, "hourly", 1, "2026-11-01 01:30",
     ["2026-11-01 06:30", "2026-11-01 08:30", "2026-11-01 09:30", "2026-11-01 10:30"]),
    ("Lord Howe daily, April", LORD_HOWE, "daily", 1, "2026-04-03 09:00",
     ["2026-04-02 22:00", "2026-04-03 22:00", "2026-04-04 22:30", "2026-04-05 22:30"]),
    ("Lord Howe daily, October", LORD_HOWE, "daily", 1, "2026-10-02 09:00",
     ["2026-10-01 22:30", "2026-10-02 22:30", "2026-10-03 22:00", "2026-10-04 22:00"]),
    ("Lord Howe daily in the gap", LORD_HOWE, "daily", 1, "2026-10-03 02:15",
     ["2026-10-02 15:45", "2026-10-03 15:30", "2026-10-04 15:15", "2026-10-05 15:15"]),
    ("Lord Howe daily at the ambiguous time", LORD_HOWE, "daily", 1, "2026-04-04 01:45",
     ["2026-04-03 14:45", "2026-04-04 14:45", "2026-04-05 15:15", "2026-04-06 15:15"]),
    ("Lord Howe weekly, April", LORD_HOWE, "weekly", 1, "2026-03-29 09:00",
     ["2026-03-28 22:00", "2026-04-04 22:30", "2026-04-11 22:30", "2026-04-18 22:30"]),
    ("Lord Howe weekly, October", LORD_HOWE, "weekly", 1, "2026-09-27 09:00",
     ["2026-09-26 22:30", "2026-10-03 22:00", "2026-10-10 22:00", "2026-10-17 22:00"]),
    ("Lord Howe monthly", LORD_HOWE, "monthly", 1, "2026-03-05 09:00",
     ["2026-03-04 22:00", "2026-04-04 22:30", "2026-05-04 22:30", "2026-06-04 22:30"]),
]  # fmt: skip
HANDOFF_IDS = [case[0] for case in HANDOFFS]


@pytest.mark.parametrize(
    ("case", "zone", "kind", "length", "start", "expected"), HANDOFFS, ids=HANDOFF_IDS
)
def test_handoff_instants(
    case: str, zone: ZoneInfo, kind: str, length: int, start: str, expected: list[str]
) -> None:
    """Handoffs follow the wall clock, with the gap and fold rules."""
    spec = rotation(kind, length, start, zone)
    assert [handoff_at(spec, k) for k in range(4)] == [utc(text) for text in expected]


@pytest.mark.parametrize(
    ("case", "zone", "kind", "length", "start", "expected"), HANDOFFS, ids=HANDOFF_IDS
)
def test_lookups_at_and_around_handoffs(
    case: str, zone: ZoneInfo, kind: str, length: int, start: str, expected: list[str]
) -> None:
    """At a handoff the new shift holds; a microsecond before, the old one; before 0, none."""
    spec = rotation(kind, length, start, zone)
    h = [utc(text) for text in expected]
    assert shift_at(spec, h[0] - TICK) is None
    for k in (1, 2):
        assert shift_at(spec, h[k]) == Shift(h[k], h[k + 1], PEOPLE[k])
        assert shift_at(spec, h[k] - TICK) == Shift(h[k - 1], h[k], PEOPLE[k - 1])
        assert shift_at(spec, h[k] + (h[k + 1] - h[k]) / 2) == Shift(h[k], h[k + 1], PEOPLE[k])
    assert rotation_shifts(spec, h[0] - HOUR, h[3]) == [
        Shift(h[k], h[k + 1], PEOPLE[k]) for k in range(3)
    ]


@pytest.mark.parametrize(
    ("kind", "start", "k", "hours"),
    [
        ("daily", "2026-03-07 09:00", 0, 23),
        ("daily", "2026-10-31 09:00", 0, 25),
        ("daily", "2026-03-09 09:00", 0, 24),
        ("weekly", "2026-03-02 09:00", 0, 167),
        ("weekly", "2026-10-26 09:00", 0, 169),
        ("weekly", "2026-03-02 09:00", 1, 168),
        ("monthly", "2026-02-28 09:00", 0, 28 * 24 - 1),
        ("monthly", "2026-10-15 09:00", 0, 31 * 24 + 1),
        ("hourly", "2026-03-08 01:00", 0, 1),
        ("hourly", "2026-11-01 01:00", 0, 2),
    ],
)
def test_shift_lengths_in_chicago(kind: str, start: str, k: int, hours: int) -> None:
    """A shift lasts the real hours between two wall-clock handoffs: 23/25, 167/169, 2."""
    spec = rotation(kind, 1, start)
    assert handoff_at(spec, k + 1) - handoff_at(spec, k) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("kind", "start", "hours"),
    [
        ("daily", "2026-04-04 09:00", 24.5),
        ("daily", "2026-10-03 09:00", 23.5),
        ("weekly", "2026-03-30 09:00", 168.5),
        ("weekly", "2026-09-28 09:00", 167.5),
    ],
)
def test_shift_lengths_in_lord_howe(kind: str, start: str, hours: float) -> None:
    """Lord Howe's half-hour change makes days of 24.5 and 23.5 hours."""
    spec = rotation(kind, 1, start, LORD_HOWE)
    assert handoff_at(spec, 1) - handoff_at(spec, 0) == timedelta(hours=hours)


# Hourly rotations keep the wall clock. (case, zone, length, local start, UTC instants of
# handoffs 0..4, real hours of shifts 0..3): a shift across a change lasts length +- 1 h
# (Lord Howe: +- 30 min); an hourly shift wholly inside the gap lasts 0 h.
HOURLY = [
    ("1 h across spring", CHICAGO, 1, "2026-03-08 00:00",
     ["2026-03-08 06:00", "2026-03-08 07:00", "2026-03-08 08:00", "2026-03-08 08:00",
      "2026-03-08 09:00"], [1, 1, 0, 1]),
    ("1 h across fall", CHICAGO, 1, "2026-11-01 00:00",
     ["2026-11-01 05:00", "2026-11-01 06:00", "2026-11-01 08:00", "2026-11-01 09:00",
      "2026-11-01 10:00"], [1, 2, 1, 1]),
    ("3 h across spring", CHICAGO, 3, "2026-03-07 21:00",
     ["2026-03-08 03:00", "2026-03-08 06:00", "2026-03-08 08:00", "2026-03-08 11:00",
      "2026-03-08 14:00"], [3, 2, 3, 3]),
    ("3 h, a handoff in the gap", CHICAGO, 3, "2026-03-07 23:00",
     ["2026-03-08 05:00", "2026-03-08 08:00", "2026-03-08 10:00", "2026-03-08 13:00",
      "2026-03-08 16:00"], [3, 2, 3, 3]),
    ("3 h across fall", CHICAGO, 3, "2026-10-31 21:00",
     ["2026-11-01 02:00", "2026-11-01 05:00", "2026-11-01 09:00", "2026-11-01 12:00",
      "2026-11-01 15:00"], [3, 4, 3, 3]),
    ("3 h, a handoff at the repeated hour", CHICAGO, 3, "2026-10-31 22:00",
     ["2026-11-01 03:00", "2026-11-01 06:00", "2026-11-01 10:00", "2026-11-01 13:00",
      "2026-11-01 16:00"], [3, 4, 3, 3]),
    ("12 h day/night across spring", CHICAGO, 12, "2026-03-07 06:00",
     ["2026-03-07 12:00", "2026-03-08 00:00", "2026-03-08 11:00", "2026-03-08 23:00",
      "2026-03-09 11:00"], [12, 11, 12, 12]),
    ("12 h day/night across fall", CHICAGO, 12, "2026-10-31 06:00",
     ["2026-10-31 11:00", "2026-10-31 23:00", "2026-11-01 12:00", "2026-11-02 00:00",
      "2026-11-02 12:00"], [12, 13, 12, 12]),
    ("Lord Howe 1 h, April", LORD_HOWE, 1, "2026-04-05 00:00",
     ["2026-04-04 13:00", "2026-04-04 14:00", "2026-04-04 15:30", "2026-04-04 16:30",
      "2026-04-04 17:30"], [1, 1.5, 1, 1]),
    ("Lord Howe 1 h, October", LORD_HOWE, 1, "2026-10-04 00:00",
     ["2026-10-03 13:30", "2026-10-03 14:30", "2026-10-03 15:30", "2026-10-03 16:00",
      "2026-10-03 17:00"], [1, 1, 0.5, 1]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "zone", "length", "start", "handoffs", "hours"), HOURLY, ids=[c[0] for c in HOURLY]
)
def test_hourly_handoffs_keep_the_wall_clock(
    case: str, zone: ZoneInfo, length: int, start: str, handoffs: list[str], hours: list[float]
) -> None:
    """Handoff k is at start + k*length wall-clock hours, with the gap and fold rules."""
    spec = rotation("hourly", length, start, zone)
    h = [handoff_at(spec, k) for k in range(5)]
    assert h == [utc(text) for text in handoffs]
    assert [(b - a) / HOUR for a, b in pairwise(h)] == hours


@pytest.mark.parametrize(
    ("case", "zone", "length", "start", "handoffs", "hours"), HOURLY, ids=[c[0] for c in HOURLY]
)
def test_hourly_shifts_skip_only_empty_turns(
    case: str, zone: ZoneInfo, length: int, start: str, handoffs: list[str], hours: list[float]
) -> None:
    """Shifts are the non-empty grid shifts in order; an empty one's participant is skipped."""
    spec = rotation("hourly", length, start, zone)
    h = [utc(text) for text in handoffs]
    expected = [Shift(h[k], h[k + 1], PEOPLE[k]) for k in range(4) if hours[k]]
    assert rotation_shifts(spec, h[0], h[4]) == expected
    for shift in expected:
        assert shift_at(spec, shift.start) == shift == shift_at(spec, shift.end - TICK)


def test_twelve_hour_shifts_hand_off_at_six_all_summer() -> None:
    """The reported case: 06:00 and 18:00 day/night shifts stay at 06:00 and 18:00 local."""
    spec = rotation("hourly", 12, "2026-03-01 06:00", participants=(1, 2))
    for day in ("2026-03-02", "2026-03-09", "2026-07-15", "2026-11-02", "2027-01-20"):
        for clock, person in (("06:00", 1), ("18:00", 2)):
            wall = local(f"{day} {clock}").replace(tzinfo=CHICAGO)
            shift = shift_at(spec, wall.astimezone(UTC))
            assert shift is not None and shift.person_id == person
            assert shift.start == wall.astimezone(UTC)
            assert shift.end.astimezone(CHICAGO).hour == (18 if person == 1 else 6)


def test_monthly_from_jan_31_clamps_each_month_from_the_anchor() -> None:
    """The day of the month comes from the start every time, not from the last handoff."""
    spec = rotation("monthly", 1, "2026-01-31 09:00")
    days = [handoff_at(spec, k).astimezone(CHICAGO).date() for k in range(14)]
    assert days[:4] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert days[13] == date(2027, 2, 28)
    leap = rotation("monthly", 1, "2027-12-31 09:00")
    assert handoff_at(leap, 2) == utc("2028-02-29 15:00")


@pytest.mark.parametrize(
    ("kind", "k"),
    [("hourly", 24 * 3650 + 7), ("daily", 3650 + 3), ("weekly", 521), ("monthly", 121)],
)
def test_lookup_years_after_the_start(kind: str, k: int) -> None:
    """Ten years on, the shift and its holder come from arithmetic, not from history."""
    spec = rotation(kind, 1, "2016-01-01 09:00")
    h = handoff_at(spec, k)
    assert shift_at(spec, h) == Shift(h, handoff_at(spec, k + 1), PEOPLE[k % 4])
    assert shift_at(spec, h - TICK) == Shift(handoff_at(spec, k - 1), h, PEOPLE[(k - 1) % 4])


def test_daily_ten_years_on_keeps_the_wall_time() -> None:
    """The 3,720th daily handoff from 2016-01-01 09:00 is 2026-03-08 09:00 CDT."""
    spec = rotation("daily", 1, "2016-01-01 09:00")
    k = (date(2026, 3, 8) - date(2016, 1, 1)).days
    assert handoff_at(spec, k) == utc("2026-03-08 14:00")
    assert shift_at(spec, utc("2026-03-08 20:00")) == Shift(
        utc("2026-03-08 14:00"), utc("2026-03-09 14:00"), PEOPLE[k % 4]
    )


def test_a_person_may_hold_several_places() -> None:
    """participants[k % n]: the order is the list, repeats included."""
    spec = rotation("daily", 1, "2026-03-01 09:00", participants=(1, 2, 1, 3))
    assert holders(spec, "2026-03-01 15:00", "2026-03-06 15:00") == [1, 2, 1, 3, 1]


def test_no_participants_means_nobody() -> None:
    """A rotation without participants has no shifts and no backup."""
    spec = rotation("daily", 1, "2026-03-01 09:00", participants=())
    assert shift_at(spec, utc("2026-03-05 00:00")) is None
    assert rotation_shifts(spec, utc("2026-03-01 00:00"), utc("2026-04-01 00:00")) == []
    assert next_in_order(spec, utc("2026-03-05 00:00")) is None


def test_rotation_shifts_are_whole_and_start_at_the_first_handoff() -> None:
    """Shifts crossing a or b come whole; nothing comes before handoff 0; empty for b <= a."""
    spec = rotation("weekly", 1, "2026-03-02 09:00")
    shifts = rotation_shifts(spec, utc("2026-02-01 00:00"), utc("2026-03-10 00:00"))
    assert shifts == [
        Shift(utc("2026-03-02 15:00"), utc("2026-03-09 14:00"), 10),
        Shift(utc("2026-03-09 14:00"), utc("2026-03-16 14:00"), 20),
    ]
    assert rotation_shifts(spec, utc("2026-03-10 00:00"), utc("2026-03-10 00:00")) == []
    assert rotation_shifts(spec, utc("2026-01-01 00:00"), utc("2026-03-02 15:00")) == []


def test_an_aware_instant_in_another_zone_is_accepted_and_a_naive_one_refused() -> None:
    """Instants may carry any zone; naive ones are refused, never guessed."""
    spec = rotation("daily", 1, "2026-03-01 09:00")
    there = utc("2026-03-03 16:00").astimezone(CHICAGO)
    assert shift_at(spec, there) == shift_at(spec, utc("2026-03-03 16:00"))
    with pytest.raises(ValueError, match="naive"):
        shift_at(spec, local("2026-03-03 16:00"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "yearly"}, "rotation type"),
        ({"length": 0}, "length"),
        ({"start": utc("2026-03-01 09:00")}, "naive"),
        ({"on_now_at": utc("2026-03-01 09:00")}, "together"),
        ({"on_now_index": 1}, "together"),
        ({"on_now_at": local("2026-03-01 09:00"), "on_now_index": 1}, "naive"),
        ({"on_now_at": utc("2026-03-01 09:00"), "on_now_index": -1}, "negative"),
    ],
)
def test_a_spec_the_maths_cannot_follow_is_refused(fields: dict[str, object], message: str) -> None:
    """Bad specs fail when built, saying which field is wrong."""
    base: dict[str, object] = {
        "type": "daily",
        "length": 1,
        "start": local("2026-03-01 09:00"),
        "zone": CHICAGO,
        "participants": PEOPLE,
    }
    with pytest.raises(ValueError, match=message):
        RotationSpec(**{**base, **fields})  # type: ignore[arg-type]


def test_handoff_numbers_start_at_zero() -> None:
    """There is no handoff before the first."""
    with pytest.raises(ValueError):
        handoff_at(rotation("daily", 1, "2026-03-01 09:00"), -1)


# "On now": daily at 09:00 CST (15:00 UTC) from Sun 1 March; shift 2 (Tue 3rd) is 30's.
ON_NOW_START = "2026-03-01 09:00"


def test_on_now_splits_the_shift_and_the_order_continues() -> None:
    """Before on_now_at the normal holder; from it 10; then 20, 30, ... on the same grid."""
    spec = rotation("daily", 1, ON_NOW_START, on_now_at=utc("2026-03-03 18:00"), on_now_index=0)
    assert shift_at(spec, utc("2026-03-02 16:00")) == Shift(
        utc("2026-03-02 15:00"), utc("2026-03-03 15:00"), 20
    )
    assert shift_at(spec, utc("2026-03-03 17:59")) == Shift(
        utc("2026-03-03 15:00"), utc("2026-03-03 18:00"), 30
    )
    assert shift_at(spec, utc("2026-03-03 18:00")) == Shift(
        utc("2026-03-03 18:00"), utc("2026-03-04 15:00"), 10
    )
    assert holders(spec, "2026-03-04 15:00", "2026-03-09 14:00") == [20, 30, 40, 10, 20]
    assert rotation_shifts(spec, utc("2026-03-03 12:00"), utc("2026-03-04 16:00")) == [
        Shift(utc("2026-03-02 15:00"), utc("2026-03-03 15:00"), 20),
        Shift(utc("2026-03-03 15:00"), utc("2026-03-03 18:00"), 30),
        Shift(utc("2026-03-03 18:00"), utc("2026-03-04 15:00"), 10),
        Shift(utc("2026-03-04 15:00"), utc("2026-03-05 15:00"), 20),
    ]


def test_on_now_at_a_handoff_does_not_leave_an_empty_piece() -> None:
    """Set exactly at a handoff, on_now takes the whole shift."""
    spec = rotation("daily", 1, ON_NOW_START, on_now_at=utc("2026-03-03 15:00"), on_now_index=3)
    assert rotation_shifts(spec, utc("2026-03-03 12:00"), utc("2026-03-04 16:00")) == [
        Shift(utc("2026-03-02 15:00"), utc("2026-03-03 15:00"), 20),
        Shift(utc("2026-03-03 15:00"), utc("2026-03-04 15:00"), 40),
        Shift(utc("2026-03-04 15:00"), utc("2026-03-05 15:00"), 10),
    ]


def test_on_now_before_the_first_handoff_starts_the_order_there() -> None:
    """Set before the rotation begins, on_now picks who takes shift 0; nobody is on before."""
    spec = rotation("daily", 1, ON_NOW_START, on_now_at=utc("2026-02-20 00:00"), on_now_index=2)
    assert shift_at(spec, utc("2026-03-01 14:59")) is None
    assert holders(spec, "2026-03-01 15:00", "2026-03-03 16:00") == [30, 40, 10]


def test_on_now_index_past_the_end_wraps() -> None:
    """An index beyond the participants (the list shrank) wraps around."""
    spec = rotation("daily", 1, ON_NOW_START, on_now_at=utc("2026-03-03 15:00"), on_now_index=5)
    assert shift_at(spec, utc("2026-03-03 15:00")) == Shift(
        utc("2026-03-03 15:00"), utc("2026-03-04 15:00"), 20
    )


def test_on_now_across_a_dst_change_keeps_the_grid() -> None:
    """The split moves who, never when: handoffs stay on the local 09:00 grid."""
    spec = rotation(
        "weekly", 1, "2026-03-02 09:00", on_now_at=utc("2026-03-05 00:00"), on_now_index=2
    )
    assert rotation_shifts(spec, utc("2026-03-05 00:00"), utc("2026-03-10 00:00")) == [
        Shift(utc("2026-03-05 00:00"), utc("2026-03-09 14:00"), 30),
        Shift(utc("2026-03-09 14:00"), utc("2026-03-16 14:00"), 40),
    ]


@pytest.mark.parametrize(
    ("at", "backup"),
    [
        ("2026-02-01 00:00", 10),  # before the first handoff: who takes shift 0
        ("2026-03-01 15:00", 20),  # exactly at a handoff: the one after this shift
        ("2026-03-02 14:59", 20),
        ("2026-03-03 16:00", 10),  # inside the split shift, before on_now: the on_now person
        ("2026-03-03 18:00", 20),
        ("2026-03-04 16:00", 30),
    ],
)
def test_next_in_order_is_who_takes_over_next(at: str, backup: int) -> None:
    """The backup is whoever holds the rotation after the next change of holder on the grid."""
    spec = rotation("daily", 1, ON_NOW_START, on_now_at=utc("2026-03-03 18:00"), on_now_index=0)
    assert next_in_order(spec, utc(at)) == backup


def test_next_in_order_with_one_participant_is_the_same_person() -> None:
    """With one participant the backup is the person on now (the caller dedupes)."""
    spec = rotation("weekly", 1, ON_NOW_START, participants=(7,))
    assert next_in_order(spec, utc("2026-03-05 00:00")) == 7


@pytest.mark.parametrize(
    ("at", "order"),
    [
        ("2026-02-01 00:00", (10, 20, 30, 40)),  # before the first handoff: from shift 0 on
        ("2026-03-01 15:00", (20, 30, 40)),  # 10 holds shift 0
        ("2026-03-02 16:00", (30, 10, 40)),  # 30 until on_now, then 10, 20 (holder), ...
        ("2026-03-03 16:00", (10, 20, 40)),  # 30 holds the split shift until on_now: 10 next
        ("2026-03-03 18:00", (20, 30, 40)),  # 10 on now; the order continues from them
        ("2026-03-04 16:00", (30, 40, 10)),
    ],
)
def test_following_in_order_goes_round_the_rotation_from_the_holder(
    at: str, order: tuple[int, ...]
) -> None:
    """Who follows the holder at t: the backup first, each participant once, not the holder."""
    spec = rotation("daily", 1, ON_NOW_START, on_now_at=utc("2026-03-03 18:00"), on_now_index=0)
    assert following_in_order(spec, utc(at)) == order


def test_following_in_order_names_each_person_once() -> None:
    """A person with several places follows once; a lone participant has nobody after."""
    spec = rotation("daily", 1, "2026-03-01 09:00", participants=(1, 2, 1, 3))
    assert following_in_order(spec, utc("2026-03-01 16:00")) == (2, 3)
    assert (
        following_in_order(
            rotation("daily", 1, "2026-03-01 09:00", participants=(7,)), utc("2026-03-05 00:00")
        )
        == ()
    )
    assert (
        following_in_order(
            rotation("daily", 1, "2026-03-01 09:00", participants=()), utc("2026-03-05 00:00")
        )
        == ()
    )


def test_following_in_order_passes_over_a_turn_lost_in_the_gap() -> None:
    """At 01:30 on the night Chicago springs forward, 30's 02:00 hour never happens: 40 is next."""
    spec = rotation("hourly", 1, "2026-03-08 00:00")
    assert following_in_order(spec, utc("2026-03-08 07:30")) == (40, 10, 30)
