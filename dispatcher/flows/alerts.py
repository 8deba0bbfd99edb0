"""Operational alerts to the coordinators: one text per kind of trouble, not one per event.

A message that cannot be sent, a text that cannot be processed, an engine that keeps
failing: each is counted in an ``alerts`` row keyed by its kind, and the coordinators are
texted at most once per ``REPEAT_AFTER`` for that kind. Alerts never carry message content,
numbers or names of victims: only what kind of trouble, how often, and where to look.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows import notify, texts
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Alert

log = logging.getLogger("dispatcher.alerts")

# A kind of trouble that goes on is texted again after this long, with the running count.
REPEAT_AFTER = timedelta(hours=1)
# What the coordinators are told for each kind (rendered by sms.messages, template "alert").
KINDS = frozenset(
    {
        "message_failed",  # an outbox message could not be opened, rendered or sent
        "text_unprocessed",  # an inbound webhook raised; the sender got a safe answer
        "engine_failing",  # ticks fail repeatedly
        "message_stuck",  # a due message or step is late
        "redaction_failed",  # provider copies could not be deleted
    }
)


def raise_alert(session: Session, ctx: FlowContext, kind: str, count: int = 1) -> bool:
    """Count ``count`` occurrences of ``kind``; text the coordinators if due. True if texted.

    Raises ValueError for an unknown kind. The caller owns the transaction; run it in a
    transaction of its own when the trouble may have spoiled the caller's.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    alert = session.scalars(select(Alert).where(Alert.kind == kind).with_for_update()).first()
    if alert is None:
        alert = Alert(kind=kind, count=0, unreported=0, first_at=ctx.now, last_at=ctx.now)
        session.add(alert)
    alert.count += count
    alert.unreported += count
    alert.last_at = ctx.now
    log.warning("alert.raised kind=%s count=%s", kind, alert.count)
    if alert.reported_at is not None and ctx.now - alert.reported_at < REPEAT_AFTER:
        return False
    told = notify.to_coordinators(session, ctx, texts.Alert(kind=kind, count=alert.unreported))
    alert.reported_at = ctx.now
    alert.unreported = 0
    log.warning("alert.reported kind=%s coordinators=%s", kind, told)
    return True


def open_alerts(session: Session) -> list[Alert]:
    """Every kind of trouble seen so far, most recent first (for the admin pages)."""
    return list(session.scalars(select(Alert).order_by(Alert.last_at.desc())))
