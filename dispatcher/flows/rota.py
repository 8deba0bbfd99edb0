"""Telling people that a coordinator's change moved their time on call (through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext
from dispatcher.flows.oncall_texts import OnCallChanged, Span
from dispatcher.rosters.handover import OnCallChange
from dispatcher.rosters.models import Roster

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
        text = OnCallChanged(
            roster=roster.name,
            zone=roster.timezone,
            at=ctx.now.isoformat(),
            on=_spans(change.on),
            off=_spans(change.off),
        )
        notify.to_person(session, ctx, change.person, text)
        told += 1
    return told


def _spans(found: Sequence[tuple[datetime, datetime]]) -> tuple[Span, ...]:
    """The first MOST_SPANS periods as Spans."""
    return tuple(Span(a.isoformat(), b.isoformat()) for a, b in found[:MOST_SPANS])
