"""Inbound deduplication: Twilio may deliver the same message or call twice; act once.

Only the sid is kept (the engine purges it after a week), and the provider's copy is handed to
``redaction`` to be deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dispatcher.db import insert_ignoring_duplicates
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
    statement = (
        insert_ignoring_duplicates(session, InboundMessage)
        .values(sid=sid, received_at=now)
        .returning(InboundMessage.sid)
    )
    # RETURNING, not the row count: psycopg reports -1 for ON CONFLICT DO NOTHING.
    if session.execute(statement).first() is None:
        return False
    keep_copy_for_redaction(session, sid, now + copy_after)
    return True


def purge(session: Session, cutoff: datetime) -> None:
    """Forget inbound sids recorded up to ``cutoff``."""
    session.execute(delete(InboundMessage).where(InboundMessage.received_at <= cutoff))
