"""When a rotation edit takes effect: from the next handoff (the default), or from now.

Reordering, adding or removing participants and changing a rotation's grid (type, length,
first handoff) keep whoever holds the current shift on until it ends; the new order
follows from them. "From now" applies the edit as it stands, at once, and the page
shows who goes on and off call first (``on_call_change``).

Services take the session first, may flush and never commit. Instants are aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from dispatcher.clock import as_utc
from dispatcher.rosters.models import Override, Person, Roster, Rotation, RotationParticipant
from dispatcher.rosters.rotation import RotationSpec, Shift, on_call_periods, shift_at
from dispatcher.rosters.service import roster_specs, rotation_spec

T = TypeVar("T")
# Whom a coordinator's change concerns: people whose on-call time changes this far ahead.
NOTICE_AHEAD = timedelta(hours=24)


@dataclass(frozen=True)
class Kept:
    """``person`` stays on call for the rotation until ``until`` (the next handoff)."""

    person: Person
    until: datetime


def edit_rotation(
    session: Session,
    roster: Roster,
    rotation: Rotation,
    edit: Callable[[], T],
    at: datetime,
    *,
    from_now: bool = False,
) -> Kept | None:
    """Apply ``edit`` to ``rotation``; unless ``from_now``, keep whoever is on at ``at``.

    Returns who was kept on, and until when (None when nobody needed keeping, the new
    order having the same person on now, or ``from_now``). Whatever ``edit`` raises passes through.
    """
    zone = ZoneInfo(roster.timezone)
    before = rotation_spec(rotation, zone)
    edit()
    session.flush()
    if from_now:
        return None
    return keep_whoever_is_on(session, roster, rotation, before, as_utc(at))


def keep_whoever_is_on(
    session: Session, roster: Roster, rotation: Rotation, before: RotationSpec, at: datetime
) -> Kept | None:
    """Keep the holder of ``before``'s shift at ``at`` on until that shift ends.

    A holder who is still a participant is set on now (the order continues from them);
    one who was taken out replaces, until the shift ends, whoever the new order has on,
    and the order then continues from the participant who followed them.
    """
    current = shift_at(before, at)
    if current is None or not rotation.participants:
        return None
    standing = shift_at(rotation_spec(rotation, ZoneInfo(roster.timezone)), at)
    if standing is not None and standing.person_id == current.person_id:
        return None  # the new order has them on now, and continues from them already
    places = [i for i, p in enumerate(rotation.participants) if p.person_id == current.person_id]
    person = session.get(Person, current.person_id)
    if person is None:
        return None
    if places:
        rotation.on_now_at, rotation.on_now_index = at, places[0]
        session.flush()
        after = shift_at(rotation_spec(rotation, ZoneInfo(roster.timezone)), at)
        return Kept(person, after.end if after else current.end)
    rotation.on_now_at = current.end
    rotation.on_now_index = _follower(before, at, rotation)
    session.flush()
    standing = shift_at(rotation_spec(rotation, ZoneInfo(roster.timezone)), at)
    if standing is not None and current.end > at:
        cover = Override(
            action="replace",
            person=person,
            replaces_id=standing.person_id,
            starts_at=at,
            ends_at=current.end,
        )
        roster.overrides.append(cover)
        session.flush()
    return Kept(person, current.end)


def _follower(before: RotationSpec, at: datetime, rotation: Rotation) -> int:
    """The place in the new order of the participant who followed the holder at ``at``."""
    remaining = [p.person_id for p in rotation.participants]
    order = list(before.participants)
    holder = shift_at(before, at)
    start = order.index(holder.person_id) if holder else 0
    for step in range(1, len(order) + 1):
        candidate = order[(start + step) % len(order)]
        if candidate in remaining:
            return remaining.index(candidate)
    return 0


@dataclass(frozen=True)
class OnCallChange:
    """One person's on-call time that a change adds (``on``) or takes away (``off``)."""

    person: Person
    on: tuple[tuple[datetime, datetime], ...]
    off: tuple[tuple[datetime, datetime], ...]


def upcoming_periods(session: Session, roster: Roster, at: datetime) -> list[Shift]:
    """Who is on call within [at, at + NOTICE_AHEAD), computed, cut at ``at`` only."""
    rotations, overrides = roster_specs(session, roster)
    return [
        Shift(max(p.start, at), p.end, p.person_id)
        for p in on_call_periods(rotations, overrides, at, at + NOTICE_AHEAD)
    ]


def on_call_change(session: Session, before: list[Shift], after: list[Shift]) -> list[OnCallChange]:
    """Per person, the time on call in ``after`` but not ``before`` and the reverse, by name.

    Both lists are ``upcoming_periods`` of the same roster at the same instant.
    """
    people = {p.person_id for p in (*before, *after)}
    found = []
    for person_id in people:
        mine_before = [(p.start, p.end) for p in before if p.person_id == person_id]
        mine_after = [(p.start, p.end) for p in after if p.person_id == person_id]
        on, off = _minus(mine_after, mine_before), _minus(mine_before, mine_after)
        person = session.get(Person, person_id)
        if person is not None and (on or off):
            found.append(OnCallChange(person, tuple(on), tuple(off)))
    return sorted(found, key=lambda c: (c.person.name, c.person.id))


def _minus(
    spans: list[tuple[datetime, datetime]], taken: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of sorted ``spans`` outside every span of ``taken``."""
    left: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        pieces = [(start, end)]
        for a, b in taken:
            pieces = [
                piece
                for s, e in pieces
                for piece in ((s, min(e, a)), (max(s, b), e))
                if piece[1] > piece[0]
            ]
        left += pieces
    return sorted(left)


def people_to_offer(session: Session, roster: Roster, rotation: Rotation) -> list[Row[int, str]]:
    """The ``id`` and ``name`` of each active person who may join ``rotation``, by name
    (the columns only: a statewide picker offers hundreds).

    People have no kind of their own: someone who takes part only in rotations of rosters
    of another kind (a hotel's desk on the hotel roster) is not offered for an advocate
    roster; someone on no rotation yet is offered everywhere. Nobody already holding a
    place in ``rotation`` is offered again.
    """
    kinds: dict[int, set[str]] = {}
    memberships = session.execute(
        select(RotationParticipant.person_id, Roster.kind)
        .join(Rotation, Rotation.id == RotationParticipant.rotation_id)
        .join(Roster, Roster.id == Rotation.roster_id)
    )
    for person_id, kind in memberships:
        kinds.setdefault(person_id, set()).add(kind)
    taken = {p.person_id for p in rotation.participants}
    query = (
        select(Person.id, Person.name)
        .where(Person.active.is_(True))
        .order_by(Person.name, Person.id)
    )
    return [
        p
        for p in session.execute(query)
        if p.id not in taken and (p.id not in kinds or roster.kind in kinds[p.id])
    ]
