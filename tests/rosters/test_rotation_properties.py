"""Properties of the rotation maths over random rotations in zones with odd DST rules."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.rosters.rotation import (
    ON_CALL_HORIZON,
    OverrideSpec,
    RotationSpec,
    Shift,
    Window,
    duty_periods,
    following_in_order,
    handoff_at,
    local_to_utc,
    next_handoffs,
    on_call_at,
    on_call_periods,
    on_duty_at,
    rotation_shifts,
    shift_at,
)
from dispatcher.rosters.schedule import local_wall

ZONES = [
    ZoneInfo(name)
    for name in ("America/Chicago", "Australia/Lord_Howe", "Europe/London", "UTC", "Pacific/Apia")
]
TICK = timedelta(microseconds=1)
# How far a random view reaches, per type: enough to cross DST changes, few enough shifts.
REACH = {
    "hourly": timedelta(days=4),
    "daily": timedelta(days=60),
    "weekly": timedelta(days=200),
    "monthly": timedelta(days=800),
}
LENGTHS = {"hourly": (1, 30), "daily": (1, 10), "weekly": (1, 4), "monthly": (1, 4)}

settings.register_profile(
    "rotation", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=150
)
PROPERTY = settings(settings.get_profile("rotation"))


def transitions(zone: ZoneInfo) -> list[datetime]:
    """The instants in 2024-2028 at which ``zone`` changes its UTC offset."""
    found, t = [], datetime(2024, 1, 1, tzinfo=UTC)
    offset = t.astimezone(zone).utcoffset()
    while t.year < 2029:
        t += timedelta(minutes=30)
        if t.astimezone(zone).utcoffset() != offset:
            found.append(t)
            offset = t.astimezone(zone).utcoffset()
    return found


CHANGES = {zone: transitions(zone) for zone in ZONES}


@st.composite
def starts_in(
    draw: st.DrawFn, zone: ZoneInfo, kind: str, length: int, near_change: bool = False
) -> datetime:
    """A local start, often within 90 minutes of the wall time of a DST change and a whole
    number of the rotation's periods before it, so that handoffs land in gaps and repeats."""
    if not CHANGES[zone] or not (near_change or draw(st.booleans())):
        return draw(st.datetimes(datetime(2024, 1, 1), datetime(2028, 12, 31)))
    change = draw(st.sampled_from(CHANGES[zone])).astimezone(zone).replace(tzinfo=None)
    near = change + timedelta(minutes=draw(st.integers(-90, 90)))
    periods = draw(st.integers(0, 5)) * length
    if kind == "monthly":
        months = near.month - 1 - periods
        year, month = near.year + months // 12, months % 12 + 1
        return near.replace(year=year, month=month, day=min(near.day, 28))
    return near - timedelta(days=periods * (7 if kind == "weekly" else 1))


# Minutes matter: 02:xx falls in Chicago's gap, 01:xx at its fall-back, xx:30 at Lord Howe's.
clock_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))
windows = st.builds(Window, st.frozensets(st.integers(0, 6), min_size=1), clock_times, clock_times)


@st.composite
def rotations(
    draw: st.DrawFn, with_windows: bool = False, near_change: bool = False
) -> RotationSpec:
    """A random rotation; its on-now split (if any) lies within a year of the start."""
    kind = draw(st.sampled_from(sorted(REACH)))
    zone = draw(st.sampled_from(ZONES))
    length = draw(st.integers(*LENGTHS[kind]))
    start = draw(starts_in(zone, kind, length, near_change))
    people = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=5)))
    chosen = tuple(draw(st.lists(windows, max_size=2))) if with_windows else ()
    on_now_at, on_now_index = None, None
    if draw(st.booleans()):
        offset = draw(st.timedeltas(timedelta(days=-30), timedelta(days=365)))
        on_now_at = local_to_utc(start, zone) + offset
        on_now_index = draw(st.integers(0, 6))
    return RotationSpec(
        kind,
        length,
        start,
        zone,
        people,
        chosen,
        on_now_at,
        on_now_index,
    )


