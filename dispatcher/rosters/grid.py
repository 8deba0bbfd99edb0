"""The handoff grid of one rotation: handoffs, shifts and the order of participants.

Pure and O(1) per lookup: the shift containing t is found by arithmetic from the first
handoff, never by walking over past shifts. Instants in and out are aware UTC (an aware
instant in another zone is accepted and converted; a naive one raises ValueError); local
wall time lives only in the rotation's ``start``, in its zone, with the gap and fold rules
of ``schedule``. Import these through ``rotation``.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from dispatcher.clock import as_utc
from dispatcher.rosters.schedule import Shift, Window, local_to_utc, local_wall

ROTATION_TYPES = ("hourly", "daily", "weekly", "monthly")

# The wall-clock step of one unit of each type but monthly (months differ in length).
_WALL_UNIT = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
}


@dataclass(frozen=True)
class RotationSpec:
    """A rotation: ``participants`` take turns on a grid of handoffs from ``start``.

    ``start`` is the naive local wall time of handoff 0 in ``zone``. ``on_now_at`` (aware)
    and ``on_now_index`` record a coordinator's "participants[on_now_index] is on now": the
    order continues from that participant on the same grid (an index past the end wraps;
    set before handoff 0, that participant takes the first shift).
    Raises ValueError on an unknown type, a length below 1, an aware ``start``, a naive
    ``on_now_at`` or only one of the two ``on_now`` fields.
    """

    type: str
    length: int
    start: datetime
    zone: ZoneInfo
    participants: tuple[int, ...]
    windows: tuple[Window, ...] = ()
    on_now_at: datetime | None = None
    on_now_index: int | None = None
    _first: datetime = field(init=False, repr=False, compare=False)
    _split_at: datetime | None = field(init=False, repr=False, compare=False)
    _split_index: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate, then precompute handoff 0 and the shift split by ``on_now``."""
        if self.type not in ROTATION_TYPES:
            raise ValueError(f"rotation type must be one of {ROTATION_TYPES}, not {self.type!r}")
        if self.length < 1:
            raise ValueError(f"rotation length must be at least 1, not {self.length}")
        if self.start.tzinfo is not None:
            raise ValueError("rotation start is a naive local wall time")
        if (self.on_now_at is None) != (self.on_now_index is None):
            raise ValueError("on_now_at and on_now_index go together")
        if self.on_now_index is not None and self.on_now_index < 0:
            raise ValueError("on_now_index must not be negative")
        object.__setattr__(self, "_first", local_to_utc(self.start, self.zone))
        split_at = None if self.on_now_at is None else as_utc(self.on_now_at)
        object.__setattr__(self, "_split_at", split_at)
        object.__setattr__(self, "_split_index", _split_index(self, split_at))


def _split_index(spec: RotationSpec, split_at: datetime | None) -> int | None:
    """Return the index of the shift containing ``split_at`` (0 if before handoff 0)."""
    if split_at is None:
        return None
    found = _grid_shift(spec, split_at)
    return 0 if found is None else found[0]


def handoff_at(spec: RotationSpec, k: int) -> datetime:
    """Return the aware UTC instant of handoff ``k`` (k >= 0; handoff 0 is ``start``).

    Every type keeps the local wall clock: hourly, daily and weekly hand off at ``start``
    plus k*length hours, days or weeks of wall time; monthly at the wall time of ``start``
    on the same day of the month k*length months later, clamped to the month's last day
    (31 Jan, 28 Feb, 31 Mar). A handoff whose wall time a spring-forward gap skips happens
    at the first instant after the gap; one at a repeated wall time at its first occurrence.
    So a 12-hour shift across a change lasts 11 or 13 hours, and an hourly shift that lies
    wholly inside a gap (02:00-03:00 on the night Chicago springs forward) is empty: its
    participant's turn passes. Raises ValueError if k < 0.
    """
    if k < 0:
        raise ValueError("handoffs are counted from 0")
    return _handoff(spec, k)


def _handoff(spec: RotationSpec, k: int) -> datetime:
    """Return handoff ``k`` (any integer) as an aware UTC instant."""
    return local_to_utc(_local_handoff(spec, k), spec.zone)


def _local_handoff(spec: RotationSpec, k: int) -> datetime:
    """Return the naive local wall time of handoff ``k``."""
    start = spec.start
    if spec.type == "monthly":
        months = start.month - 1 + k * spec.length
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, monthrange(year, month)[1])
        return start.replace(year=year, month=month, day=day)
    return start + k * spec.length * _WALL_UNIT[spec.type]


def _handoff_after(spec: RotationSpec, k: int, handoff: datetime) -> datetime:
    """Return handoff ``k + 1`` given ``handoff`` k: the same instant as ``_handoff``.

    Walking a long view, the next handoff is usually the last one plus the wall-clock
    step in real time; reading that instant back checks it (a change in between, or a
    handoff moved by a gap, fails the check and the wall time is converted in full).
    """
    wall = _local_handoff(spec, k + 1)
    if spec.type != "monthly":
        guess = handoff + spec.length * _WALL_UNIT[spec.type]
        shown = guess.astimezone(spec.zone)
        if not shown.fold and shown.replace(tzinfo=None) == wall:
            return guess
    return local_to_utc(wall, spec.zone)


