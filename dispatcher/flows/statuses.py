"""What the provider says about our messages after the send: statuses and late callbacks.

Status callbacks move an outbox row forward (never backwards), tell the flows when a page
ended undelivered for a reason that is the person's, and settle a send that timed out
while the provider kept the message. Pure functions of the row: no I/O.
"""

from __future__ import annotations

import logging
from datetime import datetime

from dispatcher.flows.models import OutboxMessage
from dispatcher.flows.outbox import Delivery
from dispatcher.flows.ports import UNREACHABLE_ERRORS

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
    if message.state != "pending" or message.provider_status != "uncertain":
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
        message.state = "delivered" if status == "delivered" else "undelivered"
        message.error_code = error_code
        if status != "delivered" and error_code in UNREACHABLE_ERRORS:
            return Delivery(message, unreachable=True, opted_out=error_code == 21610)
    return None