def instant_near(draw: st.DrawFn, spec: RotationSpec) -> datetime:
    """An instant from a little before the rotation's start to a year or two after it."""
    first = handoff_at(spec, 0)
    offset = draw(st.timedeltas(-REACH[spec.type] / 4, REACH[spec.type] * 3))
    return first + offset


@st.composite
def rotation_and_view(
    draw: st.DrawFn, with_windows: bool = False
) -> tuple[RotationSpec, datetime, datetime]:
    """A rotation and a view [a, b) onto it."""
    spec = draw(rotations(with_windows))
    a = instant_near(draw, spec)
    return spec, a, a + draw(st.timedeltas(TICK, REACH[spec.type]))


def inside(periods: list[Shift], t: datetime) -> list[Shift]:
    """The periods containing instant t."""
    return [p for p in periods if p.start <= t < p.end]


@PROPERTY
@given(rotation_and_view())
def test_rotation_shifts_tile_the_view(case: tuple[RotationSpec, datetime, datetime]) -> None:
    """Shifts touch end to start, cover [a, b) from the first handoff on, and are non-empty."""
    spec, a, b = case
    shifts = rotation_shifts(spec, a, b)
    first = handoff_at(spec, 0)
    if b <= first:
        assert shifts == []
        return
    assert shifts[0].start == max(first, shifts[0].start) and shifts[0].start <= max(a, first)
    assert shifts[-1].end >= b
    assert all(s.start < s.end for s in shifts)
    assert all(s.end == t.start for s, t in pairwise(shifts))
    assert all(s.end > a and s.start < b for s in shifts)


@PROPERTY
@given(st.data(), rotation_and_view())
def test_shift_at_agrees_with_rotation_shifts(
    data: st.DataObject, case: tuple[RotationSpec, datetime, datetime]
) -> None:
    """The shift containing t contains t, ends after it, and is the listed one."""
    spec, a, b = case
    shifts = rotation_shifts(spec, a, b)
    for shift in shifts[:50]:
        assert shift_at(spec, shift.start) == shift
        assert shift_at(spec, shift.end - TICK) == shift
    t = a + data.draw(st.timedeltas(timedelta(0), b - a - TICK))
    found = shift_at(spec, t)
    if t < handoff_at(spec, 0):
        assert found is None
    else:
        assert found is not None and found.start <= t < found.end
        assert inside(shifts, t) == [found]


def calendar_wall(spec: RotationSpec, k: int) -> datetime:
    """The local wall time of handoff k, by the clock and the calendar."""
    start = spec.start
    if spec.type == "monthly":
        months = start.month - 1 + k * spec.length
        year, month = start.year + months // 12, months % 12 + 1
        return start.replace(year=year, month=month, day=min(start.day, monthrange(year, month)[1]))
    if spec.type == "hourly":
        return start + timedelta(hours=k * spec.length)
    return start + timedelta(days=k * spec.length * (7 if spec.type == "weekly" else 1))


@PROPERTY
@given(rotations(near_change=True))
def test_handoffs_keep_the_wall_clock(spec: RotationSpec) -> None:
    """Every type's handoffs show the clock's and calendar's wall time.

    At its first occurrence if the wall time happens twice; if it never happens (a gap),
    the handoff is the jump over it. Hourly shifts last length hours give or take the
    size of a change (so at most one hour either way in these zones).
    """
    for k in range(40):
        h = handoff_at(spec, k)
        if spec.type == "hourly":
            lasts = handoff_at(spec, k + 1) - h
            assert abs(lasts - timedelta(hours=spec.length)) <= timedelta(hours=1)
        wanted, shown = calendar_wall(spec, k), h.astimezone(spec.zone)
        if shown.replace(tzinfo=None) == wanted:
            assert shown.fold == 0
        else:
            assert local_wall(h - TICK, spec.zone) < wanted < shown.replace(tzinfo=None)


