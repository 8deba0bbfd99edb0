"""Gaps in coverage: when a roster should be covered and nobody who can answer is on call.

Pure: spans are ``[start, end)`` pairs of aware UTC instants. What a roster should cover is
the union of its rotations' duty (windows applied: a night-only rotation leaves the days
uncovered on purpose); who covers it is who is on call (overrides applied) less the spans
each person cannot answer in (away, opted out, inactive).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from dispatcher.rosters.schedule import Shift, Span, merge_spans

# Shorter gaps are not reported: a handoff a few minutes late in a rule is noise.
SHORTEST = timedelta(minutes=1)


def clip(spans: Iterable[Span], a: datetime, b: datetime) -> list[Span]:
    """The parts of ``spans`` inside [a, b), empty parts dropped, in order."""
    kept = [(max(start, a), min(end, b)) for start, end in spans]
    return sorted((start, end) for start, end in kept if start < end)


def subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """``spans`` less ``holes``; both sorted and disjoint, the result too."""
    left: list[Span] = []
    for start, end in spans:
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                left.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            left.append((start, end))
    return left


def uncovered(
    duty: Iterable[Span],
    on_call: Iterable[Shift],
    unavailable: Mapping[int, Sequence[Span]],
    a: datetime,
    b: datetime,
) -> list[Span]:
    """The spans within [a, b) of ``duty`` when nobody in ``on_call`` can answer.

    ``unavailable`` maps a person id to the sorted, disjoint spans they cannot be paged in.
    Gaps shorter than SHORTEST are left out.
    """
    covered: list[Span] = []
    for shift in on_call:
        busy = list(unavailable.get(shift.person_id, ()))
        covered += subtract([(shift.start, shift.end)], busy)
    wanted = merge_spans(clip(duty, a, b))
    gaps = subtract(wanted, merge_spans(sorted(covered)))
    return [(start, end) for start, end in gaps if end - start >= SHORTEST]


def overlaps(spans: Iterable[Span], a: datetime, b: datetime) -> bool:
    """True if any of ``spans`` meets [a, b)."""
    return any(start < b and end > a for start, end in spans)
