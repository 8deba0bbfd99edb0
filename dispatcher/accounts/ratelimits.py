"""Requests per key per minute, counted in the database so that every process agrees.

A fixed-window counter: one ``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1
RETURNING count`` per request on the row of (key, the current minute), on SQLite and on
PostgreSQL alike. Over the limit, the answer says how many seconds remain in the window.
Keys are ids (``api:<token id>``, ``feed:<feed id>``), never secrets or addresses.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dispatcher.accounts.models import RateWindow
from dispatcher.db import upsert

WINDOW = timedelta(minutes=1)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def window_start(now: datetime, window: timedelta = WINDOW) -> datetime:
    """The start of the fixed window holding ``now`` (aware UTC)."""
    return now - (now - _EPOCH) % window


def hit(
    session: Session, key: str, now: datetime, limit: int, window: timedelta = WINDOW
) -> int | None:
    """Count one request for ``key``; None when it is within ``limit`` for this window,
    else the whole seconds until the window ends (at least 1). The caller commits."""
    start = window_start(now, window)
    session.execute(
        delete(RateWindow).where(RateWindow.key == key, RateWindow.window_start < start)
    )
    statement = (
        upsert(session, RateWindow)
        .values(key=key, window_start=start, count=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"count": RateWindow.count + 1}
        )
        .returning(RateWindow.count)
    )
    count = int(session.execute(statement).scalar_one())
    if count <= limit:
        return None
    return max(1, math.ceil((start + window - now).total_seconds()))


def purge(session: Session, now: datetime, window: timedelta = WINDOW) -> None:
    """Delete the windows before the current one (keys not counted again keep their last
    row until this runs)."""
    session.execute(delete(RateWindow).where(RateWindow.window_start < window_start(now, window)))
