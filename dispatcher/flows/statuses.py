"""What the provider says about our messages after the send: statuses and late callbacks.

Status callbacks move an outbox row forward (never backwards), tell the flows when a page
ended undelivered for a reason that is the person's, and settle a send that timed out
while the provider kept the message. ``status_callback`` applies one callback; the rules on
the row itself (``advance_status``, ``settle_uncertain``) are pure functions of the row.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache

from sqlalchemy import Insert, bindparam, delete, select
from sqlalchemy.orm import Session

from dispatcher.db import dialect_of, dialect_upsert, table_of
from dispatcher.flows import members, outbox, paging, voicepages
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import OutboxMessage, Page, StatusEvent
from dispatcher.flows.outbox import Delivery
from dispatcher.flows.ports import OPTED_OUT_ERROR, UNREACHABLE_ERRORS
from dispatcher.flows.redaction import keep_copy_for_redaction
from dispatcher.flows.vocabulary import OutboxState, PageState
from dispatcher.rosters.models import Person

log = logging.getLogger("dispatcher.outbox")

# Provider statuses in the order a message moves through them; never move backwards.
STATUS_ORDER = {
    "accepted": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
}
FINAL_STATUSES = frozenset({"delivered", "undelivered", "failed", "canceled"})
SETTLED_STATES = frozenset({"sent", "delivered", "undelivered"})


def settle_uncertain(message: OutboxMessage, part: int, sid: str, now: datetime) -> bool:
    """A status callback names part ``part`` of an uncertain send: the provider has it.

    Counts the part as sent so it is never sent again (the next claim sends any later
    parts, or just records the message as sent). True when it settled something.
    """
    if message.state != OutboxState.PENDING or message.provider_status != "uncertain":
        return False
    if message.parts_sent != part - 1:
        return False
    message.parts_sent = part
    message.provider_sid = sid
    message.provider_status = "queued"
    message.next_attempt_at = now
    log.info("outbox.settled_by_callback id=%s part=%s", message.id, part)
    return True


def advance_status(
    message: OutboxMessage, status: str, error_code: int | None, now: datetime
) -> Delivery | None:
    """Apply a provider status callback; statuses never move backwards.

    Returns a Delivery when the message ended undelivered for a reason that makes the
    person unreachable.
    """
    if message.state not in SETTLED_STATES:
        return None  # a part of a message still being sent: its row is not final yet
    current = STATUS_ORDER.get(message.provider_status or "", -1)
    if STATUS_ORDER.get(status, -1) <= current and message.provider_status in FINAL_STATUSES:
        return None
    if STATUS_ORDER.get(status, -1) < current:
        return None
    message.provider_status = status
    if status in FINAL_STATUSES:
        message.state = OutboxState.DELIVERED if status == "delivered" else OutboxState.UNDELIVERED
        message.error_code = error_code
        if status != "delivered" and error_code in UNREACHABLE_ERRORS:
            return Delivery(message, unreachable=True, opted_out=error_code == OPTED_OUT_ERROR)
    return None


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
    seen = {"message_sid": sid, "status": status, "received_at": ctx.now}
    if session.execute(_seen(dialect_of(session)), seen).first() is None:
        return  # a repeat (one INSERT: concurrent repeats cannot both pass)
    message = session.scalars(MESSAGE_BY_SID, {"sid": sid}).first()
    if message is None and outbox_id is not None:
        message = session.get(OutboxMessage, outbox_id)
        if message is not None and settle_uncertain(message, part, sid, ctx.now):
            ctx.kick()
    if status in FINAL_STATUSES:
        keep_copy_for_redaction(session, sid, ctx.now, outbox_id)  # a reply or a message
    if message is None or message.provider_sid != sid:
        return
    delivery = advance_status(message, status, error_code, ctx.now)
    if delivery is not None:
        person_unreachable(session, ctx, delivery)


# Built once: every message gets two or three status callbacks.
MESSAGE_BY_SID = select(OutboxMessage).where(OutboxMessage.provider_sid == bindparam("sid"))


@cache
def _seen(dialect: str) -> Insert:
    """The INSERT that records a (sid, status) pair once, built once per dialect (Core)."""
    events = table_of(StatusEvent)
    statement: Insert = (
        dialect_upsert(dialect, events).on_conflict_do_nothing().returning(events.c.id)
    )
    return statement


def page_unsent(session: Session, ctx: FlowContext, message: OutboxMessage) -> None:
    """A page could not be sent (the service's or the provider's fault): escalation moves
    on, and the person is not held to it (they may be paged again)."""
    if message.page_id is not None:
        page = session.get(Page, message.page_id)
        if page is not None and page.state == PageState.OPEN:
            paging.page_answered(session, ctx, page, PageState.UNSENT)


def person_unreachable(session: Session, ctx: FlowContext, delivery: outbox.Delivery) -> None:
    """A message could not reach its person: their page counts as unanswered, unless the
    page is placed as a call instead (a landline, or STOP); 21610 opts out."""
    message = delivery.message
    person = session.get(Person, message.person_id) if message.person_id else None
    if message.page_id is not None and not voicepages.call_instead(session, ctx, message):
        page = session.get(Page, message.page_id)
        if page is not None and page.state == PageState.OPEN:
            paging.page_answered(session, ctx, page, PageState.FAILED)
    if person is not None and delivery.opted_out:
        members.opt_out(session, ctx, person, "carrier opt-out (21610)")


def purge(session: Session, cutoff: datetime) -> None:
    """Forget which (sid, status) callbacks were applied recorded up to ``cutoff``."""
    session.execute(delete(StatusEvent).where(StatusEvent.received_at <= cutoff))
