"""Edits of rotations and policies that must keep their invariants (no web involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.clock import ManualClock
from dispatcher.errors import Conflict, ValidationError
from dispatcher.rosters import changes
from dispatcher.rosters.models import Roster, Rotation
from dispatcher.rosters.service import set_on_now
from tests.support.rosters import lettered_rotation


@pytest.fixture
def rotation(session: Session) -> Rotation:
    return lettered_rotation(session, "nights", "weekly", datetime(2026, 3, 2, 8), "ABCD")


def names(rotation: Rotation) -> str:
    return "".join(p.person.name for p in rotation.participants)


def on_now(rotation: Rotation) -> str | None:
    if rotation.on_now_index is None:
        return None
    return rotation.participants[rotation.on_now_index].person.name


@pytest.mark.parametrize(
    ("moved", "step", "order"),
    [("A", 1, "BACD"), ("A", -1, "ABCD"), ("D", -2, "ADBC"), ("B", 5, "ACDB"), ("C", -9, "CABD")],
)
def test_moving_a_participant_keeps_whoever_is_on_now(
    session: Session, rotation: Rotation, clock: ManualClock, moved: str, step: int, order: str
) -> None:
    set_on_now(session, rotation, rotation.participants[2].person, clock.now())  # C
    place = next(p for p in rotation.participants if p.person.name == moved)
    changes.move_participant(session, rotation, place, step)
    assert names(rotation) == order
    assert [p.position for p in rotation.participants] == [0, 1, 2, 3]
    assert on_now(rotation) == "C"


@pytest.mark.parametrize(
    ("removed", "order", "now"),
    [("C", "ABD", "D"), ("A", "BCD", "C"), ("D", "ABC", "C")],
)
def test_removing_a_participant_hands_on_now_to_the_next(
    session: Session, rotation: Rotation, clock: ManualClock, removed: str, order: str, now: str
) -> None:
    set_on_now(session, rotation, rotation.participants[2].person, clock.now())  # C
    place = next(p for p in rotation.participants if p.person.name == removed)
    changes.remove_participant(session, rotation, place)
    assert names(rotation) == order and on_now(rotation) == now


def test_removing_everyone_forgets_on_now(
    session: Session, rotation: Rotation, clock: ManualClock
) -> None:
    set_on_now(session, rotation, rotation.participants[0].person, clock.now())
    for place in list(rotation.participants):
        changes.remove_participant(session, rotation, place)
    assert rotation.on_now_at is None and rotation.on_now_index is None


@pytest.mark.parametrize(
    ("name", "kind", "zone"),
    [("", "advocate", "UTC"), ("X", "boat", "UTC"), ("X", "advocate", "Mars/Olympus")],
)
def test_bad_rosters_are_refused(session: Session, name: str, kind: str, zone: str) -> None:
    with pytest.raises(ValidationError):
        changes.save_roster(session, None, name, kind, zone)


def test_names_are_unique(session: Session, rotation: Rotation) -> None:
    with pytest.raises(Conflict):
        changes.save_roster(session, None, "Advocates", "hotel", "UTC")
    with pytest.raises(Conflict):
        changes.save_rotation(
            session, rotation.roster, None, ("nights", "daily", 1, datetime(2026, 1, 1))
        )


def test_steps_move_and_renumber(session: Session, rotation: Rotation) -> None:
    roster: Roster = rotation.roster
    for notify in ("on-call", "next", "all"):
        changes.add_step(session, roster, notify, None, 300)
    changes.move_step(session, roster, roster.steps[2], -2)
    changes.remove_step(session, roster, roster.steps[1])
    assert [(s.notify, s.position) for s in roster.steps] == [("all", 0), ("next", 1)]
    with pytest.raises(ValidationError):
        changes.add_step(session, roster, "person", None, 300)


@pytest.mark.parametrize(
    ("action", "replaced", "hours", "message"),
    [
        ("replace", None, 2, "a replace needs the person replaced"),
        ("replace", "A", 2, "a replace needs the person replaced"),
        ("add", None, 0, "an override must end after it starts"),
        ("remove", None, -1, "an override must end after it starts"),
    ],
)
def test_overrides_that_cannot_apply_are_refused(
    session: Session,
    rotation: Rotation,
    clock: ManualClock,
    action: str,
    replaced: str | None,
    hours: int,
    message: str,
) -> None:
    people = {p.person.name: p.person for p in rotation.participants}
    period = (clock.now(), clock.now() + timedelta(hours=hours))
    with pytest.raises(ValidationError, match=message):
        changes.add_override(
            session, rotation.roster, action, (people["A"], people.get(replaced or "")), period
        )
    assert rotation.roster.overrides == []


def test_roster_edits_are_recorded_by_the_auditor(session: Session) -> None:
    auditor = Auditor("coord@coalition.test", datetime(2026, 3, 2, 12, tzinfo=UTC))
    roster = changes.create_roster(session, auditor, "Rides", "ride", "America/Chicago")
    changes.audited(session, auditor, roster, lambda: changes.set_repeat(session, roster, 2))
    with pytest.raises(ValidationError):
        changes.audited(session, auditor, roster, lambda: changes.set_repeat(session, roster, 99))
    changes.delete_roster(session, auditor, roster)
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity, e.actor, e.at) for e in entries] == [
        (action, "roster", auditor.actor, auditor.now) for action in ("create", "update", "delete")
    ]
    assert entries[1].old and entries[1].new
    assert (entries[1].old["escalation"]["repeat"], entries[1].new["escalation"]["repeat"]) == (
        0,
        2,
    )
    assert entries[2].old and entries[2].old["name"] == "Rides"
