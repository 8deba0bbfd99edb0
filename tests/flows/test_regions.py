"""Regions and mutual aid on the demo coalition: each county's officers page their own
county's advocates, and Kenosha's policy calls on Racine's advocate when its own are spent.

config/demo.toml: Racine County's `advocates` have Ana on the night of Mon 9 March; Kenosha
County's `kenosha advocates` rotate Gia and Hal daily from Mon 5 January 08:00, so Mon 9
March 08:00 to Tue 08:00 is Hal's, and Gia is next. Kenosha's steps: on-call 5m, next 5m,
mutual-aid:Racine County 10m, coordinators 10m.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from dispatcher.cli.rosters import DEMO_FILE
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import CallLogEntry, Request
from dispatcher.settings import Settings
from tests.night import ANA, BEN, CRUZ, KIM, OFFICER, World, load_coalition

GIA, HAL = "+12625550107", "+12625550108"
DEPUTY = "+12625550152"  # Det. M. Ortiz, Kenosha County Sheriff's Office
CHICAGO = ZoneInfo("America/Chicago")


def demo_night(database: Database, settings: Settings, clock: ManualClock) -> World:
    """The demo coalition at 02:05 on Tue 10 March, Chicago time."""
    load_coalition(database, DEMO_FILE.read_text())
    clock.set(datetime(2026, 3, 10, 2, 5, tzinfo=CHICAGO))
    return World(database, settings, clock)


def request_from(world: World, number: str) -> str:
    """``number`` texts for an advocate; the engine pages; return the request's code."""
    world.text(number, "Need an advocate at the station")
    world.tick()
    with world.session() as session:
        return session.scalars(sa.select(Request.code).order_by(Request.id.desc())).first() or ""


def test_a_kenosha_deputys_request_pages_only_kenoshas_roster(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    code = request_from(world, DEPUTY)
    assert code in world.last(HAL)
    assert world.inbox(ANA) == world.inbox(BEN) == world.inbox(CRUZ) == world.inbox(GIA) == []
    world.advance(minutes=5)
    assert code in world.last(GIA)
    assert world.inbox(ANA) == []


def test_a_racine_officers_request_pages_only_racines_roster(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    code = request_from(world, OFFICER)
    assert code in world.last(ANA)
    world.advance(minutes=5)
    assert code in world.last(BEN)
    assert world.inbox(HAL) == world.inbox(GIA) == []


def test_mutual_aid_pages_racines_advocate_and_the_call_log_counts_it(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    """Kenosha's own are spent after ten minutes; Racine's advocate on call is asked, only her."""
    world = demo_night(database, settings, clock)
    code = request_from(world, DEPUTY)
    world.advance(minutes=5)
    world.advance(minutes=5)
    assert code in world.last(ANA)
    assert world.inbox(BEN) == world.inbox(CRUZ) == world.inbox(KIM) == []
    world.text(ANA, f"1 {code}")
    world.tick()
    assert "Ana" in world.last(DEPUTY)
    world.text(DEPUTY, f"DONE {code}")
    world.tick()
    with world.session() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert entry.mutual_aid == 1
        assert entry.advocate == "accepted"


def test_a_request_served_at_home_logs_no_mutual_aid(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = demo_night(database, settings, clock)
    code = request_from(world, DEPUTY)
    world.text(HAL, f"1 {code}")
    world.text(DEPUTY, f"DONE {code}")
    world.tick()
    with world.session() as session:
        assert session.scalars(sa.select(CallLogEntry.mutual_aid)).one() == 0


def test_with_nobody_on_call_in_the_other_region_the_step_is_passed_over(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    """Saturday afternoon Racine has nobody on duty: mutual aid finds nobody; coordinators."""
    load_coalition(database, DEMO_FILE.read_text())
    clock.set(datetime(2026, 3, 14, 14, 0, tzinfo=CHICAGO))
    world = World(database, settings, clock)
    code = request_from(world, DEPUTY)
    world.advance(minutes=5)
    world.advance(minutes=5)
    assert world.inbox(ANA) == world.inbox(BEN) == []
    assert code in world.last(KIM)
