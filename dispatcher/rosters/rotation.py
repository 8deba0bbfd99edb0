"""Pure rotation maths: handoff grids, shifts, duty windows, overrides, who is on call.

Every instant in and out is aware UTC (an aware instant in another zone is accepted and
converted; a naive one raises ValueError). Local wall time lives only in a rotation's
``start`` and windows, in its zone; see ``schedule`` for the gap and fold rules and
``grid`` for the handoffs of one rotation. Lookups are O(1): the shift containing t is
found by arithmetic from the first handoff, never by walking over past shifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from dispatcher.clock import as_utc
from dispatcher.rosters.grid import (
    ROTATION_TYPES,
    RotationSpec,
    following_in_order,
    handoff_at,
    next_in_order,
    rotation_shifts,
    shift_at,
)
from dispatcher.rosters.schedule import (
    OVERRIDE_ACTIONS,
    WEEKDAYS,
    OverrideSpec,
    Shift,
    Window,
    apply_overrides,
    cut_by_spans,
    in_windows,
    join_runs,
    local_to_utc,
    on_call_within,
    window_spans,
)

__all__ = [
    "ON_CALL_HORIZON",
    "OVERRIDE_ACTIONS",
    "ROTATION_TYPES",
    "WEEKDAYS",
    "OverrideSpec",
    "RotationSpec",
    "Shift",
    "Window",
    "duty_periods",
    "following_in_order",
    "handoff_at",
    "local_to_utc",
    "next_handoffs",
    "next_in_order",
    "on_call_at",
    "on_call_periods",
    "on_duty_at",
    "rotation_shifts",
    "shift_at",
]

_TICK = timedelta(microseconds=1)
# How far beyond [a, b) on_call_periods follows a period before cutting it (one person
# always on call has a single endless period). It looks one shift and a day out first,
# then widens the view on each side where a period reaches its edge.
ON_CALL_HORIZON = timedelta(days=1024)
# The longest real time one unit of each type can last (an hour across a change: two).
_LONGEST_UNIT = {
    "hourly": timedelta(hours=2),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=31),
}


def duty_periods(spec: RotationSpec, a: datetime, b: datetime) -> list[Shift]:
    """Return the shifts cut by the windows, overlapping [a, b), whole, in order.

    A shift yields one period per window span it meets (or none); without windows the
    periods are the shifts. Periods are not cut at ``a`` or ``b``.
    """
    a, b = as_utc(a), as_utc(b)
    return _within_windows(spec, rotation_shifts(spec, a, b), a, b)


def _within_windows(
    spec: RotationSpec, shifts: list[Shift], a: datetime, b: datetime
) -> list[Shift]:
    """Cut sorted, disjoint ``shifts`` by the windows; keep the pieces overlapping [a, b)."""
    if not spec.windows or not shifts:
        return shifts
    spans = window_spans(spec.windows, spec.zone, shifts[0].start, shifts[-1].end)
    return cut_by_spans(shifts, spans, a, b)


def _duty_in_view(spec: RotationSpec, lo: datetime, hi: datetime) -> list[Shift]:
    """Return the duty within [lo, hi) with one person's back-to-back shifts joined.

    A rotation whose places all belong to one person is one endless run, built in O(1)
    however far the view reaches.
    """
    people = set(spec.participants)
    if len(people) == 1 and spec._first < hi:
        endless = Shift(max(spec._first, lo), hi, people.pop())
        return _within_windows(spec, [endless], lo, hi)
    return _within_windows(spec, join_runs(rotation_shifts(spec, lo, hi)), lo, hi)


def on_duty_at(spec: RotationSpec, t: datetime) -> int | None:
    """Return who the rotation has on duty at ``t`` (windows applied), or None."""
    t = as_utc(t)
    shift = shift_at(spec, t)
    if shift is None or (spec.windows and not in_windows(spec.windows, spec.zone, t)):
        return None
    return shift.person_id


def on_call_at(
    rotations: Sequence[RotationSpec], overrides: Sequence[OverrideSpec], t: datetime
) -> set[int]:
    """Return the people on call at ``t``: every rotation's duty, overrides applied."""
    t = as_utc(t)
    rotation = {p for spec in rotations if (p := on_duty_at(spec, t)) is not None}
    return apply_overrides(rotation, [o for o in overrides if o.active_at(t)])


def on_call_periods(
    rotations: Sequence[RotationSpec],
    overrides: Sequence[OverrideSpec],
    a: datetime,
    b: datetime,
) -> list[Shift]:
    """Return every period someone is on call overlapping [a, b), sorted by (start, person).

    Duty periods of all rotations with overrides applied, merged per person (overlapping or
    touching periods become one). Periods are whole, not cut at ``a`` or ``b``, except that
    one running on for more than ON_CALL_HORIZON beyond them (about 2.8 years) is cut there.
    """
    a, b = as_utc(a), as_utc(b)
    margin = timedelta(days=1) + max(
        (_LONGEST_UNIT[spec.type] * spec.length for spec in rotations), default=timedelta(0)
    )
    view: tuple[datetime, datetime] | None = (a - margin, b + margin)
    periods: list[Shift] = []
    while view is not None and b > a:
        duty = [p for spec in rotations for p in _duty_in_view(spec, *view)]
        periods = [p for p in on_call_within(duty, overrides, *view) if p.end > a and p.start < b]
        view = _widened(view, a, b, periods, overrides)
    return periods


def _widened(
    view: tuple[datetime, datetime],
    a: datetime,
    b: datetime,
    periods: list[Shift],
    overrides: Sequence[OverrideSpec],
) -> tuple[datetime, datetime] | None:
    """Return the view widened on each side a period reaches, or None if none needs it.

    A side at least doubles, and reaches past any override that runs on beyond it (a long
    override would otherwise cost a doubling per power of two); never past the horizon.
    """
    lo, hi = view
    earlier = a - lo < ON_CALL_HORIZON and any(p.start == lo for p in periods)
    later = hi - b < ON_CALL_HORIZON and any(p.end == hi for p in periods)
    if not (earlier or later):
        return None
    if earlier:
        reach = min((as_utc(o.start) for o in overrides if o.start < lo < o.end), default=lo)
        lo = a - min(max(2 * (a - lo), (a - reach) + (a - lo)), ON_CALL_HORIZON)
    if later:
        reach = max((as_utc(o.end) for o in overrides if o.start < hi < o.end), default=hi)
        hi = b + min(max(2 * (hi - b), (reach - b) + (hi - b)), ON_CALL_HORIZON)
    return lo, hi


def next_handoffs(
    rotations: Sequence[RotationSpec],
    overrides: Sequence[OverrideSpec],
    a: datetime,
    b: datetime,
) -> list[tuple[datetime, set[int]]]:
    """Return each instant in (a, b] where the on-call set changes, with the new set."""
    a, b = as_utc(a), as_utc(b)
    candidates = {
        edge
        for spec in rotations
        for p in duty_periods(spec, a, b + _TICK)
        for edge in (p.start, p.end)
    } | {edge for o in overrides for edge in (as_utc(o.start), as_utc(o.end))}
    changes: list[tuple[datetime, set[int]]] = []
    current = on_call_at(rotations, overrides, a)
    for edge in sorted(e for e in candidates if a < e <= b):
        on_call = on_call_at(rotations, overrides, edge)
        if on_call != current:
            changes.append((edge, on_call))
            current = on_call
    return changes
