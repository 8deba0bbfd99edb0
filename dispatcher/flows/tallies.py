"""Counting a period's call log in SQL (GROUP BY), so no page loads a year of rows.

Each query reads the entries opened in [start, end) through the index on the opening
hour and returns at most a few thousand grouped rows (one per opening hour at most).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dispatcher.flows.calllog import BUCKET_KEYS
from dispatcher.flows.models import NEED_KINDS, CallLogEntry
from dispatcher.flows.stats import Tallies


def tally_period(session: Session, start: datetime, end: datetime) -> Tallies:
    """The call log's counts for entries opened in [start, end) (aware UTC)."""
    return Tallies(
        by_hour=_by_hour(session, start, end),
        outcomes=_outcomes(session, start, end),
        accept_buckets=_accept_buckets(session, start, end),
        active_advocates=_active_advocates(session, start, end),
    )


def _opened_in(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    """The condition: opened in [start, end)."""
    return (CallLogEntry.opened_hour >= start, CallLogEntry.opened_hour < end)


def _by_hour(session: Session, start: datetime, end: datetime) -> tuple[tuple[datetime, int], ...]:
    """Requests per opening hour."""
    rows = session.execute(
        select(CallLogEntry.opened_hour, func.count())
        .where(*_opened_in(start, end))
        .group_by(CallLogEntry.opened_hour)
    )
    return tuple((hour, int(count)) for hour, count in rows)


def _outcomes(session: Session, start: datetime, end: datetime) -> tuple[tuple[str, str, int], ...]:
    """(kind, outcome, needs) for every kind of need that was asked for."""
    columns: list[Any] = [getattr(CallLogEntry, kind) for kind in NEED_KINDS]
    rows = session.execute(
        select(*columns, func.count()).where(*_opened_in(start, end)).group_by(*columns)
    )
    found: dict[tuple[str, str], int] = {}
    for row in rows:
        *outcomes, count = row
        for kind, outcome in zip(NEED_KINDS, outcomes, strict=True):
            if outcome is not None:
                found[kind, outcome] = found.get((kind, outcome), 0) + int(count)
    return tuple((kind, outcome, n) for (kind, outcome), n in sorted(found.items()))


def _accept_buckets(session: Session, start: datetime, end: datetime) -> tuple[int, ...]:
    """Accepted requests per time-to-accept bucket, in BUCKET_KEYS order."""
    rows = session.execute(
        select(CallLogEntry.time_to_accept, func.count())
        .where(*_opened_in(start, end), CallLogEntry.time_to_accept.is_not(None))
        .group_by(CallLogEntry.time_to_accept)
    )
    counts = {key: int(count) for key, count in rows}
    return tuple(counts.get(key, 0) for key in BUCKET_KEYS)


def _active_advocates(session: Session, start: datetime, end: datetime) -> int:
    """Distinct advocates who accepted a request opened in the period."""
    count = session.scalar(
        select(func.count(func.distinct(CallLogEntry.accepted_member_id))).where(
            *_opened_in(start, end), CallLogEntry.advocate == "accepted"
        )
    )
    return int(count or 0)