@PROPERTY
@given(st.data(), rotation_and_view(with_windows=True))
def test_on_duty_is_the_duty_period_containing_t(
    data: st.DataObject, case: tuple[RotationSpec, datetime, datetime]
) -> None:
    """Duty periods are disjoint, inside their shifts, and on_duty_at reads them."""
    spec, a, b = case
    periods = duty_periods(spec, a, b)
    assert all(p.start < p.end for p in periods)
    assert all(p.end <= q.start for p, q in pairwise(periods))
    for p in periods[:20]:
        shift = shift_at(spec, p.start)
        assert shift is not None and shift.start <= p.start and p.end <= shift.end
        assert shift.person_id == p.person_id
    for p, q in pairwise(periods):
        # Touching windows are one span: periods touch only where a shift ends.
        following = shift_at(spec, q.start)
        assert p.end < q.start or (following is not None and following.start == q.start)
    samples = [a + data.draw(st.timedeltas(timedelta(0), b - a - TICK)) for _ in range(5)]
    samples += [p.start for p in periods[:10]] + [p.end for p in periods[:10]]
    for t in samples:
        found = inside(periods, t)
        expected = found[0].person_id if found else None
        if a <= t < b:
            assert on_duty_at(spec, t) == expected


@PROPERTY
@given(st.data(), rotations().filter(lambda spec: spec.on_now_at is not None))
def test_on_now_changes_who_never_when(data: st.DataObject, spec: RotationSpec) -> None:
    """Handoffs stay; before on_now_at nothing changes; from it the named one, then the order."""
    assert spec.on_now_at is not None and spec.on_now_index is not None
    plain = replace(spec, on_now_at=None, on_now_index=None)
    people, split = spec.participants, spec.on_now_at
    named = people[spec.on_now_index % len(people)]
    then = people[(spec.on_now_index + 1) % len(people)]
    assert [handoff_at(spec, k) for k in range(0, 12, 5)] == [
        handoff_at(plain, k) for k in range(0, 12, 5)
    ]
    t = split - data.draw(st.timedeltas(TICK, REACH[spec.type]))
    before = shift_at(plain, t)
    expected = before and Shift(before.start, min(before.end, split), before.person_id)
    assert shift_at(spec, t) == expected
    on_now = shift_at(spec, max(split, handoff_at(spec, 0)))
    assert on_now is not None and on_now.person_id == named
    following = shift_at(spec, on_now.end)
    assert following is not None
    # An hourly grid shift wholly inside a gap is empty and its turn passes; that needs
    # the clock to jump by at least the shift's length where the on-now shift ends.
    jump = local_wall(on_now.end, spec.zone) - local_wall(on_now.end - TICK, spec.zone) - TICK
    skipped = people[(spec.on_now_index + 2) % len(people)]
    assert following.person_id == then or (
        spec.type == "hourly"
        and jump >= timedelta(hours=spec.length)
        and following.person_id == skipped
    )
    assert shift_at(plain, following.start).start == following.start  # type: ignore[union-attr]


@PROPERTY
@given(st.data(), rotations())
def test_following_in_order_lists_everyone_else_starting_with_the_next_holder(
    data: st.DataObject, spec: RotationSpec
) -> None:
    """Every other participant once; first whoever holds the next shift with someone new."""
    t = instant_near(data.draw, spec)
    order = following_in_order(spec, t)
    current = shift_at(spec, t)
    holder = current.person_id if current else None
    assert sorted(order) == sorted(set(spec.participants) - {holder})
    later = shift_at(spec, current.end if current else handoff_at(spec, 0))
    while order and later is not None and later.person_id == holder:
        later = shift_at(spec, later.end)
    assert not order or (later is not None and later.person_id == order[0])


@st.composite
def overrides_near(draw: st.DrawFn, first: datetime) -> OverrideSpec:
    """A random override of persons 1..6 within a couple of months of ``first``."""
    action = draw(st.sampled_from(["add", "remove", "replace"]))
    start = first + draw(st.timedeltas(timedelta(days=-5), timedelta(days=60)))
    length = draw(st.timedeltas(timedelta(minutes=1), timedelta(days=10)))
    replaces = draw(st.integers(1, 6)) if action == "replace" else None
    return OverrideSpec(action, draw(st.integers(1, 6)), replaces, start, start + length)


