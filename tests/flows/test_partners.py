"""Partners on a night of the demo coalition: pledges that run out, nights of a room, the
partner's address for the officer and the advocate, ride requirements, and the ledger.

config/demo.toml: both hotels are paged at once (Harborview Inn pledges 4 room-nights a
month, Lakeshore Suites 6); Gus Tran drives this week (Volunteer drivers: car seat, no
pledge), then everyone on the rides roster (Hana Wolfe, and Ivo Marsh of Marsh Accessible
Rides: car seat and wheelchair, 4 rides a month). Coordinators: Kim Moss, Lou Baptiste.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from dispatcher.cli.rosters import DEMO_FILE
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import Need, Request
from dispatcher.rosters.models import Partner, PartnerMonth
from dispatcher.settings import Settings
from tests.night import ANA, KIM, OFFICER, World, load_coalition

HARBORVIEW, LAKESHORE = "+12625550121", "+12625550122"
GUS, HANA, IVO = "+12625550131", "+12625550132", "+12625550133"
CHICAGO = ZoneInfo("America/Chicago")
MARCH = date(2026, 3, 1)


def demo_night(database: Database, settings: Settings, clock: ManualClock) -> World:
    """The demo coalition at 02:05 on Tue 10 March, Chicago time."""
    load_coalition(database, DEMO_FILE.read_text())
    clock.set(datetime(2026, 3, 10, 2, 5, tzinfo=CHICAGO))
    return World(database, settings, clock)


def open_request(world: World, words: str) -> str:
    """The officer texts ``words``; the engine pages; the new request's code."""
    world.text(OFFICER, words)
    world.tick()
    return latest_code(world)


def latest_code(world: World) -> str:
    """The code of the newest request."""
    with world.session() as session:
        return session.scalars(sa.select(Request.code).order_by(Request.id.desc())).first() or ""


def close(world: World, code: str) -> None:
    """The officer closes ``code``."""
    world.text(OFFICER, f"DONE {code}")
    world.tick()


def ledger(world: World, partner: str) -> PartnerMonth:
    """The partner's March row."""
    with world.session() as session:
        partner_id = session.scalars(sa.select(Partner.id).where(Partner.name == partner)).one()
        row = session.get_one(PartnerMonth, (partner_id, MARCH))
        session.expunge(row)
        return row


def test_a_room_for_three_nights_counts_three_and_tells_where(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    code = open_request(world, "need an advocate and a hotel room")
    world.text(ANA, f"1 {code}")
    world.text(HARBORVIEW, f"1 {code} 3")
    world.tick()
    told = "gives the room for 3 nights. Address: 1200 Harbor Rd, Racine"
    assert told in world.last(OFFICER)
    assert told in world.last(ANA)
    assert code in world.last(LAKESHORE) and "Harbor Rd" not in world.last(LAKESHORE)
    row = ledger(world, "Harborview Inn")
    assert (row.pledged, row.used, row.accepted, row.declined, row.unanswered) == (4, 3, 1, 0, 0)
    assert ledger(world, "Lakeshore Suites").unanswered == 1
    assert not any("Harborview" in text for text in world.inbox(KIM))  # 75%: no notice


def test_a_pledge_running_out_mid_night_is_skipped_and_the_coordinators_told_once(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    first = open_request(world, "need a hotel room")
    world.text(HARBORVIEW, f"1 {first} 4")
    world.tick()
    notices = [t for t in world.inbox(KIM) if "Harborview Inn has given" in t]
    assert notices == [
        "Harborview Inn has given 4 room-nights of 4 pledged this month. "
        "It is skipped when paging until next month."
    ]
    close(world, first)
    world.advance(minutes=30)
    harborview_before = len(world.inbox(HARBORVIEW))
    second = open_request(world, "need a hotel room again")
    assert second != first and second in world.last(LAKESHORE)
    assert len(world.inbox(HARBORVIEW)) == harborview_before  # used up: not paged
    world.text(LAKESHORE, f"1 {second} 5")
    world.tick()
    assert [t for t in world.inbox(KIM) if "Lakeshore Suites has given" in t] == [
        "Lakeshore Suites has given 5 room-nights of 6 pledged this month (80%)."
    ]
    assert [t for t in world.inbox(KIM) if "Harborview Inn has given" in t] == notices


def test_a_pledge_is_whole_again_next_month(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    first = open_request(world, "need a hotel room")
    world.text(HARBORVIEW, f"1 {first} 4")
    close(world, first)
    clock.set(datetime(2026, 4, 1, 0, 30, tzinfo=CHICAGO))
    second = open_request(world, "need a hotel room")
    assert second in world.last(HARBORVIEW)


def test_a_ride_with_a_car_seat_goes_to_the_driver_who_has_one(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    world.text(OFFICER, "juvenile, needs an advocate")
    reply = world.text(OFFICER, "RIDE carseat")
    code = latest_code(world)
    assert reply == f"{code}: the ride needs a car seat. Only those who have it are paged."
    world.tick()
    assert code in world.last(GUS)
    with world.session() as session:
        need = session.scalars(sa.select(Need).where(Need.kind == "ride")).one()
        assert need.requires == ["carseat"]


def test_a_wheelchair_passes_over_drivers_without_one(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    """Gus is on call but has no wheelchair access; the "all" step finds only Ivo."""
    world = demo_night(database, settings, clock)
    code = open_request(world, "need an advocate and a ride")
    assert code in world.last(GUS)
    reply = world.text(OFFICER, f"RIDE {code} wheelchair")
    assert reply == f"{code}: the ride needs wheelchair access. Only those who have it are paged."
    world.tick()  # Gus's page is withdrawn: the next step runs at once
    assert code in world.last(IVO)
    assert world.inbox(HANA) == []
    late = world.text(GUS, f"1 {code}")
    assert late is not None and "Ivo" not in late
    world.text(IVO, f"1 {code}")
    world.tick()
    assert "Ivo" in world.last(OFFICER)
    with world.session() as session:
        need = session.scalars(sa.select(Need).where(Need.kind == "ride")).one()
        assert need.accepted_by_id is not None and need.requires == ["wheelchair"]
    marsh = ledger(world, "Marsh Accessible Rides")
    assert (marsh.used, marsh.accepted) == (1, 1)


def test_a_need_that_went_unfilled_counts_its_partners_unanswered(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    open_request(world, "need a hotel room")
    world.advance(minutes=10)
    world.advance(minutes=10)
    assert ledger(world, "Harborview Inn").unanswered == 1
    assert ledger(world, "Lakeshore Suites").unanswered == 1
