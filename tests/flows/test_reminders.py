"""Texts before and at the start of each shift, on both databases, with the clock moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import ShiftReminder
from dispatcher.rosters.file import load_roster_file
from dispatcher.rosters.models import Override, Person, Roster
from dispatcher.settings import Settings
from tests.night import ANA, BEN, CRUZ, OFFICER, REMINDERS_OFF, World, load_coalition
from tests.night import COALITION as QUIET

# The test coalition with everyone's reminders at the default (two hours before).
COALITION = QUIET.replace(REMINDERS_OFF, "")

BEN_ENTRY = 'name = "Ben Okafor"\nphone = "+12625550102"\n'
# At START (Tue 10 Mar 07:00 in Chicago) Ana's daily shift ends at 08:00 and Ben's begins.
BEN_REMINDER = (
    "You are on call for advocates today 08:00-Wed 11 Mar 08:00. Reply AWAY if you cannot."
)


@pytest.fixture
def world(database: Database, settings: Settings, clock: ManualClock) -> World:
    """The test coalition with reminders two hours before each shift."""
    return coalition(database, settings, clock, COALITION)


def coalition(database: Database, settings: Settings, clock: ManualClock, text: str) -> World:
    """A coalition with ``text`` as its roster file."""
    load_coalition(database, text)
    return World(database, settings, clock)


def reminders_to(world: World, number: str) -> list[str]:
    """The shift texts ``number`` received."""
    return [t for t in world.inbox(number) if t.startswith("You are on call")]


def rows(world: World) -> list[tuple[str, str, str, str | None]]:
    """(person, kind, state, reason) of every reminder row, by due time."""
    with world.session() as session:
        query = (
            select(Person.name, ShiftReminder.kind, ShiftReminder.state, ShiftReminder.reason)
            .join(Person, Person.id == ShiftReminder.person_id)
            .order_by(ShiftReminder.due_at, ShiftReminder.id)
        )
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def test_the_next_person_on_call_is_reminded_once(world: World) -> None:
    world.tick()
    world.tick()
    assert reminders_to(world, BEN) == [BEN_REMINDER]
    assert reminders_to(world, ANA) == []  # her shift is under way
    world.advance(minutes=60 * 20)  # Wed 03:00: Cruz's reminder (for 08:00) is due at 06:00
    assert reminders_to(world, CRUZ) == []
    world.advance(minutes=60 * 3)
    assert reminders_to(world, CRUZ) == [
        "You are on call for advocates today 08:00-Thu 12 Mar 08:00. Reply AWAY if you cannot."
    ]
    assert reminders_to(world, BEN) == [BEN_REMINDER]


def test_a_restart_loses_no_reminder_and_sends_none_twice(world: World) -> None:
    world.tick()
    world.clock.advance(timedelta(hours=23, minutes=30))  # down from Tue 07:00 to Wed 06:30
    world.engine = world.new_engine()
    world.tick()
    world.engine = world.new_engine()
    world.tick()
    assert len(reminders_to(world, CRUZ)) == 1  # late, never lost
    assert len(reminders_to(world, BEN)) == 1


def test_a_reminder_due_after_its_shift_began_is_skipped(world: World) -> None:
    world.advance(minutes=120)  # Tue 09:00: Cruz's row for Wed 08:00 is planned
    world.clock.advance(timedelta(hours=23, minutes=30))  # down until Wed 08:30
    world.tick()
    assert reminders_to(world, CRUZ) == []
    assert ("Cruz Lee", "before", "skipped", "late") in rows(world)


def test_the_lead_time_comes_from_the_person(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    text = COALITION.replace(BEN_ENTRY, BEN_ENTRY + "remind = 24\n").replace(
        'name = "Cruz Lee"\nphone = "+12625550103"\n',
        'name = "Cruz Lee"\nphone = "+12625550103"\nremind = "off"\n',
    )
    world = coalition(database, settings, clock, text)
    world.tick()
    world.advance(minutes=60 * 25)
    assert reminders_to(world, CRUZ) == []
    assert len(reminders_to(world, BEN)) == 1
    # Thu 08:00 is Ana's next shift (default two hours): due Thu 06:00.
    world.advance(minutes=60 * 22)
    assert reminders_to(world, ANA) == [
        "You are on call for advocates today 08:00-Fri 13 Mar 08:00. Reply AWAY if you cannot."
    ]


def test_stop_and_away_are_respected(world: World) -> None:
    world.text(CRUZ, "STOP")
    world.text(BEN, "AWAY 3d")
    world.tick()
    world.advance(minutes=60 * 24)
    assert reminders_to(world, BEN) == [] and reminders_to(world, CRUZ) == []
    assert {(name, reason) for name, _, state, reason in rows(world) if state == "skipped"} == {
        ("Ben Okafor", "away"),
        ("Cruz Lee", "stopped"),
    }


def test_an_away_that_ends_before_the_shift_does_not_stop_the_reminder(world: World) -> None:
    world.tick()
    world.text(CRUZ, "AWAY 8h")  # back Tue 15:00, long before Wed 08:00
    world.advance(minutes=60 * 23)
    assert len(reminders_to(world, CRUZ)) == 1


def test_someone_no_longer_on_call_is_not_reminded(world: World) -> None:
    world.advance(minutes=120)  # Cruz's reminder for Wed 08:00 is planned
    with world.session() as session:
        roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
        dee = session.scalars(select(Person).where(Person.name == "Dee Park")).one()
        cruz = session.scalars(select(Person).where(Person.name == "Cruz Lee")).one()
        start = datetime(2026, 3, 11, 13, tzinfo=UTC)
        session.add(
            Override(
                roster_id=roster.id,
                action="replace",
                person_id=dee.id,
                replaces_id=cruz.id,
                starts_at=start,
                ends_at=start + timedelta(days=1),
            )
        )
    world.advance(minutes=60 * 21)
    assert reminders_to(world, CRUZ) == []
    assert len(reminders_to(world, "+12625550104")) == 1  # Dee, who covers
    assert ("Cruz Lee", "before", "skipped", "moved") in rows(world)


def test_handoff_notice_names_the_requests_still_open(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    text = COALITION.replace('kind = "advocate"\n', 'kind = "advocate"\nhandoff_notice = true\n')
    world = coalition(database, settings, clock, text)
    world.tick()
    world.text(OFFICER, "Need an advocate at the station")
    world.tick()
    code = world.last(ANA).split("Ref ")[1][:4]
    world.advance(minutes=60)  # 08:00: Ben's shift begins
    handoff = [t for t in world.inbox(BEN) if "on call now" in t]
    assert handoff == [
        f"You are on call now for advocates until Wed 11 Mar 08:00. Still open: {code}."
    ]
    world.advance(minutes=1)
    assert len([t for t in world.inbox(BEN) if "on call now" in t]) == 1


def test_one_failing_reminder_does_not_stop_the_others(world: World) -> None:
    with world.session() as session:
        hotels = session.scalars(select(Roster).where(Roster.name == "hotels")).one()
        hotels.timezone = "Nowhere/Atlantis"  # its rotation maths raises
        ana = session.scalars(select(Person).where(Person.name == "Ana Ruiz")).one()
        start = world.clock.now() + timedelta(hours=1)
        session.add(
            ShiftReminder(
                person_id=ana.id,
                roster_id=hotels.id,
                kind="before",
                shift_start=start,
                shift_end=start + timedelta(hours=12),
                due_at=world.clock.now() - timedelta(minutes=1),
                state="pending",
            )
        )
    world.tick()
    assert reminders_to(world, BEN) == [BEN_REMINDER]
    assert ("Ana Ruiz", "before", "skipped", "failed") in rows(world)


@pytest.mark.parametrize("hours", [0, 25, -1, "2h", True])
def test_a_bad_remind_field_names_the_line(hours: object) -> None:
    value = f'"{hours}"' if isinstance(hours, str) else str(hours).lower()
    text = COALITION.replace(BEN_ENTRY, BEN_ENTRY + f"remind = {value}\n")
    errors = load_roster_file(text).errors
    assert len(errors) == 1 and ":11: " in errors[0] and "remind" in errors[0], errors