@st.composite
def roster(draw: st.DrawFn) -> tuple[list[RotationSpec], list[OverrideSpec], datetime, datetime]:
    """One to three rotations near one another, overrides, and a view onto them."""
    specs = draw(st.lists(rotations(with_windows=True), min_size=1, max_size=3))
    first = handoff_at(specs[0], 0)
    specs = [specs[0]] + [_moved_near(spec, first) for spec in specs[1:]]
    overrides = draw(st.lists(overrides_near(first), max_size=3))
    a = first + draw(st.timedeltas(timedelta(days=-3), timedelta(days=40)))
    return specs, overrides, a, a + draw(st.timedeltas(TICK, timedelta(days=10)))


def _moved_near(spec: RotationSpec, first: datetime) -> RotationSpec:
    """The same rotation, started within a day of ``first`` so that their shifts meet."""
    start = first.astimezone(spec.zone).replace(tzinfo=None, minute=spec.start.minute)
    return RotationSpec(spec.type, spec.length, start, spec.zone, spec.participants, spec.windows)


@PROPERTY
@given(st.data(), roster())
def test_on_call_periods_agree_with_on_call_at(
    data: st.DataObject, case: tuple[list[RotationSpec], list[OverrideSpec], datetime, datetime]
) -> None:
    """Periods are merged per person, whole, sorted, and read the same as on_call_at."""
    specs, overrides, a, b = case
    periods = on_call_periods(specs, overrides, a, b)
    assert periods == sorted(periods, key=lambda p: (p.start, p.person_id))
    for person in {p.person_id for p in periods}:
        own = [p for p in periods if p.person_id == person]
        assert all(p.end < q.start for p, q in pairwise(own))
    for p in periods:
        assert p.end > a and p.start < b
        if p.start > a - ON_CALL_HORIZON:
            assert p.person_id not in on_call_at(specs, overrides, p.start - TICK)
        if p.end < b + ON_CALL_HORIZON:
            assert p.person_id not in on_call_at(specs, overrides, p.end)
    samples = [a + data.draw(st.timedeltas(timedelta(0), b - a - TICK)) for _ in range(5)]
    samples += [p.start for p in periods] + [p.end - TICK for p in periods]
    for t in samples:
        if a <= t < b:
            assert on_call_at(specs, overrides, t) == {p.person_id for p in inside(periods, t)}


@PROPERTY
@given(st.data(), roster())
def test_next_handoffs_are_exactly_the_changes(
    data: st.DataObject, case: tuple[list[RotationSpec], list[OverrideSpec], datetime, datetime]
) -> None:
    """Each listed instant changes the set to the listed one; between them nothing changes."""
    specs, overrides, a, b = case
    changes = next_handoffs(specs, overrides, a, b)
    current = on_call_at(specs, overrides, a)
    for at, on_call in changes:
        assert a < at <= b
        assert on_call == on_call_at(specs, overrides, at) != current
        assert on_call_at(specs, overrides, at - TICK) == current
        current = on_call
    instants = [at for at, _ in changes]
    for _ in range(5):
        t = a + data.draw(st.timedeltas(timedelta(0), b - a))
        before = [on_call for at, on_call in changes if at <= t]
        expected = before[-1] if before else on_call_at(specs, overrides, a)
        assert on_call_at(specs, overrides, t) == expected, (t, instants)


def test_lookups_accept_any_aware_zone() -> None:
    """The same instant written in another zone gives the same shift."""
    spec = RotationSpec("daily", 1, datetime(2026, 3, 1, 9), ZONES[1], (1, 2, 3))
    t = datetime(2026, 4, 4, 15, 15, tzinfo=UTC)
    assert shift_at(spec, t) == shift_at(spec, t.astimezone(ZONES[1]))
