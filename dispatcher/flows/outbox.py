"""The durable outbox: every outgoing SMS is a row written with the decision behind it.

``enqueue`` seals the message's parameters; ``claim_due`` leases rows to a sender in a short
transaction; the network call happens outside any transaction; ``record_result`` writes
what happened. Nothing here talks to the network itself.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dispatcher import metrics
from dispatcher.crypto import Sealer
from dispatcher.flows import measures
from dispatcher.flows.models import OutboxMessage
from dispatcher.flows.ports import UNREACHABLE_ERRORS, SendResult

log = logging.getLogger("dispatcher.outbox")

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(seconds=60)
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


@dataclass(frozen=True)
class Outgoing:
    """A leased message, opened for sending: ``text`` exists only in memory."""

    id: int
    to: str
    template: str
    params: dict[str, Any]
    created_at: datetime
    uncertain: bool  # an earlier attempt may have reached the provider


def enqueue(
    session: Session,
    sealer: Sealer,
    now: datetime,
    to: str,
    template: str,
    params: dict[str, Any],
    *,
    person_id: int | None = None,
    officer_id: int | None = None,
    page_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; its parameters are sealed before they touch the disk."""
    message = OutboxMessage(
        to_number=to,
        person_id=person_id,
        officer_id=officer_id,
        page_id=page_id,
        template=template,
        body=sealer.seal(json.dumps(params, sort_keys=True)),
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message


def claim_due(session: Session, sealer: Sealer, now: datetime, limit: int = 20) -> list[Outgoing]:
    """Lease due messages (pending, or sending with an expired lease) to this sender.

    The caller commits right after, before any network call. Uses SKIP LOCKED on
    PostgreSQL so several workers share the work without sending twice.
    """
    query = (
        select(OutboxMessage)
        .where(
            or_(
                (OutboxMessage.state == "pending") & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.state == "sending") & (OutboxMessage.lease_until <= now),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    leased = []
    for message in session.scalars(query):
        uncertain = message.state == "sending" or message.provider_status == "uncertain"
        message.state = "sending"
        message.lease_until = now + LEASE
        message.attempts += 1
        params = json.loads(sealer.open(message.body)) if message.body else {}
        leased.append(
            Outgoing(
                message.id,
                message.to_number,
                message.template,
                params,
                message.created_at,
                uncertain,
            )
        )
    return leased


@dataclass(frozen=True)
class Delivery:
    """What ``record_result`` concluded, for the flows to act on."""

    message: OutboxMessage
    unreachable: bool  # the person cannot be reached by SMS: escalation moves on
    opted_out: bool  # provider error 21610: they texted STOP


def record_result(
    session: Session, message_id: int, result: SendResult, now: datetime, max_attempts: int
) -> Delivery | None:
    """Write the outcome of one attempt: sent (body blanked), retry later, or failed."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.state != "sending":
        return None
    message.lease_until = None
    if result.accepted:
        message.state = "sent"
        message.provider_sid = result.sid
        message.provider_status = result.status or "queued"
        message.sent_at = now
        message.body = None  # the provider has it; we keep nothing
        if message.page_id is not None:
            measures.page_sent(session, message, now)
        log.info(
            "outbox.sent id=%s template=%s attempt=%s",
            message.id,
            message.template,
            message.attempts,
        )
        return Delivery(message, unreachable=False, opted_out=False)
    if result.retryable and message.attempts < max_attempts:
        message.state = "pending"
        message.provider_status = "uncertain" if result.uncertain else None
        message.next_attempt_at = now + backoff(message.attempts)
        log.warning(
            "outbox.retry id=%s attempt=%s code=%s uncertain=%s",
            message.id,
            message.attempts,
            result.error_code,
            result.uncertain,
        )
        return None
    return fail(message, result.error_code, now)


def fail(message: OutboxMessage, error_code: int | None, now: datetime) -> Delivery:
    """Give up on a message: blank it and say whether its person is unreachable."""
    message.state = "failed"
    message.error_code = error_code
    message.body = None
    message.lease_until = None
    if message.page_id is not None:
        metrics.page_failed()
    log.warning("outbox.failed id=%s template=%s code=%s", message.id, message.template, error_code)
    return Delivery(message, unreachable=True, opted_out=error_code == 21610)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff: 1 s, 2 s, 4 s ... capped at a minute."""
    return min(timedelta(seconds=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def advance_status(
    message: OutboxMessage, status: str, error_code: int | None, now: datetime
) -> Delivery | None:
    """Apply a provider status callback; statuses never move backwards.

    Returns a Delivery when the message ended undelivered for a reason that makes the
    person unreachable.
    """
    current = STATUS_ORDER.get(message.provider_status or "", -1)
    if STATUS_ORDER.get(status, -1) <= current and message.provider_status in FINAL_STATUSES:
        return None
    if STATUS_ORDER.get(status, -1) < current:
        return None
    message.provider_status = status
    if status in FINAL_STATUSES:
        message.state = "delivered" if status == "delivered" else "undelivered"
        message.error_code = error_code
        if status != "delivered" and error_code in UNREACHABLE_ERRORS:
            return Delivery(message, unreachable=True, opted_out=error_code == 21610)
    return None
