"""The call log: what is kept of a request after it closes, and nothing more."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dispatcher.flows.models import CallLogEntry, Incident


def hour_of(when: datetime) -> datetime:
    """Round an instant down to the hour (UTC)."""
    return when.replace(minute=0, second=0, microsecond=0)


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole seconds from ``start`` to ``end``, or None when either is missing."""
    if start is None or end is None:
        return None
    return int((end - start).total_seconds())


def log_closed(session: Session, incident: Incident, now: datetime) -> CallLogEntry:
    """Write the call log entry of a closing incident (reference code, hours, durations)."""
    needs = incident.needs
    first_paged = min((n.first_paged_at for n in needs if n.first_paged_at), default=None)
    accepted = sorted((n for n in needs if n.accepted_at), key=lambda n: n.accepted_at or now)
    advocate = next((n for n in needs if n.kind == "advocate"), None)
    first_accept = accepted[0].accepted_at if accepted else None
    entry = CallLogEntry(
        code=incident.code,
        opened_hour=hour_of(incident.opened_at),
        accepted_hour=hour_of(first_accept) if first_accept else None,
        closed_hour=hour_of(now),
        seconds_to_first_page=seconds_between(incident.opened_at, first_paged),
        seconds_to_accept=seconds_between(incident.opened_at, first_accept),
        seconds_open=seconds_between(incident.opened_at, now) or 0,
        agency_id=incident.agency_id,
        channel=incident.channel,
        needs=[
            {
                "kind": n.kind,
                "outcome": need_outcome(n.state, n.accepted_by_id),
                "depth": n.depth,
                "member_id": n.accepted_by_id,
                "seconds_to_accept": seconds_between(incident.opened_at, n.accepted_at),
            }
            for n in needs
        ],
        tags=list(incident.tags),
        depth=max((n.depth for n in needs), default=0),
        accepted_member_id=advocate.accepted_by_id if advocate else None,
        outcome=incident.outcome or "expired",
    )
    session.add(entry)
    return entry


def need_outcome(state: str, accepted_by: int | None) -> str:
    """How a need ended: accepted, unfilled, or cancelled (closed before anyone accepted)."""
    if accepted_by is not None:
        return "accepted"
    return "unfilled" if state == "unfilled" else "cancelled"
