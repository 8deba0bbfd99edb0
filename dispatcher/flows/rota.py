"""Telling people that a coordinator's change moved their time on call (through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext
from dispatcher.flows.oncall_texts import OnCallChanged, Span
from dispatcher.rosters.handover import (
    OnCallChange,
    on_call_change,
    upcoming_periods,
)
from dispatcher.rosters.models import Roster
from dispatcher.rosters.rotation import Shift

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


def upcoming_by_roster(session: Session, at: datetime) -> dict[int, list[Shift]]:
    """Every roster's ``upcoming_periods`` at ``at``, by roster id (before a change)."""
    rosters = session.scalars(select(Roster).order_by(Roster.id))
    return {roster.id: upcoming_periods(session, roster, at) for roster in rosters}


def tell_what_moved(session: Session, ctx: FlowContext, before: dict[int, list[Shift]]) -> int:
    """Text everyone whose next 24 hours on call moved on any roster since ``before``.

    ``before`` is ``upcoming_by_roster`` at ``ctx.now``, taken before the change; a roster
    created since counts as empty before. Returns how many texts were queued.
    """
    told = 0
    for roster in session.scalars(select(Roster).order_by(Roster.id)):
        after = upcoming_periods(session, roster, ctx.now)
        moved = on_call_change(session, before.get(roster.id, []), after)
        told += tell_on_call_changes(session, ctx, roster, moved)
    return told
