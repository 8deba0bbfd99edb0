"""The call log: what is kept of a request after it closes, and nothing more.

Durations are kept only as one of five buckets (``flows.buckets``): exact seconds, added to
the opening hour, would pin a call to within a minute. The reference code is kept for
CODE_KEPT after opening, so a coordinator can answer a question about a recent call, then
forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from dispatcher.flows import checkins
from dispatcher.flows.buckets import BUCKET_KEYS as BUCKET_KEYS
from dispatcher.flows.buckets import BUCKET_LABELS as BUCKET_LABELS
from dispatcher.flows.buckets import DURATION_BUCKETS as DURATION_BUCKETS
from dispatcher.flows.buckets import bucket_between, hour_of
from dispatcher.flows.buckets import bucket_of_seconds as bucket_of_seconds
from dispatcher.flows.models import NEED_KINDS, CallLogEntry, Need, Request
from dispatcher.flows.policy import Policy, is_mutual_aid
from dispatcher.flows.vocabulary import NeedKind, NeedState, Outcome

CODE_KEPT = timedelta(days=30)


def log_closed(session: Session, request: Request, now: datetime) -> CallLogEntry:
    """Write the call log entry of a closing request (code, hour, buckets, needs)."""
    needs = request.needs
    first_paged = min((n.first_paged_at for n in needs if n.first_paged_at), default=None)
    first_accept = min((n.accepted_at for n in needs if n.accepted_at), default=None)
    advocate = next((n for n in needs if n.kind == NeedKind.ADVOCATE), None)
    outcomes = {n.kind: need_outcome(n.state, n.accepted_by_id) for n in needs}
    checkin_counts = [checkins.counts(n) for n in needs]
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
        checkins=sum(received for received, _ in checkin_counts),
        checkin_alerts=sum(alerts for _, alerts in checkin_counts),
        services=list(request.services or []),
        mutual_aid=sum(1 for n in needs if called_on_aid(n)),
        more_needs=more_needs_text(outcomes),
        **{kind: outcomes.get(kind) for kind in NEED_KINDS},
    )
    session.add(entry)
    return entry


def more_needs_text(outcomes: Mapping[str, str | None]) -> str | None:
    """The outcomes of needs beyond the built-in columns, ``"legal:unfilled sane:accepted"``
    (sorted by kind; None when there are none)."""
    more = sorted(f"{kind}:{out}" for kind, out in outcomes.items() if kind not in NEED_KINDS)
    return " ".join(more)[:240] or None


def read_more_needs(text: str | None) -> dict[str, str]:
    """``more_needs_text`` read back: outcome by kind."""
    pairs = (item.partition(":") for item in (text or "").split())
    return {kind: outcome for kind, _, outcome in pairs if kind and outcome}


def _logged_need(need: Need, opened_at: datetime) -> dict[str, object]:
    """One need as the call log keeps it: kind, outcome, depth, who accepted, a bucket."""
    return {
        "kind": need.kind,
        "outcome": need_outcome(need.state, need.accepted_by_id),
        "depth": need.depth,
        "member_id": need.accepted_by_id,
        "time_to_accept": bucket_between(opened_at, need.accepted_at),
    }


def called_on_aid(need: Need) -> bool:
    """True if the need paged someone through a mutual-aid step (another region's roster)."""
    policy = Policy.from_json(need.policy)
    return any(is_mutual_aid(policy, page.step_index) for page in need.pages)


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
