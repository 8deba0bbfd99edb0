"""Drills on the simulator: bring the next escalation deadline forward.

A trainer should not wait five real minutes for the backup to be paged. The engine's
deadlines are the needs' ``next_action_at`` in the database; "skip the wait" moves the
earliest one still ahead to ``now`` and the engine's next tick applies that step exactly as
it would have at the deadline (claimed, idempotent, the next deadline set from then on).
The service's clock is never moved: every other time (the request's age, the call log's
durations) stays true, so the call log of a drill shows the wait as it really was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows.models import Need
from dispatcher.flows.vocabulary import NeedState

log = logging.getLogger("dispatcher.flows.drills")


@dataclass(frozen=True)
class Skipped:
    """What "skip the wait" moved: how many needs, and by how much (zero when none)."""

    needs: int
    skipped: timedelta


def skip_to_next_deadline(session: Session, now: datetime) -> Skipped:
    """Bring the earliest escalation deadline after ``now`` forward to ``now``.

    Every paging need that shares that earliest deadline moves; later ones keep theirs, so
    each skip runs one step. A deadline already due is left for the engine (nothing moves).
    The caller commits and then wakes the engine.
    """
    due = (Need.state == NeedState.PAGING, Need.next_action_at.is_not(None))
    earliest = session.scalar(
        select(Need.next_action_at).where(*due).order_by(Need.next_action_at).limit(1)
    )
    if earliest is None or earliest <= now:
        return Skipped(0, timedelta(0))
    needs = list(
        session.scalars(select(Need).where(*due, Need.next_action_at == earliest).with_for_update())
    )
    for need in needs:
        need.next_action_at = now
        log.info("drill.skipped need=%s seconds=%d", need.id, (earliest - now).total_seconds())
    session.flush()
    return Skipped(len(needs), earliest - now)