def _estimate(spec: RotationSpec, t: datetime) -> int:
    """Guess the index of the shift containing ``t``; right or off by one or two."""
    wall = local_wall(t, spec.zone)
    if spec.type == "monthly":
        months = (wall.year - spec.start.year) * 12 + wall.month - spec.start.month
        return months // spec.length
    return (wall - spec.start) // (spec.length * _WALL_UNIT[spec.type])


def _grid_shift(spec: RotationSpec, t: datetime) -> tuple[int, datetime, datetime] | None:
    """Return (k, start, end) of the grid shift containing ``t``, None before handoff 0."""
    if t < spec._first:
        return None
    k = max(_estimate(spec, t), 0)
    start = _handoff(spec, k)
    while start > t:
        k -= 1
        start = _handoff(spec, k)
    end = _handoff(spec, k + 1)
    while end <= t:
        k, start = k + 1, end
        end = _handoff(spec, k + 1)
    return k, start, end


def _person(spec: RotationSpec, k: int) -> int:
    """Return who holds grid shift ``k`` (from its ``on_now`` split on, for the split one)."""
    n = len(spec.participants)
    if spec._split_index is None or spec.on_now_index is None or k < spec._split_index:
        return spec.participants[k % n]
    return spec.participants[(spec.on_now_index + k - spec._split_index) % n]


def _parts(spec: RotationSpec, k: int, start: datetime, end: datetime) -> list[Shift]:
    """Return grid shift ``k`` as one shift, two when ``on_now`` splits it, none if empty."""
    if end <= start:
        return []  # wholly inside a gap: two handoffs fell on the gap's end
    split_at = spec._split_at
    if k == spec._split_index and split_at is not None and start < split_at:
        before = spec.participants[k % len(spec.participants)]
        return [Shift(start, split_at, before), Shift(split_at, end, _person(spec, k))]
    return [Shift(start, end, _person(spec, k))]


def shift_at(spec: RotationSpec, t: datetime) -> Shift | None:
    """Return the rotation shift containing ``t`` (windows not applied).

    None before the first handoff or without participants. The shift's end is after ``t``.
    """
    t = as_utc(t)
    found = _grid_shift(spec, t) if spec.participants else None
    if found is None:
        return None
    return next(part for part in _parts(spec, *found) if t < part.end)


def rotation_shifts(spec: RotationSpec, a: datetime, b: datetime) -> list[Shift]:
    """Return the rotation shifts overlapping [a, b), whole, in order (windows not applied)."""
    a, b = as_utc(a), as_utc(b)
    if not spec.participants or b <= a:
        return []
    found = _grid_shift(spec, a)
    k, start = (found[0], found[1]) if found else (0, spec._first)
    shifts: list[Shift] = []
    while start < b:
        end = _handoff_after(spec, k, start)
        shifts.extend(p for p in _parts(spec, k, start, end) if p.end > a and p.start < b)
        k, start = k + 1, end
    return shifts


def next_in_order(spec: RotationSpec, t: datetime) -> int | None:
    """Return who takes over at the next handoff after ``t`` (the backup), or None.

    Windows are not applied; with one participant this is the person on now. Before the
    first handoff it is whoever takes the first shift.
    """
    t = as_utc(t)
    current = shift_at(spec, t)
    following = shift_at(spec, current.end if current else spec._first)
    return None if following is None else following.person_id


def following_in_order(spec: RotationSpec, t: datetime) -> tuple[int, ...]:
    """Return who follows the holder of the shift containing ``t``, in rotation order.

    The holders of the shifts after it in the order they come, each once, without the
    holder at ``t``: the backup first, then the one after, and so on round the rotation
    (an ``on_now`` split counts both its holders). Windows are not applied. Before the
    first handoff the order starts with whoever takes shift 0.
    """
    t = as_utc(t)
    if not spec.participants:
        return ()
    found = _grid_shift(spec, t)
    k = found[0] if found else -1
    current = shift_at(spec, t)
    holder = current.person_id if current else None
    first: list[int] = []
    if spec._split_at is not None and k == spec._split_index and t < spec._split_at:
        first = [_person(spec, k)]  # the on-now participant takes over within this shift
    later = (p for j in range(1, 2 * len(spec.participants) + 1) for p in _holders(spec, k + j))
    return tuple(p for p in dict.fromkeys(chain(first, later)) if p != holder)


def _holders(spec: RotationSpec, k: int) -> tuple[int, ...]:
    """Return who holds grid shift ``k`` (k >= 0), in order: two when ``on_now`` splits it,
    nobody when it is empty (an hourly shift wholly inside a gap)."""
    if spec.type == "hourly" and _handoff(spec, k) == _handoff(spec, k + 1):
        return ()
    split_at = spec._split_at
    if k == spec._split_index and split_at is not None and split_at > _handoff(spec, k):
        return (spec.participants[k % len(spec.participants)], _person(spec, k))
    return (_person(spec, k),)
