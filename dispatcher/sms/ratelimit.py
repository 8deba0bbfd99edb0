"""Per-number reply limits, kept in memory only.

Unknown senders' numbers must never be stored (not even hashed), so the limiter lives in
process memory and forgets a number an hour after its last reply.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)
MAX_TRACKED = 10_000


class ReplyLimiter:
    """Allows at most ``per_hour`` replies to one number in any hour."""

    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self._sent: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, number: str, now: datetime) -> bool:
        """True (and counted) when another reply to ``number`` is allowed now."""
        with self._lock:
            times = self._sent.setdefault(number, deque())
            while times and now - times[0] >= WINDOW:
                times.popleft()
            if len(times) >= self.per_hour:
                return False
            times.append(now)
            if len(self._sent) > MAX_TRACKED:
                self._forget_idle(now)
            return True

    def _forget_idle(self, now: datetime) -> None:
        """Drop numbers with no reply in the last hour."""
        for number in [n for n, t in self._sent.items() if not t or now - t[-1] >= WINDOW]:
            del self._sent[number]
