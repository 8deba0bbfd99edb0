"""The calendar under the rotation maths: wall time, duty windows, shifts and overrides.

A wall time is naive and belongs to a zone; an instant is aware UTC. A wall time that a
spring-forward gap skips means the first instant after the gap; one that a fall-back repeats
means its first occurrence (fold=0). Every function here is pure; ``rotation`` builds the
handoff grid on top and is the module to import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatcher.clock import as_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index 0 = Monday
OVERRIDE_ACTIONS = ("add", "remove", "replace")

_TICK = timedelta(microseconds=1)
_DAY = timedelta(days=1)

Span = tuple[datetime, datetime]  # [start, end) as aware UTC instants


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Return the aware UTC instant of naive wall time ``local`` in ``zone``.

    A wall time skipped by a gap maps to the first instant after the gap (02:30 on
    2026-03-08 in America/Chicago is 03:00 CDT, 08:00 UTC); a repeated one maps to its
    first occurrence. Raises ValueError if ``local`` is aware.
    """
    if local.tzinfo is not None:
        raise ValueError("local wall time must be naive")
    if local.fold:
        local = local.replace(fold=0)  # a wall time read back from an instant may carry fold=1
    aware = local.replace(tzinfo=zone)
    instant = aware.astimezone(UTC)
    # A wall time that exists shows the offset it was read with; one in a gap, read with
    # the offset before the jump, lands after it and shows the later offset.
    if instant.astimezone(zone).utcoffset() == aware.utcoffset():
        return instant
    return _end_of_gap(local, zone)


