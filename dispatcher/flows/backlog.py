"""How far behind the engine is, read from the database: the outbox and due steps.

Used by /readyz and /metrics (at request time, so every web process tells the same) and by
the engine's housekeeping, which alerts the coordinators when something is stuck.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dispatcher.flows.models import Need, OutboxMessage
from dispatcher.flows.vocabulary import NeedState, OutboxState

# A due message or escalation step this late means paging is stuck.
STUCK_AFTER = timedelta(seconds=60)
ZERO = timedelta(0)


@dataclass(frozen=True)
class Backlog:
    """Unsent messages, how late the oldest due one is, how late the oldest due step is."""

    depth: int
    lag: timedelta
    overdue: timedelta

    @property
    def stuck(self) -> bool:
        """True when a due message or step is more than STUCK_AFTER late."""
        return max(self.lag, self.overdue) > STUCK_AFTER


def measure(session: Session, now: datetime) -> Backlog:
    """The backlog at ``now`` (aware UTC); lateness is zero when nothing is due."""
    unsent = OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENDING))
    depth = session.scalar(select(func.count()).select_from(OutboxMessage).where(unsent))
    due = or_(
        (OutboxMessage.state == OutboxState.PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.state == OutboxState.SENDING) & (OutboxMessage.lease_until <= now),
    )
    oldest_message = session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(due))
    oldest_step = session.scalar(
        select(func.min(Need.next_action_at)).where(
            Need.state == NeedState.PAGING, Need.next_action_at <= now
        )
    )
    return Backlog(int(depth or 0), _late(oldest_message, now), _late(oldest_step, now))


def _late(due_at: datetime | None, now: datetime) -> timedelta:
    """How long ago ``due_at`` was (zero for None or the future)."""
    return max(now - due_at, ZERO) if due_at is not None else ZERO
