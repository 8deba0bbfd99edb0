"""What the flows report to ``dispatcher.metrics``: pages sent and failed, time to accept.

Kept apart so the sending path calls one function per event and stays readable.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from dispatcher import metrics
from dispatcher.flows.models import Need, OutboxMessage, Page, Request


def page_sent(session: Session, message_id: int, page_id: int | None, now: datetime) -> None:
    """Count a page the provider accepted; its need's first one also times the wait.

    One query (built once) reads the request's opening and whether another of the need's
    pages was sent before this one.
    """
    found = session.execute(_first_page(), {"page_id": page_id, "message_id": message_id}).first()
    if found is None:
        metrics.page_sent(None)
        return
    opened, sent_before, drill = found
    timed = not sent_before and not drill  # a drill's wait is its own (``flows.drills``)
    metrics.page_sent((now - opened).total_seconds() if timed else None)


@cache
def _first_page() -> Select[datetime, bool, bool]:
    """``page_sent``'s query, with the page and the message as parameters."""
    earlier_page = aliased(Page)
    earlier = (
        select(OutboxMessage.id)
        .join(earlier_page, OutboxMessage.page_id == earlier_page.id)
        .where(
            earlier_page.need_id == Page.need_id,
            OutboxMessage.sent_at.is_not(None),
            OutboxMessage.id != bindparam("message_id"),
        )
        .exists()
    )
    return (
        select(Request.opened_at, earlier, Request.drill)
        .select_from(Page)
        .join(Need, Page.need_id == Need.id)
        .join(Request, Need.request_id == Request.id)
        .where(Page.id == bindparam("page_id"))
    )


def need_accepted(need: Need, now: datetime) -> None:
    """Time a need's acceptance from its request's opening."""
    metrics.accepted((now - need.request.opened_at).total_seconds())
