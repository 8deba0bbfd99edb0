"""Duration buckets of the call log, and the opening hour. Pure: no database here.

Durations are kept only as one of five buckets (under 5, 5-15, 15-30, 30-60, over 60
minutes): exact seconds, added to the opening hour, would pin a call to within a minute.
"""

from __future__ import annotations

from datetime import datetime

# (key, label, upper bound in seconds, exclusive); the last bucket has no upper bound.
DURATION_BUCKETS: tuple[tuple[str, str, int | None], ...] = (
    ("0-5", "under 5 min", 5 * 60),
    ("5-15", "5-15 min", 15 * 60),
    ("15-30", "15-30 min", 30 * 60),
    ("30-60", "30-60 min", 60 * 60),
    ("60+", "over 60 min", None),
)
BUCKET_KEYS = tuple(key for key, _, _ in DURATION_BUCKETS)
BUCKET_LABELS = {key: label for key, label, _ in DURATION_BUCKETS}


def hour_of(when: datetime) -> datetime:
    """Round an instant down to the hour (UTC)."""
    return when.replace(minute=0, second=0, microsecond=0)


def bucket_of_seconds(seconds: float) -> str:
    """The key of the duration bucket holding ``seconds`` (negative counts as zero)."""
    for key, _, upper in DURATION_BUCKETS:
        if upper is None or seconds < upper:
            return key
    raise AssertionError("the last bucket has no upper bound")


def bucket_between(start: datetime | None, end: datetime | None) -> str | None:
    """The bucket of the time from ``start`` to ``end``, or None when either is missing."""
    if start is None or end is None:
        return None
    return bucket_of_seconds((end - start).total_seconds())
