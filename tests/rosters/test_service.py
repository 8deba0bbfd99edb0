"""The roster services on a real database: on call, shifts, escalation candidates, on now.

The week of Monday 9 March 2026 in Chicago (CDT, UTC-5, since the 8th). Nights (20:00-08:00
every day) rotate daily Ana, Ben, Cruz from Fri 6 March: Ana has the night of Mon 9, Ben
Tue 10, Cruz Wed 11. Days (08:00-20:00 on weekdays) rotate daily Dee, Eli from Mon 2
March: Eli has Mon 9, Dee Tue 10. Gus replaces Ana from 22:00 to 02:00 that Monday night;
Fay is added from 12:00 to 14:00 on Tuesday.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import NotFound, ValidationError
from dispatcher.rosters.file import apply_roster_file, load_roster_file
from dispatcher.rosters.models import Person, Rotation
from dispatcher.rosters.rotation import Window
from dispatcher.rosters.schedule import local_to_utc
from dispatcher.rosters.service import (
    escalation_candidates,
    get_roster,
    is_available,
    roster_specs,
    rosters_of_kind,
    set_on_now,
    shifts,
    who_is_on_call,
)

CHICAGO = ZoneInfo("America/Chicago")
NAMES = ["Ana Ruiz", "Ben Okafor", "Cruz Lee", "Dee Park", "Eli Hart", "Fay Moreno", "Gus Tran"]
PEOPLE = "".join(
    f'[[people]]\nname = "{name}"\nphone = "262-555-01{i:02d}"\n\n'
    for i, name in enumerate(NAMES, 1)
)
ROSTER = (
    PEOPLE
    + """
[[people]]
name = "Kim Moss"
phone = "262-555-0120"
coordinator = true

[[people]]
name = "Lou Baptiste"
phone = "262-555-0121"
coordinator = true

[[rosters]]
name = "advocates"
kind = "advocate"
timezone = "America/Chicago"

[[rosters.rotations]]
name = "nights"
type = "daily"
start = "2026-03-06T20:00"
participants = ["Ana Ruiz", "Ben Okafor", "Cruz Lee"]
windows = [{ from = "20:00", to = "08:00" }]

[[rosters.rotations]]
name = "days"
type = "daily"
start = "2026-03-02T08:00"
participants = ["Dee Park", "Eli Hart"]
windows = [{ days = ["mon", "tue", "wed", "thu", "fri"], from = "08:00", to = "20:00" }]

[[rosters.overrides]]
action = "replace"
person = "Gus Tran"
replaces = "Ana Ruiz"
from = "2026-03-09T22:00"
to = "2026-03-10T02:00"

