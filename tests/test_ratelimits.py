"""The fixed-window counter on both databases: counts per key and minute, the seconds left,
and old windows deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from dispatcher.accounts import ratelimits
from dispatcher.accounts.models import RateWindow
from dispatcher.db import Database

NOW = datetime(2026, 3, 10, 12, 0, 50, tzinfo=UTC)


def test_counts_per_key_and_minute_and_old_windows_go(database: Database) -> None:
    with database.session_scope() as session:
        first = [ratelimits.hit(session, "feed:1", NOW, limit=2) for _ in range(3)]
        other = ratelimits.hit(session, "feed:2", NOW, limit=2)
    assert first == [None, None, 10] and other is None
    later = NOW + timedelta(seconds=15)  # the next minute: counted afresh
    with database.session_scope() as session:
        assert ratelimits.hit(session, "feed:1", later, limit=2) is None
        keys = session.execute(select(RateWindow.key, RateWindow.count)).all()
        assert sorted(keys) == [("feed:1", 1), ("feed:2", 1)]  # feed:1's old minute is gone
        ratelimits.purge(session, later)
        assert session.execute(select(RateWindow.key)).scalars().all() == ["feed:1"]
