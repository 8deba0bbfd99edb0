"""Telling people that a coordinator's change moved their time on call (through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext
from dispatcher.rosters.handover import OnCallChange
from dispatcher.rosters.models import Roster

TEMPLATE = "on_call_changed"
# A text names at most this many periods gained and as many lost (a day holds few).
MOST_SPANS = 3


def tell_on_call_changes(
    session: Session, ctx: FlowContext, roster: Roster, changes: Sequence[OnCallChange]
) -> int:
    """Queue one text to each active person in ``changes``; return how many were queued.

    People who texted STOP are left out (``notify.to_person``), and so are inactive ones.
    """
    told = 0
    for change in changes:
        if not change.person.active or change.person.opted_out:
            continue
        params = {
            "roster": roster.name,
            "zone": roster.timezone,
            "at": ctx.now.isoformat(),
            "on": [[a.isoformat(), b.isoformat()] for a, b in change.on[:MOST_SPANS]],
            "off": [[a.isoformat(), b.isoformat()] for a, b in change.off[:MOST_SPANS]],
        }
        notify.to_person(session, ctx, change.person, TEMPLATE, params)
        told += 1
    return told