[[rosters.overrides]]
action = "add"
person = "Fay Moreno"
from = "2026-03-10T12:00"
to = "2026-03-10T14:00"
"""
)


def at(wall: str) -> datetime:
    """The instant of a Chicago wall time like ``2026-03-10T13:00``."""
    return local_to_utc(datetime.fromisoformat(wall), CHICAGO)


def person(session: Session, name: str) -> Person:
    """The stored person called ``name``."""
    return session.scalars(select(Person).where(Person.name == name)).one()


def names(people: list[Person]) -> list[str]:
    """The names, in the order given."""
    return [p.name for p in people]


@pytest.fixture
def roster_session(session: Session) -> Session:
    """A session on a database holding the advocates roster described above."""
    apply_roster_file(session, load_roster_file(ROSTER))
    session.commit()
    return session


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        ("2026-03-08T03:00", ["Ben Okafor"]),  # the first instant after the spring gap
        ("2026-03-09T12:00", ["Eli Hart"]),
        ("2026-03-09T20:00", ["Ana Ruiz"]),  # days closes as nights opens
        ("2026-03-09T23:00", ["Gus Tran"]),  # replacing Ana
        ("2026-03-10T03:00", ["Ana Ruiz"]),
        ("2026-03-10T07:59", ["Ana Ruiz"]),
        ("2026-03-10T08:00", ["Dee Park"]),
        ("2026-03-10T13:00", ["Dee Park", "Fay Moreno"]),  # Fay added, sorted by name
        ("2026-03-10T20:00", ["Ben Okafor"]),
        ("2026-03-14T12:00", []),  # a Saturday afternoon: nobody
    ],
)
def test_who_is_on_call(roster_session: Session, wall: str, expected: list[str]) -> None:
    roster = get_roster(roster_session, "advocates")
    assert names(who_is_on_call(roster_session, roster, at(wall))) == expected


def test_shifts_are_whole_periods_sorted_by_start_then_name(roster_session: Session) -> None:
    roster = get_roster(roster_session, "advocates")
    found = shifts(roster_session, roster, at("2026-03-09T12:00"), at("2026-03-10T21:00"))
    lines = [
        (
            s.start.astimezone(CHICAGO).strftime("%d %H:%M"),
            s.end.astimezone(CHICAGO).strftime("%d %H:%M"),
            p.name,
        )
        for s, p in found
    ]
    assert lines == [
        ("09 08:00", "09 20:00", "Eli Hart"),
        ("09 20:00", "09 22:00", "Ana Ruiz"),
        ("09 22:00", "10 02:00", "Gus Tran"),
        ("10 02:00", "10 08:00", "Ana Ruiz"),
        ("10 08:00", "10 20:00", "Dee Park"),
        ("10 12:00", "10 14:00", "Fay Moreno"),
        ("10 20:00", "11 08:00", "Ben Okafor"),
    ]
    assert all(shift.person_id == p.id for shift, p in found)


def test_a_person_in_two_overlapping_rotations_gets_one_shift(session: Session) -> None:
    text = (
        PEOPLE
        + """
[[rosters]]
name = "solo"
kind = "ride"
timezone = "America/Chicago"

[[rosters.rotations]]
name = "mornings"
type = "weekly"
start = "2026-03-02T00:00"
participants = ["Ana Ruiz"]
windows = [{ from = "08:00", to = "14:00" }]

