"""Coverage gaps on both databases: the morning report, and AWAY that leaves a gap."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.gaps import find_gaps
from dispatcher.rosters import changes
from dispatcher.rosters.models import Override, Person
from dispatcher.settings import Settings
from tests.night import BEN, COALITION, KIM, LEE, World, load_coalition

# At START (Tue 10 Mar 07:00 in Chicago) the daily advocates rotation has Ana until 08:00,
# then Ben (Tue), Cruz (Wed), Ana (Thu), Ben (Fri), Cruz (Sat), Ana (Sun), Ben (Mon).
CRUZ_OFF_SATURDAY = """
[[rosters.overrides]]
action = "remove"
person = "Cruz Lee"
from = "2026-03-14T08:00"
to = "2026-03-14T20:00"
"""
REPORT = "advocates: Sat 08:00-20:00 uncovered"


def with_gap(
    database: Database, settings: Settings, clock: ManualClock, report_at: str = "07:00"
) -> World:
    """The coalition with nobody on advocates on Saturday 08:00-20:00; the morning report
    at ``report_at``."""
    text = COALITION.replace(
        "[rosters.escalation]", CRUZ_OFF_SATURDAY + "\n[rosters.escalation]", 1
    )
    load_coalition(database, text)
    return World(database, replace(settings, gap_report_at=report_at), clock)


def reports(world: World, number: str) -> list[str]:
    """The gap texts ``number`` received."""
    return [t for t in world.inbox(number) if "uncovered" in t]


def test_the_coordinators_get_one_gap_report_each_morning(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = with_gap(database, settings, clock)
    world.tick()  # 07:00: the report is due
    world.tick()
    assert reports(world, KIM) == [REPORT] and reports(world, LEE) == [REPORT]
    assert reports(world, BEN) == []
    world.engine = world.new_engine()  # a restart sends nothing twice
    world.advance(minutes=60 * 23 + 59)  # Wed 06:59
    assert len(reports(world, KIM)) == 1
    world.advance(minutes=1)  # Wed 07:00
    assert reports(world, KIM) == [REPORT, REPORT]


def test_no_report_when_everything_is_covered(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    load_coalition(database)
    world = World(database, replace(settings, gap_report_at="07:00"), clock)
    world.tick()
    world.advance(minutes=60 * 24)
    assert reports(world, KIM) == []


def test_the_report_can_be_turned_off(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = with_gap(database, settings, clock, report_at="off")
    world.tick()
    world.advance(minutes=60 * 24)
    assert reports(world, KIM) == []


def test_the_report_waits_for_its_hour(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = with_gap(database, settings, clock, report_at="09:30")
    world.advance(minutes=149)
    assert reports(world, KIM) == []
    world.advance(minutes=1)
    assert reports(world, KIM) == [REPORT]


def test_an_away_that_leaves_a_gap_tells_the_coordinators_at_once(world: World) -> None:
    world.tick()
    assert world.text(BEN, "AWAY 3d") is not None
    world.tick()
    assert reports(world, KIM) == [
        "Ben Okafor is away, which leaves gaps:\nadvocates: Tue 08:00-Wed 08:00 uncovered"
    ]


def test_an_away_that_leaves_no_gap_is_not_reported(world: World) -> None:
    world.tick()
    world.text(BEN, "AWAY 45m")  # back before his shift at 08:00
    world.text("+12625550104", "AWAY 3d")  # Dee is on no rotation
    world.tick()
    assert reports(world, KIM) == []


def test_a_stop_that_leaves_gaps_tells_the_coordinators_at_once(world: World) -> None:
    world.tick()
    world.text(BEN, "STOP")
    world.tick()
    [report] = reports(world, KIM)
    assert report.startswith("Ben Okafor can no longer be texted (STOP), which leaves gaps:\n")
    # Only Ben's own shifts of the coming week: Tue, Fri and Mon.
    assert report.endswith(
        "advocates: Tue 08:00-Wed 08:00, Fri 08:00-Sat 08:00, Mon 08:00-Tue 07:00 uncovered"
    )
    world.text(BEN, "START")
    world.text(BEN, "STOP")  # told again only because he stopped again
    world.tick()
    assert len(reports(world, KIM)) == 2


def test_a_stop_from_someone_on_no_rotation_is_not_reported(world: World) -> None:
    world.tick()
    world.text("+12625550104", "STOP")  # Dee is on no rotation
    world.tick()
    assert reports(world, KIM) == []


def test_a_roster_whose_schedule_cannot_be_read_hides_no_other_rosters_gaps(
    database: Database, settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    world = with_gap(database, settings, clock)
    with database.session_scope() as session:
        broken = changes.save_roster(session, None, "broken", "advocate", "America/Chicago")
        someone = session.scalars(select(Person).order_by(Person.id)).first()
        assert someone is not None
        session.execute(
            insert(Override).values(
                roster_id=broken.id, action="bogus", person_id=someone.id,
                starts_at=clock.now(), ends_at=clock.now() + timedelta(days=1),
            )
        )  # fmt: skip
    with database.session_scope() as session:
        found = find_gaps(session, clock.now())
    assert [roster.name for roster, _ in found] == ["advocates"]
    assert f"gaps.failed roster={broken.id} error=ValueError" in caplog.text
    world.tick()  # the morning report still goes out, for the roster that can be read
    assert reports(world, KIM) == [REPORT]
