"""The call log: what is kept of a request after it closes, and nothing more.

Durations are kept only as one of five buckets (under 5, 5-15, 15-30, 30-60, over 60
minutes): exact seconds, added to the opening hour, would pin a call to within a minute.
The reference code is kept for CODE_KEPT after opening, so a coordinator can answer a
question about a recent call, then forgotten.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from dispatcher.flows.models import NEED_KINDS, CallLogEntry, Need, Request
from dispatcher.flows.vocabulary import NeedKind, NeedState, Outcome

# (key, label, upper bound in seconds, exclusive); the last bucket has no upper bound.
DURATION_BUCKETS: tuple[tuple[str, str, int | None], ...] = (
    ("0-5", "under 5 min", 5 * 60),
    ("5-15", "5-15 min", 15 * 60),
    ("15-30", "15-30 min", 30 * 60),
    ("30-60", "30-60 min", 60 * 60),
    ("60+", "over 60 min", None),
)
BUCKET_KEYS = tuple(key for key, _, _ in DURATION_BUCKETS)
BUCKET_LABELS = {key: label for key, label, _ in DURATION_BUCKETS}
CODE_KEPT = timedelta(days=30)


def hour_of(when: datetime) -> datetime:
    """Round an instant down to the hour (UTC)."""
    return when.replace(minute=0, second=0, microsecond=0)


def bucket_of_seconds(seconds: float) -> str:
    """The key of the duration bucket holding ``seconds`` (negative counts as zero)."""
    for key, _, upper in DURATION_BUCKETS:
        if upper is None or seconds < upper:
            return key
    raise AssertionError("the last bucket has no upper bound")


def bucket_between(start: datetime | None, end: datetime | None) -> str | None:
    """The bucket of the time from ``start`` to ``end``, or None when either is missing."""
    if start is None or end is None:
        return None
    return bucket_of_seconds((end - start).total_seconds())


def log_closed(session: Session, request: Request, now: datetime) -> CallLogEntry:
    """Write the call log entry of a closing request (code, hour, buckets, needs)."""
    needs = request.needs
    first_paged = min((n.first_paged_at for n in needs if n.first_paged_at), default=None)
    first_accept = min((n.accepted_at for n in needs if n.accepted_at), default=None)
    advocate = next((n for n in needs if n.kind == NeedKind.ADVOCATE), None)
    outcomes = {n.kind: need_outcome(n.state, n.accepted_by_id) for n in needs}
    entry = CallLogEntry(
        code=request.code,
        opened_hour=hour_of(request.opened_at),
        time_to_first_page=bucket_between(request.opened_at, first_paged),
        time_to_accept=bucket_between(request.opened_at, first_accept),
        time_open=bucket_between(request.opened_at, now) or BUCKET_KEYS[0],
        agency_id=request.agency_id,
        channel=request.channel,
        needs=[_logged_need(n, request.opened_at) for n in needs],
        tags=list(request.tags),
        depth=max((n.depth for n in needs), default=0),
        accepted_member_id=advocate.accepted_by_id if advocate else None,
        outcome=request.outcome or Outcome.EXPIRED,
        **{kind: outcomes.get(kind) for kind in NEED_KINDS},
    )
    session.add(entry)
    return entry


def _logged_need(need: Need, opened_at: datetime) -> dict[str, object]:
    """One need as the call log keeps it: kind, outcome, depth, who accepted, a bucket."""
    return {
        "kind": need.kind,
        "outcome": need_outcome(need.state, need.accepted_by_id),
        "depth": need.depth,
        "member_id": need.accepted_by_id,
        "time_to_accept": bucket_between(opened_at, need.accepted_at),
    }


def need_outcome(state: str, accepted_by: int | None) -> str:
    """How a need ended: accepted, unfilled, or cancelled (closed before anyone accepted)."""
    if accepted_by is not None:
        return NeedState.ACCEPTED
    return NeedState.UNFILLED if state == NeedState.UNFILLED else NeedState.CANCELLED


def forget_codes(session: Session, now: datetime) -> int:
    """Clear the reference code of entries opened more than CODE_KEPT before ``now``.

    Returns how many codes were forgotten. A forgotten code may later be given out again.
    """
    result = session.execute(
        update(CallLogEntry)
        .where(CallLogEntry.code.is_not(None), CallLogEntry.opened_hour < now - CODE_KEPT)
        .values(code=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
