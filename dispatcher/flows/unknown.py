"""Anonymous counts: the only trace left by texts from unknown numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatcher.db import rows_changed
from dispatcher.flows.models import AnonymousCount


def count(session: Session, now: datetime, kind: str) -> None:
    """Add one to today's (UTC) count of ``kind``."""
    day = now.date()
    bumped = rows_changed(
        session.execute(
            update(AnonymousCount)
            .where(AnonymousCount.day == day, AnonymousCount.kind == kind)
            .values(count=AnonymousCount.count + 1)
            .execution_options(synchronize_session=False)
        )
    )
    if bumped:
        return
    try:
        with session.begin_nested():
            session.add(AnonymousCount(day=day, kind=kind, count=1))
    except IntegrityError:
        count(session, now, kind)


def counted(session: Session, kind: str) -> int:
    """The total of ``kind`` over all days."""
    rows = session.scalars(select(AnonymousCount.count).where(AnonymousCount.kind == kind))
    return sum(rows)
