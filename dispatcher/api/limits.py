"""Requests per token per minute, kept in memory (per process), like the SMS reply limits."""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)
PER_MINUTE = 120


class TokenLimiter:
    """Allows at most ``per_minute`` requests with one token in any minute."""

    def __init__(self, per_minute: int = PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._seen: dict[int, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, token_id: int, now: datetime) -> bool:
        """True (and counted) when another request with ``token_id`` is allowed now."""
        with self._lock:
            times = self._seen.setdefault(token_id, deque())
            while times and now - times[0] >= WINDOW:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True