def _end_of_gap(local: datetime, zone: ZoneInfo) -> datetime:
    """Return the transition instant that skipped wall time ``local`` (to the microsecond)."""
    # In a gap, fold=0 reads ``local`` with the offset before the jump and fold=1 with the
    # one after; the transition lies between the two readings.
    readings = (local.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    lo, hi = sorted(readings)
    after = hi.astimezone(zone).utcoffset()
    while hi - lo > _TICK:
        mid = lo + (hi - lo) // 2
        if mid.astimezone(zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi


def local_wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """Return the naive wall time that aware ``instant`` shows in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


@dataclass(frozen=True)
class Window:
    """When a rotation is on duty: from ``starts`` on each of ``days`` until ``ends``.

    ``days`` are weekday indexes (0 = Monday) on which the window opens; ``starts`` and
    ``ends`` are naive local wall times. ``ends <= starts`` runs past midnight into the next
    day, so ``00:00``-``00:00`` is the whole day. Raises ValueError on a bad weekday index
    or an aware time.
    """

    days: frozenset[int]
    starts: time
    ends: time

    def __post_init__(self) -> None:
        """Refuse weekday indexes outside 0..6 and aware times."""
        if not self.days <= frozenset(range(7)):
            raise ValueError(f"window days must be weekday indexes 0..6, not {sorted(self.days)}")
        if self.starts.tzinfo is not None or self.ends.tzinfo is not None:
            raise ValueError("window times are naive local wall times")

    def span_on(self, day: date, zone: ZoneInfo) -> Span | None:
        """Return the window opening on local ``day`` as UTC instants, or None (closed)."""
        if day.weekday() not in self.days:
            return None
        closing_day = day + _DAY if self.ends <= self.starts else day
        opens = local_to_utc(datetime.combine(day, self.starts), zone)
        closes = local_to_utc(datetime.combine(closing_day, self.ends), zone)
        # A window wholly inside a gap opens and closes at the same instant: it never opens.
        return (opens, closes) if opens < closes else None


def _days(first: date, last: date) -> Iterable[date]:
    """Yield every local date from ``first`` to ``last`` inclusive."""
    day = first
    while day <= last:
        yield day
        day += _DAY


def window_spans(windows: Sequence[Window], zone: ZoneInfo, a: datetime, b: datetime) -> list[Span]:
    """Return the union of ``windows`` as sorted, disjoint spans overlapping [a, b).

    Overlapping or touching windows become one span. Spans are not cut at ``a`` or ``b``:
    each reaches at least the edges of the windows that overlap [a, b) (windows that chain
    on beyond those are not followed).
    """
    # A window opens at most a day before it closes, and a gap moves an edge by hours,
    # so openings from two local days before ``a`` suffice.
    first = local_wall(a, zone).date() - 2 * _DAY
    last = local_wall(b, zone).date() + _DAY
    spans = sorted(
        span
        for day in _days(first, last)
        for window in windows
        if (span := window.span_on(day, zone)) is not None
    )
    return [span for span in merge_spans(spans) if span[1] > a and span[0] < b]


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Merge sorted spans so that overlapping or touching ones become one."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def in_windows(windows: Sequence[Window], zone: ZoneInfo, t: datetime) -> bool:
    """Return True if instant ``t`` lies inside at least one of ``windows``."""
    today = local_wall(t, zone).date()
    for day in (today - _DAY, today):
        for window in windows:
            span = window.span_on(day, zone)
            if span is not None and span[0] <= t < span[1]:
                return True
    return False


@dataclass(frozen=True, order=True)
class Shift:
    """``person_id`` on call for [start, end), aware UTC, ``end > start``."""

    start: datetime
    end: datetime
    person_id: int


@dataclass(frozen=True)
class OverrideSpec:
    """A coordinator's change to who is on call for [start, end), aware instants.

    ``add`` puts ``person_id`` on call as well; ``remove`` takes ``person_id`` off;
    ``replace`` puts ``person_id`` on instead of ``replaces_id``, only while the rotations
    have ``replaces_id`` on call. Raises ValueError on an unknown action, a missing id or a
    naive instant. One with ``end <= start`` never applies: a bad stored row must not stop
    the lookup that decides whom to page (input checks refuse such rows).
    """

    action: str
    person_id: int | None
    replaces_id: int | None
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        """Refuse an override that cannot be applied."""
        if self.action not in OVERRIDE_ACTIONS:
            raise ValueError(f"override action must be one of {OVERRIDE_ACTIONS}")
        if self.person_id is None:
            raise ValueError(f"a {self.action} override needs person_id")
        if (self.replaces_id is None) == (self.action == "replace"):
            raise ValueError("replaces_id is required by replace and only by replace")
        for instant in (self.start, self.end):
            as_utc(instant)  # raises on a naive instant

    def active_at(self, t: datetime) -> bool:
        """Return True if instant ``t`` lies in [start, end)."""
        return self.start <= t < self.end


def join_runs(shifts: Iterable[Shift]) -> list[Shift]:
    """Join each run of sorted shifts in which one person hands over to themself."""
    runs: list[Shift] = []
    for shift in shifts:
        if runs and runs[-1].person_id == shift.person_id and runs[-1].end == shift.start:
            runs[-1] = Shift(runs[-1].start, shift.end, shift.person_id)
        else:
            runs.append(shift)
    return runs


def cut_by_spans(
    shifts: Sequence[Shift], spans: Sequence[Span], a: datetime, b: datetime
) -> list[Shift]:
    """Return the pieces of sorted, disjoint ``shifts`` inside sorted, disjoint ``spans``.

    Only the pieces overlapping [a, b) are kept, whole.
    """
    pieces: list[Shift] = []
    first = 0
    for shift in shifts:
        while first < len(spans) and spans[first][1] <= shift.start:
            first += 1
        for opens, closes in spans[first:]:
            if opens >= shift.end:
                break
            start, end = max(opens, shift.start), min(closes, shift.end)
            if end > a and start < b:
                pieces.append(Shift(start, end, shift.person_id))
    return pieces


def apply_overrides(rotation: set[int], active: Sequence[OverrideSpec]) -> set[int]:
    """Return the on-call set: ``rotation`` with replaces, then removes, then adds applied."""
    replacing = [o for o in active if o.action == "replace" and o.replaces_id in rotation]
    on_call = rotation - {o.replaces_id for o in replacing}
    on_call |= {o.person_id for o in replacing if o.person_id is not None}
    on_call -= {o.person_id for o in active if o.action == "remove"}
    on_call |= {o.person_id for o in active if o.action == "add" and o.person_id is not None}
    return on_call


def on_call_within(
    duty: Sequence[Shift], overrides: Sequence[OverrideSpec], lo: datetime, hi: datetime
) -> list[Shift]:
    """Return who is on call within [lo, hi), merged per person, sorted by (start, person).

    ``duty`` are the rotations' duty periods overlapping [lo, hi); overrides are applied
    as in ``apply_overrides``; periods are cut at ``lo`` and ``hi``.
    """
    relevant = [o for o in overrides if o.end > lo and o.start < hi]
    events = sorted(
        [(max(p.start, lo), 1, p.person_id) for p in duty]
        + [(min(p.end, hi), -1, p.person_id) for p in duty]
    )
    edges = sorted({lo, hi, *(e[0] for e in events)} | _override_edges(relevant, lo, hi))
    counts: Counter[int] = Counter()
    since: dict[int, datetime] = {}
    periods: list[Shift] = []
    event = 0
    for edge in edges:
        while event < len(events) and events[event][0] <= edge:
            counts[events[event][2]] += events[event][1]
            event += 1
        on_call: set[int] = set()
        if edge < hi:
            rotation = {person for person, count in counts.items() if count > 0}
            on_call = apply_overrides(rotation, [o for o in relevant if o.active_at(edge)])
        periods += [Shift(since.pop(p), edge, p) for p in sorted(set(since) - on_call)]
        since.update((p, edge) for p in on_call if p not in since)
    return sorted(periods, key=lambda p: (p.start, p.person_id))


def _override_edges(overrides: Sequence[OverrideSpec], lo: datetime, hi: datetime) -> set[datetime]:
    """Return the starts and ends of ``overrides`` that fall inside [lo, hi]."""
    edges = {as_utc(o.start) for o in overrides} | {as_utc(o.end) for o in overrides}
    return {edge for edge in edges if lo <= edge <= hi}
