"""The injected clock: aware UTC everywhere, and a test clock that can be moved."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current instant as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current instant (aware, UTC)."""
        ...


class SystemClock:
    """The wall clock of the machine."""

    def now(self) -> datetime:
        """Return the current instant (aware, UTC)."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until told to move; safe to share between threads."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the clock's current instant."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the clock forward by a timedelta or a number of seconds; return the new now."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        """Jump to an aware instant (forward or back; for test set-up)."""
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        with self._lock:
            self._now = when.astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as aware UTC; a naive value is refused, never guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: times are aware UTC everywhere")
    return value.astimezone(UTC)
