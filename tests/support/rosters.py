"""Rosters the admin and browser tests write into the database directly (no roster file).

``new_person``: a person without languages or skills. ``daily_roster``: a daily advocates
roster in Chicago whose first handoff is Mon 9 Mar 2026 08:00 (``FIRST_HANDOFF``), its
people taking turns in the order given: with Ana and Ben, Ana is on call from the 9th at
08:00, Ben from the 10th, Ana again from the 11th, ... ``lettered_rotation``: a rotation
saved through ``rosters.changes`` whose people are named A, B, C, ...
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dispatcher.rosters import changes
from dispatcher.rosters.models import Person, Roster, Rotation, RotationParticipant

FIRST_HANDOFF = datetime(2026, 3, 9, 8)  # local wall time, America/Chicago


def new_person(name: str, phone: str, **fields: Any) -> Person:
    """A person with no languages or skills beyond ``fields`` (not yet added)."""
    return Person(name=name, phone=phone, **{"languages": [], "skills": [], **fields})


def daily_roster(session: Session, *people: Person, name: str = "Advocates") -> Roster:
    """The daily roster called ``name`` with ``people`` on its one rotation, in turn; added
    with them and flushed (ids set)."""
    roster = Roster(name=name, kind="advocate", timezone="America/Chicago")
    rotation = Rotation(name="days", type="daily", length=1, start=FIRST_HANDOFF)
    rotation.participants = [
        RotationParticipant(person=someone, position=place) for place, someone in enumerate(people)
    ]
    roster.rotations.append(rotation)
    session.add_all([*people, roster])
    session.flush()
    return roster


def lettered_rotation(
    session: Session, name: str, kind: str, start: datetime, people: str, others: str = ""
) -> Rotation:
    """A rotation ``name`` (``kind``: daily, weekly, ...; length 1; first handoff ``start``,
    local) on a new "Advocates" roster in Chicago, saved through ``rosters.changes`` as a
    coordinator would: its participants, in order, are people named by the letters of
    ``people`` (A has +12625550101, B +12625550102, ...); those of ``others`` are people
    off the rotation."""
    roster = changes.save_roster(session, None, "Advocates", "advocate", "America/Chicago")
    rotation = changes.save_rotation(session, roster, None, (name, kind, 1, start))
    for letter in people + others:
        someone = new_person(letter, f"+1262555010{ord(letter) - ord('A') + 1}")
        session.add(someone)
        if letter in people:
            changes.add_participant(session, rotation, someone)
    return rotation
