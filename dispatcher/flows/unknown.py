"""Anonymous counts: the only trace left by texts from unknown numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.db import upsert
from dispatcher.flows.models import AnonymousCount


def count(session: Session, now: datetime, kind: str) -> None:
    """Add one to today's (UTC) count of ``kind`` (one upsert; safe under concurrency)."""
    statement = upsert(session, AnonymousCount).values(day=now.date(), kind=kind, count=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "kind"], set_={"count": AnonymousCount.count + 1}
        )
    )


def counted(session: Session, kind: str) -> int:
    """The total of ``kind`` over all days."""
    rows = session.scalars(select(AnonymousCount.count).where(AnonymousCount.kind == kind))
    return sum(rows)
