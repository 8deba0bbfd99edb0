"""Deleting the provider's copies: Twilio keeps every message and a record of every call.

Twilio's copy holds the caller's number (and, for messages, the body). Once a message is
final, or a call is over, we delete the copy (``redact_copies``); only its sid was ever
stored here. Copies that cannot be deleted after every retry are reported to the
coordinators (a count, no content).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Insert, Select, case, delete, func, select
from sqlalchemy.orm import Session, aliased

from dispatcher.clock import Clock
from dispatcher.db import Database, dialect_of, dialect_upsert, table_of
from dispatcher.flows import alerts, outbox
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import OutboxMessage, ProviderCopy
from dispatcher.flows.ports import Sender
from dispatcher.flows.vocabulary import OutboxState

log = logging.getLogger("dispatcher.receipts")
# Delete a copy this long after sending if no final status ever arrives.
REDACT_WITHOUT_CALLBACK = timedelta(hours=1)
MAX_REDACT_ATTEMPTS = 20


def keep_copy_for_redaction(
    session: Session, sid: str, ready_at: datetime, outbox_id: int | None = None
) -> None:
    """Remember to delete the provider's copy of message ``sid`` from ``ready_at`` on.

    ``outbox_id`` ties the copy to the outbox row it was sent for (see ``redact_copies``).
    One upsert: a new sid is inserted; a known one not yet deleted keeps the earlier
    ``ready_at`` and its first ``outbox_id``.
    """
    values = {"sid": sid, "ready_at": ready_at, "attempts": 0, "outbox_id": outbox_id}
    session.execute(_keep_copy(dialect_of(session)), values)


@cache
def _keep_copy(dialect: str) -> Insert:
    """The upsert of ``keep_copy_for_redaction``, built once per dialect (Core: no ORM)."""
    copies = table_of(ProviderCopy)
    statement = dialect_upsert(dialect, copies)
    new = statement.excluded
    upserted: Insert = statement.on_conflict_do_update(
        index_elements=[copies.c.sid],
        set_={
            "ready_at": case(
                (new.ready_at < copies.c.ready_at, new.ready_at), else_=copies.c.ready_at
            ),
            "outbox_id": func.coalesce(copies.c.outbox_id, new.outbox_id),
        },
        where=copies.c.redacted_at.is_(None),
    )
    return upserted


def reschedule_copy(session: Session, sid: str, ready_at: datetime) -> None:
    """Delete the provider's copy of ``sid`` from ``ready_at`` on, earlier or later than
    planned (a routed call is deleted once it is over, however long it lasted)."""
    copy = session.get(ProviderCopy, sid)
    if copy is None:
        session.add(ProviderCopy(sid=sid, ready_at=ready_at, attempts=0))
    elif copy.redacted_at is None:
        copy.ready_at = ready_at


def sent_copy(session: Session, message_id: int, sid: str | None, now: datetime) -> None:
    """After a send, plan the deletion of the provider's copy even if no callback comes."""
    if sid:
        keep_copy_for_redaction(session, sid, now + REDACT_WITHOUT_CALLBACK, message_id)


def redact_copies(
    database: Database,
    sender: Sender,
    clock: Clock,
    limit: int = 20,
    ctx: FlowContext | None = None,
) -> int:
    """Delete provider copies that are due; the network call runs outside any transaction.

    A copy sent to a number with a send still in flight or uncertain waits: the look-up
    that settles that send reads the provider's copies, and deleting one could make it
    send twice. A copy still there after MAX_REDACT_ATTEMPTS is given up on, and (with
    ``ctx``) the coordinators are told how many could not be deleted. Returns how many
    were deleted.
    """
    now = clock.now()
    with database.session_scope() as session:
        due = list(session.scalars(_due_copies(now, limit)))
    outcomes = [_redact_one(database, sender, clock, sid) for sid in due]
    given_up = outcomes.count(GAVE_UP)
    if given_up and ctx is not None:
        with database.session_scope() as session:
            alerts.raise_alert(session, ctx, "redaction_failed", given_up)
    return outcomes.count(DELETED)


DELETED, LATER, GAVE_UP = "deleted", "later", "gave_up"


def _redact_one(database: Database, sender: Sender, clock: Clock, sid: str) -> str:
    """One deletion attempt for ``sid``: DELETED, LATER (backed off) or GAVE_UP."""
    gone = sender.redact(sid)
    with database.session_scope() as session:
        copy = session.get(ProviderCopy, sid)
        if copy is None:
            return LATER
        copy.attempts += 1
        if gone:
            copy.redacted_at = clock.now()
            return DELETED
        if copy.attempts >= MAX_REDACT_ATTEMPTS:
            copy.redacted_at = clock.now()
            log.error("provider.redact_gave_up attempts=%s", copy.attempts)
            return GAVE_UP
        copy.ready_at = clock.now() + outbox.backoff(copy.attempts + 4)
        return LATER


def _due_copies(now: datetime, limit: int) -> Select[str]:
    """Sids of copies due for deletion, except those to a number with an unsettled send."""
    unsettled = select(OutboxMessage.to_number).where(
        (OutboxMessage.state == OutboxState.SENDING)
        | (
            (OutboxMessage.state == OutboxState.PENDING)
            & (OutboxMessage.provider_status == "uncertain")
        )
    )
    sent_for = aliased(OutboxMessage)
    return (
        select(ProviderCopy.sid)
        .outerjoin(sent_for, sent_for.id == ProviderCopy.outbox_id)
        .where(
            ProviderCopy.redacted_at.is_(None),
            ProviderCopy.ready_at <= now,
            (sent_for.id.is_(None)) | sent_for.to_number.not_in(unsettled),
        )
        .order_by(ProviderCopy.ready_at)
        .limit(limit)
    )


def purge(session: Session, cutoff: datetime) -> None:
    """Forget redacted copies recorded up to ``cutoff``."""
    session.execute(delete(ProviderCopy).where(ProviderCopy.redacted_at <= cutoff))
