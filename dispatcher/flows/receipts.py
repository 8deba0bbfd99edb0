"""What the provider tells us back: inbound deduplication, status callbacks, its copies.

Twilio keeps a copy of every message, inbound and outbound. Once a message is final we
delete Twilio's copy (``redact_copies``); only its sid was ever stored here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from dispatcher.clock import Clock
from dispatcher.db import Database, insert_ignoring_duplicates, rows_changed
from dispatcher.flows import outbox, paging, responses, statuses
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import InboundMessage, OutboxMessage, Page, ProviderCopy, StatusEvent
from dispatcher.flows.ports import Sender
from dispatcher.rosters.models import Person

log = logging.getLogger("dispatcher.receipts")
KEEP_RECEIPTS = timedelta(days=7)
# Delete a copy this long after sending if no final status ever arrives.
REDACT_WITHOUT_CALLBACK = timedelta(hours=1)
MAX_REDACT_ATTEMPTS = 20


def first_delivery(
    session: Session, sid: str, now: datetime, *, provider_copy: bool = True
) -> bool:
    """Record an inbound sid; False when Twilio already delivered it (drop the repeat).

    One ``INSERT ... ON CONFLICT DO NOTHING``: concurrent repeats cannot both pass. With
    ``provider_copy`` (messages; calls have no stored body) the provider's copy of the
    message is deleted later.
    """
    if not sid:
        return True  # nothing to deduplicate on (Twilio always sends one)
    statement = insert_ignoring_duplicates(session, InboundMessage).values(sid=sid, received_at=now)
    if not rows_changed(session.execute(statement)):
        return False
    if provider_copy:
        session.add(ProviderCopy(sid=sid, ready_at=now, attempts=0))
    return True


def keep_copy_for_redaction(
    session: Session, sid: str, ready_at: datetime, outbox_id: int | None = None
) -> None:
    """Remember to delete the provider's copy of message ``sid`` from ``ready_at`` on.

    ``outbox_id`` ties the copy to the outbox row it was sent for (see ``redact_copies``).
    """
    copy = session.get(ProviderCopy, sid)
    if copy is None:
        session.add(ProviderCopy(sid=sid, ready_at=ready_at, attempts=0, outbox_id=outbox_id))
    elif copy.redacted_at is None:
        copy.ready_at = min(copy.ready_at, ready_at)
        copy.outbox_id = copy.outbox_id or outbox_id


def status_callback(
    session: Session,
    ctx: FlowContext,
    sid: str,
    status: str,
    error_code: int | None,
    outbox_id: int | None = None,
    part: int = 1,
) -> None:
    """Apply a status callback once per (sid, status); statuses never move backwards.

    ``outbox_id`` and ``part`` come from the callback URL of messages sent through the
    API: a late callback for a send that timed out settles it, so it is never sent again.
    """
    if session.scalars(
        select(StatusEvent.id).where(StatusEvent.message_sid == sid, StatusEvent.status == status)
    ).first():
        return
    try:
        with session.begin_nested():
            session.add(StatusEvent(message_sid=sid, status=status, received_at=ctx.now))
    except IntegrityError:
        return
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.provider_sid == sid)
    ).first()
    if message is None and outbox_id is not None:
        message = session.get(OutboxMessage, outbox_id)
        if message is not None and statuses.settle_uncertain(message, part, sid, ctx.now):
            ctx.kick()
    if status in statuses.FINAL_STATUSES:
        keep_copy_for_redaction(session, sid, ctx.now, outbox_id)  # a reply or a message
    if message is None or message.provider_sid != sid:
        return
    delivery = statuses.advance_status(message, status, error_code, ctx.now)
    if delivery is not None:
        person_unreachable(session, ctx, delivery)


def page_unsent(session: Session, ctx: FlowContext, message: OutboxMessage) -> None:
    """A page could not be sent (the service's or the provider's fault): escalation moves
    on, and the person is not held to it (they may be paged again)."""
    if message.page_id is not None:
        page = session.get(Page, message.page_id)
        if page is not None and page.state == "open":
            paging.page_answered(session, ctx, page, "unsent")


def person_unreachable(session: Session, ctx: FlowContext, delivery: outbox.Delivery) -> None:
    """A message could not reach its person: their page counts as unanswered; 21610 opts out."""
    message = delivery.message
    person = session.get(Person, message.person_id) if message.person_id else None
    if message.page_id is not None:
        page = session.get(Page, message.page_id)
        if page is not None and page.state == "open":
            paging.page_answered(session, ctx, page, "failed")
    if person is not None and delivery.opted_out:
        responses.opt_out(session, ctx, person, "carrier opt-out (21610)")


def redact_copies(database: Database, sender: Sender, clock: Clock, limit: int = 20) -> int:
    """Delete provider copies that are due; the network call runs outside any transaction.

    A copy sent to a number with a send still in flight or uncertain waits: the look-up
    that settles that send reads the provider's copies, and deleting one could make it
    send twice.
    """
    now = clock.now()
    with database.session_scope() as session:
        due = list(session.scalars(_due_copies(now, limit)))
    done = 0
    for sid in due:
        gone = sender.redact(sid)
        with database.session_scope() as session:
            copy = session.get(ProviderCopy, sid)
            if copy is None:
                continue
            copy.attempts += 1
            if gone:
                copy.redacted_at = clock.now()
                done += 1
            elif copy.attempts >= MAX_REDACT_ATTEMPTS:
                copy.redacted_at = clock.now()
                log.error("provider.redact_gave_up attempts=%s", copy.attempts)
            else:
                copy.ready_at = clock.now() + outbox.backoff(copy.attempts + 4)
    return done


def _due_copies(now: datetime, limit: int) -> Select[str]:
    """Sids of copies due for deletion, except those to a number with an unsettled send."""
    unsettled = select(OutboxMessage.to_number).where(
        (OutboxMessage.state == "sending")
        | ((OutboxMessage.state == "pending") & (OutboxMessage.provider_status == "uncertain"))
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


def sent_copy(session: Session, message_id: int, sid: str | None, now: datetime) -> None:
    """After a send, plan the deletion of the provider's copy even if no callback comes."""
    if sid:
        keep_copy_for_redaction(session, sid, now + REDACT_WITHOUT_CALLBACK, message_id)


def purge_receipts(session: Session, now: datetime) -> None:
    """Forget deduplication records and redacted copies after KEEP_RECEIPTS."""
    cutoff = now - KEEP_RECEIPTS
    session.execute(delete(InboundMessage).where(InboundMessage.received_at <= cutoff))
    session.execute(delete(StatusEvent).where(StatusEvent.received_at <= cutoff))
    session.execute(delete(ProviderCopy).where(ProviderCopy.redacted_at <= cutoff))
