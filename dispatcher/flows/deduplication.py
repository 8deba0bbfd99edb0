"""Inbound deduplication: Twilio may deliver the same message or call twice; act once.

Only the sid is kept (the engine purges it after a week), and the provider's copy is handed to
``redaction`` to be deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Insert, delete
from sqlalchemy.orm import Session

from dispatcher.db import dialect_of, dialect_upsert, table_of
from dispatcher.flows.models import InboundMessage
from dispatcher.flows.redaction import keep_copy_for_redaction


def first_delivery(
    session: Session, sid: str, now: datetime, *, copy_after: timedelta = timedelta(0)
) -> bool:
    """Record an inbound sid; False when Twilio already delivered it (drop the repeat).

    One ``INSERT ... ON CONFLICT DO NOTHING ... RETURNING``: concurrent repeats cannot both
    pass. The provider's copy (a message, or a call's record with the caller's number) is
    deleted from ``now + copy_after`` on (calls: once they are over).
    """
    if not sid:
        return True  # nothing to deduplicate on (Twilio always sends one)
    # RETURNING, not the row count: psycopg reports -1 for ON CONFLICT DO NOTHING.
    recorded = session.execute(_record(dialect_of(session)), {"sid": sid, "received_at": now})
    if recorded.first() is None:
        return False
    keep_copy_for_redaction(session, sid, now + copy_after)
    return True


@cache
def _record(dialect: str) -> Insert:
    """The INSERT of ``first_delivery``, built once per dialect (Core: no ORM)."""
    inbound = table_of(InboundMessage)
    statement: Insert = (
        dialect_upsert(dialect, inbound).on_conflict_do_nothing().returning(inbound.c.sid)
    )
    return statement


def purge(session: Session, cutoff: datetime) -> None:
    """Forget inbound sids recorded up to ``cutoff``."""
    session.execute(delete(InboundMessage).where(InboundMessage.received_at <= cutoff))