[[rosters.rotations]]
name = "afternoons"
type = "weekly"
start = "2026-03-02T00:00"
participants = ["Ana Ruiz"]
windows = [{ from = "12:00", to = "18:00" }]
"""
    )
    apply_roster_file(session, load_roster_file(text))
    found = shifts(
        session, get_roster(session, "solo"), at("2026-03-10T09:00"), at("2026-03-10T10:00")
    )
    assert [(s.start, s.end) for s, _ in found] == [
        (at("2026-03-10T08:00"), at("2026-03-10T18:00"))
    ]


def test_escalation_candidates_are_available_people_only(roster_session: Session) -> None:
    session = roster_session
    person(session, "Ben Okafor").active = False
    person(session, "Cruz Lee").opted_out = True  # texted STOP: still paged, by a call
    person(session, "Dee Park").away_until = at("2026-03-10T15:00")  # on call, but away
    person(session, "Eli Hart").away_until = at("2026-03-10T12:00")  # back already
    person(session, "Lou Baptiste").away_until = at("2026-03-11T00:00")
    found = escalation_candidates(session, get_roster(session, "advocates"), at("2026-03-10T13:00"))
    assert names(found.on_call) == ["Fay Moreno"]
    assert [names(line) for line in found.next] == [["Eli Hart"]]  # after Dee, on days
    assert names(found.everyone) == ["Ana Ruiz", "Cruz Lee", "Eli Hart", "Gus Tran", "Fay Moreno"]
    assert names(found.coordinators) == ["Kim Moss"]
    night = escalation_candidates(session, get_roster(session, "advocates"), at("2026-03-10T21:00"))
    assert names(night.on_call) == []  # Ben's night, but he is inactive
    assert [names(line) for line in night.next] == [["Cruz Lee", "Ana Ruiz"]]  # Cruz is called


@pytest.mark.parametrize(
    ("when", "on_call", "following"),
    [
        ("2026-03-10T21:00", ["Ben Okafor"], [["Cruz Lee", "Ana Ruiz"]]),  # days are off duty
        ("2026-03-10T13:00", ["Dee Park", "Fay Moreno"], [["Eli Hart"]]),  # nights are off
        ("2026-03-09T23:00", ["Gus Tran"], [["Ben Okafor", "Cruz Lee"]]),  # Gus stands in
        ("2026-03-10T07:59", ["Ana Ruiz"], [["Ben Okafor", "Cruz Lee"]]),
    ],
)
def test_next_follows_only_the_rotations_on_duty(
    roster_session: Session, when: str, on_call: list[str], following: list[list[str]]
) -> None:
    """Each rotation on duty gives the participants after its holder, in order."""
    found = escalation_candidates(roster_session, get_roster(roster_session, "advocates"), at(when))
    assert names(found.on_call) == on_call
    assert [names(line) for line in found.next] == following
    assert names(found.everyone)[:5] == [
        "Ana Ruiz",
        "Ben Okafor",
        "Cruz Lee",
        "Dee Park",
        "Eli Hart",
    ]
    assert names(found.coordinators) == ["Kim Moss", "Lou Baptiste"]


@pytest.mark.parametrize(
    ("active", "opted_out", "away_until", "expected"),
    [
        (True, False, None, True),
        (False, False, None, False),
        (True, True, None, True),  # texted STOP: paged by a call
        (True, False, "2026-03-10T13:01", False),
        (True, False, "2026-03-10T13:00", True),  # back at that very instant
        (True, False, "2026-03-09T00:00", True),
    ],
)
def test_is_available(
    active: bool, opted_out: bool, away_until: str | None, expected: bool
) -> None:
    someone = Person(
        name="X",
        phone="+12625550199",
        active=active,
        opted_out=opted_out,
        away_until=at(away_until) if away_until else None,
    )
    assert is_available(someone, at("2026-03-10T13:00")) is expected


def test_set_on_now_continues_the_order_from_that_person(roster_session: Session) -> None:
    session = roster_session
    roster = get_roster(session, "advocates")
    nights = session.scalars(select(Rotation).where(Rotation.name == "nights")).one()
    set_on_now(session, nights, person(session, "Cruz Lee"), at("2026-03-10T03:00"))
    assert names(who_is_on_call(session, roster, at("2026-03-10T02:30"))) == ["Ana Ruiz"]
    assert names(who_is_on_call(session, roster, at("2026-03-10T03:00"))) == ["Cruz Lee"]
    assert names(who_is_on_call(session, roster, at("2026-03-10T21:00"))) == ["Ana Ruiz"]
    assert names(who_is_on_call(session, roster, at("2026-03-11T21:00"))) == ["Ben Okafor"]


def test_set_on_now_refuses_a_stranger(roster_session: Session) -> None:
    nights = roster_session.scalars(select(Rotation).where(Rotation.name == "nights")).one()
    with pytest.raises(ValidationError, match="Kim Moss is not a participant of rotation nights"):
        set_on_now(
            roster_session, nights, person(roster_session, "Kim Moss"), at("2026-03-10T03:00")
        )


def test_roster_specs_carry_the_stored_rules(roster_session: Session) -> None:
    rotations, overrides = roster_specs(roster_session, get_roster(roster_session, "advocates"))
    ids = {name: person(roster_session, name).id for name in NAMES}
    assert [r.participants for r in rotations] == [
        (ids["Ana Ruiz"], ids["Ben Okafor"], ids["Cruz Lee"]),
        (ids["Dee Park"], ids["Eli Hart"]),
    ]
    assert rotations[1].windows == (Window(frozenset(range(5)), time(8), time(20)),)
    assert rotations[0].start == datetime(2026, 3, 6, 20, 0)
    assert [(o.action, o.person_id, o.replaces_id) for o in overrides] == [
        ("replace", ids["Gus Tran"], ids["Ana Ruiz"]),
        ("add", ids["Fay Moreno"], None),
    ]


def test_rosters_by_name_and_kind(roster_session: Session) -> None:
    assert get_roster(roster_session, "advocates").kind == "advocate"
    assert [r.name for r in rosters_of_kind(roster_session, "advocate")] == ["advocates"]
    assert rosters_of_kind(roster_session, "hotel") == []
    with pytest.raises(NotFound, match=r"no roster named 'hotels' \(rosters: advocates\)"):
        get_roster(roster_session, "hotels")
