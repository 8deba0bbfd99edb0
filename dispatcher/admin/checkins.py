"""What the Now board shows of the safety check-ins running now: who, on which request,
what is last known and when the next one is due. Times and states only, never a place or
a word; no phone numbers (the coordinators' alert texts carry those).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows.checkins import last_known
from dispatcher.flows.models import CheckIn, Need, Request
from dispatcher.flows.vocabulary import CHECKING_IN, NeedState, RequestStatus
from dispatcher.rosters.models import Person

LAST_KNOWN_LABELS = {
    "accepted": "accepted, not yet arrived",
    "arrived": "arrived",
    "checked_in": "checked in",
}


@dataclass(frozen=True)
class CheckInRow:
    """One running check-in as the board shows it."""

    code: str
    name: str
    kind: str
    state: str  # started | arrived | reminded | overdue
    last_known: str
    last_at: datetime
    due_at: datetime | None
    count: int
    alarms: int

    @property
    def late(self) -> bool:
        """True once the person was reminded or the coordinators told."""
        return self.state in ("reminded", "overdue")


def running_checkins(session: Session) -> list[CheckInRow]:
    """Every check-in still running on an open request, the most urgent first (one query)."""
    query = (
        select(CheckIn, Request.code, Need.kind, Person.name)
        .join(Need, CheckIn.need_id == Need.id)
        .join(Request, Need.request_id == Request.id)
        .join(Person, CheckIn.person_id == Person.id)
        .where(
            CheckIn.state.in_(CHECKING_IN),
            Need.state == NeedState.ACCEPTED,
            Request.status == RequestStatus.OPEN,
        )
        .order_by(CheckIn.state.desc(), CheckIn.due_at, CheckIn.id)
    )
    rows = [
        CheckInRow(
            code=code,
            name=name,
            kind=kind,
            state=checkin.state,
            last_known=LAST_KNOWN_LABELS[last_known(checkin)],
            last_at=checkin.last_at,
            due_at=checkin.due_at,
            count=checkin.count,
            alarms=checkin.alarms,
        )
        for checkin, code, kind, name in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (not r.late, r.due_at or r.last_at))
