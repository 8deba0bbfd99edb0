"""Rotation edits take effect from the next handoff unless the coordinator says "from now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy.orm import Session

from dispatcher.rosters import changes
from dispatcher.rosters.handover import (
    edit_rotation,
    on_call_change,
    people_to_offer,
    upcoming_periods,
)
from dispatcher.rosters.models import Person, Rotation
from dispatcher.rosters.service import roster_specs, who_is_on_call
from tests.support.rosters import lettered_rotation

# Daily handoffs at 08:00 in Chicago (CST, UTC-6): 14:00 UTC from Monday 2 March.
FIRST = datetime(2026, 3, 2, 14, tzinfo=UTC)
DAY = timedelta(days=1)
AT = FIRST + timedelta(hours=2)  # A's shift


@pytest.fixture
def rotation(session: Session) -> Rotation:
    return lettered_rotation(session, "days", "daily", datetime(2026, 3, 2, 8), "ABC", others="D")


def on_call(session: Session, rotation: Rotation, *days: int) -> str:
    """Who is on call two hours into each of ``days`` (days after FIRST), as letters."""
    return "".join(
        "".join(p.name for p in who_is_on_call(session, rotation.roster, AT + d * DAY)) or "-"
        for d in days
    )


def place(rotation: Rotation, name: str) -> object:
    return next(p for p in rotation.participants if p.person.name == name)


def person(session: Session, name: str) -> Person:
    return next(p for p in session.query(Person) if p.name == name)


def test_a_reorder_keeps_whoever_is_on_until_the_next_handoff(
    session: Session, rotation: Rotation
) -> None:
    move = partial(changes.move_participant, session, rotation, place(rotation, "C"), -2)
    kept = edit_rotation(session, rotation.roster, rotation, move, AT)
    assert kept is not None and (kept.person.name, kept.until) == ("A", FIRST + DAY)
    assert on_call(session, rotation, 0, 1, 2, 3) == "ABCA"  # order CAB, from A


def test_a_reorder_from_now_changes_who_is_on_at_once(session: Session, rotation: Rotation) -> None:
    move = partial(changes.move_participant, session, rotation, place(rotation, "C"), -2)
    assert edit_rotation(session, rotation.roster, rotation, move, AT, from_now=True) is None
    assert on_call(session, rotation, 0, 1, 2) == "CAB"


def test_removing_whoever_is_on_keeps_them_until_the_handoff(
    session: Session, rotation: Rotation
) -> None:
    remove = partial(changes.remove_participant, session, rotation, place(rotation, "A"))
    kept = edit_rotation(session, rotation.roster, rotation, remove, AT)
    assert kept is not None and (kept.person.name, kept.until) == ("A", FIRST + DAY)
    assert on_call(session, rotation, 0, 1, 2, 3) == "ABCB"


def test_removing_someone_else_keeps_whoever_is_on(session: Session, rotation: Rotation) -> None:
    remove = partial(changes.remove_participant, session, rotation, place(rotation, "B"))
    edit_rotation(session, rotation.roster, rotation, remove, AT)
    assert on_call(session, rotation, 0, 1, 2) == "ACA"


def test_adding_someone_puts_them_at_the_end_after_the_shift(
    session: Session, rotation: Rotation
) -> None:
    add = partial(changes.add_participant, session, rotation, person(session, "D"))
    edit_rotation(session, rotation.roster, rotation, add, AT + DAY)  # B's shift
    assert on_call(session, rotation, 1, 2, 3, 4) == "BCDA"


def test_a_longer_shift_keeps_whoever_is_on_until_the_new_grids_handoff(
    session: Session, rotation: Rotation
) -> None:
    fields = ("days", "daily", 2, datetime(2026, 3, 2, 8))
    save = partial(changes.save_rotation, session, rotation.roster, rotation, fields)
    kept = edit_rotation(session, rotation.roster, rotation, save, AT + DAY)  # B's shift
    assert kept is not None and (kept.person.name, kept.until) == ("B", FIRST + 2 * DAY)
    assert on_call(session, rotation, 1, 2, 3, 4, 5) == "BCCAA"


def test_the_change_names_who_goes_on_and_off_call(session: Session, rotation: Rotation) -> None:
    roster = rotation.roster
    before = upcoming_periods(session, roster, AT)
    move = partial(changes.move_participant, session, rotation, place(rotation, "C"), -2)
    edit_rotation(session, roster, rotation, move, AT, from_now=True)
    found = on_call_change(session, before, upcoming_periods(session, roster, AT))
    assert [(c.person.name, c.on, c.off) for c in found] == [
        ("A", ((FIRST + DAY, FIRST + 2 * DAY),), ((AT, FIRST + DAY),)),
        ("B", (), ((FIRST + DAY, FIRST + 2 * DAY),)),
        ("C", ((AT, FIRST + DAY),), ()),
    ]


def test_a_kept_change_texts_only_whoever_moves_later(session: Session, rotation: Rotation) -> None:
    roster = rotation.roster
    before = upcoming_periods(session, roster, AT)
    move = partial(changes.move_participant, session, rotation, place(rotation, "B"), 1)
    edit_rotation(session, roster, rotation, move, AT)  # ACB from A: C follows A now
    found = on_call_change(session, before, upcoming_periods(session, roster, AT))
    assert [(c.person.name, bool(c.on), bool(c.off)) for c in found] == [
        ("B", False, True),
        ("C", True, False),
    ]


def test_pickers_offer_people_of_the_kind_not_in_the_rotation(
    session: Session, rotation: Rotation
) -> None:
    hotels = changes.save_roster(session, None, "Hotels", "hotel", "UTC")
    desk = changes.save_rotation(session, hotels, None, ("desk", "weekly", 1, datetime(2026, 3, 2)))
    clerk = Person(name="Clerk", phone="+12625550199", languages=[], skills=[])
    session.add(clerk)
    changes.add_participant(session, desk, clerk)
    assert [p.name for p in people_to_offer(session, rotation.roster, rotation)] == ["D"]
    offered = [p.name for p in people_to_offer(session, hotels, desk)]
    assert offered == ["D"]  # A, B and C take part only in an advocate rotation
    assert roster_specs(session, rotation.roster)[0]
