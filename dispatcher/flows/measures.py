"""What the flows report to ``dispatcher.metrics``: pages sent and failed, time to accept.

Kept apart so the sending path calls one function per event and stays readable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher import metrics
from dispatcher.flows.models import Need, OutboxMessage, Page


def page_sent(session: Session, message: OutboxMessage, now: datetime) -> None:
    """Count a page the provider accepted; its need's first one also times the wait."""
    page = session.get(Page, message.page_id)
    if page is None:
        metrics.page_sent(None)
        return
    earlier = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .join(Page, OutboxMessage.page_id == Page.id)
        .where(
            Page.need_id == page.need_id,
            OutboxMessage.sent_at.is_not(None),
            OutboxMessage.id != message.id,
        )
    )
    first = not earlier
    opened = page.need.request.opened_at
    metrics.page_sent((now - opened).total_seconds() if first else None)


def need_accepted(need: Need, now: datetime) -> None:
    """Time a need's acceptance from its request's opening."""
    metrics.accepted((now - need.request.opened_at).total_seconds())
