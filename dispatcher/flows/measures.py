"""What the flows report to ``dispatcher.metrics``: pages sent and failed, time to accept.

Kept apart so the sending path calls one function per event and stays readable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from dispatcher import metrics
from dispatcher.flows.models import Need, OutboxMessage, Page, Request


def page_sent(session: Session, message: OutboxMessage, now: datetime) -> None:
    """Count a page the provider accepted; its need's first one also times the wait.

    One query reads the request's opening and how many of the need's pages were sent
    before this one.
    """
    earlier_page = aliased(Page)
    earlier = (
        select(func.count())
        .select_from(OutboxMessage)
        .join(earlier_page, OutboxMessage.page_id == earlier_page.id)
        .where(
            earlier_page.need_id == Page.need_id,
            OutboxMessage.sent_at.is_not(None),
            OutboxMessage.id != message.id,
        )
        .scalar_subquery()
    )
    found = session.execute(
        select(Request.opened_at, earlier, Request.drill)
        .select_from(Page)
        .join(Need, Page.need_id == Need.id)
        .join(Request, Need.request_id == Request.id)
        .where(Page.id == message.page_id)
    ).first()
    if found is None:
        metrics.page_sent(None)
        return
    opened, sent_before, drill = found
    timed = not sent_before and not drill  # a drill's wait is its own (``flows.drills``)
    metrics.page_sent((now - opened).total_seconds() if timed else None)


def need_accepted(need: Need, now: datetime) -> None:
    """Time a need's acceptance from its request's opening."""
    metrics.accepted((now - need.request.opened_at).total_seconds())
