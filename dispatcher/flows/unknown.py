"""Anonymous counts: the only trace left by texts from unknown numbers."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Insert, select
from sqlalchemy.orm import Session

from dispatcher.db import dialect_of, dialect_upsert, table_of
from dispatcher.flows.models import AnonymousCount


def count(session: Session, now: datetime, kind: str) -> None:
    """Add one to today's (UTC) count of ``kind`` (one upsert; safe under concurrency)."""
    session.execute(_count(dialect_of(session)), {"day": now.date(), "kind": kind, "count": 1})


@cache
def _count(dialect: str) -> Insert:
    """The upsert of ``count``, built once per dialect (Core: no ORM)."""
    counts = table_of(AnonymousCount)
    statement: Insert = dialect_upsert(dialect, counts).on_conflict_do_update(
        index_elements=[counts.c.day, counts.c.kind], set_={"count": counts.c.count + 1}
    )
    return statement


def counted(session: Session, kind: str) -> int:
    """The total of ``kind`` over all days."""
    rows = session.scalars(select(AnonymousCount.count).where(AnonymousCount.kind == kind))
    return sum(rows)
