"""A roster's on-call periods cut into local days, with the uncovered hours as gaps.

Pure: periods in, days out. A local day runs from midnight to midnight in the roster's
zone, so it lasts 23 or 25 hours on the days the clocks change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from dispatcher.rosters.rotation import Shift, local_to_utc


@dataclass(frozen=True)
class Segment:
    """[start, end) of one day during which ``people`` (ids, sorted) are on call.

    ``left`` and ``width`` place it on the day's bar, in thousandths of the day.
    """

    start: datetime
    end: datetime
    people: tuple[int, ...]
    left: float
    width: float

    @property
    def gap(self) -> bool:
        """True when nobody is on call."""
        return not self.people


@dataclass(frozen=True)
class Day:
    """One local day [start, end) (aware UTC bounds) and its segments in order."""

    day: date
    start: datetime
    end: datetime
    segments: tuple[Segment, ...]

    @property
    def uncovered(self) -> timedelta:
        """How long nobody is on call this day."""
        return sum((s.end - s.start for s in self.segments if s.gap), timedelta())


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The aware UTC instants of local midnight starting and ending ``day``."""
    start = local_to_utc(datetime.combine(day, time()), zone)
    return start, local_to_utc(datetime.combine(day + timedelta(days=1), time()), zone)


def build_days(periods: Sequence[Shift], zone: ZoneInfo, first: date, count: int) -> list[Day]:
    """``count`` local days from ``first``, each cut where the set of people on call changes."""
    return [_day(periods, first + timedelta(days=i), zone) for i in range(count)]


def _day(periods: Sequence[Shift], day: date, zone: ZoneInfo) -> Day:
    """One day's segments; adjacent pieces with the same people are merged."""
    start, end = day_bounds(day, zone)
    inside = [p for p in periods if p.start < end and p.end > start]
    edges = sorted({start, end, *(e for p in inside for e in (p.start, p.end) if start < e < end)})
    pieces: list[tuple[datetime, datetime, tuple[int, ...]]] = []
    for a, b in pairwise(edges):
        people = tuple(sorted({p.person_id for p in inside if p.start <= a < p.end}))
        if pieces and pieces[-1][2] == people:
            pieces[-1] = (pieces[-1][0], b, people)
        else:
            pieces.append((a, b, people))
    length = (end - start).total_seconds()
    segments = tuple(
        Segment(a, b, people, _share(a - start, length), _share(b - a, length))
        for a, b, people in pieces
    )
    return Day(day, start, end, segments)


def _share(part: timedelta, whole_seconds: float) -> float:
    """``part`` in thousandths of a day that lasts ``whole_seconds``, rounded to 0.1."""
    return round(part.total_seconds() * 1000 / whole_seconds, 1)


def uncovered(days: Sequence[Day]) -> timedelta:
    """How long nobody is on call across ``days``."""
    return sum((day.uncovered for day in days), timedelta())
