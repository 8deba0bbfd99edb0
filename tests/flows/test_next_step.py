"""Escalation steps on the demo coalition: `on-call`, `next` and `all` at night and at weekends.

config/demo.toml's advocates: nights (20:00-08:00 every day) rotate daily Ana, Ben, Cruz from
Mon 5 January 20:00; days (08:00-20:00 on weekdays) rotate daily Dee, Eli, Fay. The night of
Mon 9 March is Ana's; Tue 10 March's day shift is Eli's. Steps: on-call 5m, next 5m, all
10m, coordinators 10m, twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from dispatcher.cli.rosters import DEMO_FILE
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import Request
from dispatcher.settings import Settings
from tests.night import ANA, BEN, CRUZ, DEE, OFFICER, World, load_coalition

ELI, FAY = "+12625550105", "+12625550106"
CHICAGO = ZoneInfo("America/Chicago")


def demo_at(database: Database, settings: Settings, clock: ManualClock, when: str) -> World:
    """The demo coalition with the clock at local wall time ``when`` in Chicago."""
    load_coalition(database, DEMO_FILE.read_text())
    clock.set(datetime.fromisoformat(when).replace(tzinfo=CHICAGO))
    return World(database, settings, clock)


def open_request(world: World) -> str:
    """The officer texts for an advocate; the engine pages; return the request's code."""
    world.text(OFFICER, "Need an advocate at the station")
    world.tick()
    with world.session() as session:
        return session.scalars(sa.select(Request.code)).one()


def test_at_two_in_the_morning_next_pages_the_next_night_advocate_not_a_day_one(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    """The reported night: at 02:05 `next` paged Eli, whose day shift is 08:00-20:00."""
    world = demo_at(database, settings, clock, "2026-03-10 02:05")
    code = open_request(world)
    assert code in world.last(ANA)  # on-call: on duty now
    world.advance(minutes=5)
    assert code in world.last(BEN)  # next: who follows Ana on the nights rotation
    assert world.inbox(CRUZ) == world.inbox(DEE) == world.inbox(ELI) == world.inbox(FAY) == []
    world.advance(minutes=5)
    for number in (CRUZ, DEE, ELI, FAY):  # all: every member, on duty or not
        assert code in world.last(number)


def test_with_no_rotation_on_duty_on_call_and_next_are_skipped_and_logged(
    database: Database,
    settings: Settings,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Saturday afternoon nobody is on duty: the first two steps find nobody; all pages."""
    world = demo_at(database, settings, clock, "2026-03-14 14:00")
    with caplog.at_level(logging.INFO, logger="dispatcher.paging"):
        code = open_request(world)
    skipped = [r.getMessage() for r in caplog.records if "need.step_skipped" in r.getMessage()]
    assert [m.split(" step=")[1] for m in skipped] == [
        "0 round=0 notify=on-call reason=nobody",
        "1 round=0 notify=next reason=nobody",
    ]
    assert all(f"request={code}" in m for m in skipped)
    for number in (ANA, BEN, CRUZ, DEE, ELI, FAY):
        assert code in world.last(number)


def test_next_in_the_second_round_passes_over_everyone_already_paged(
    database: Database,
    settings: Settings,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Round two reminds Ana; Ben and Cruz were paged for this need, so `next` finds nobody
    and `all` follows at once."""
    world = demo_at(database, settings, clock, "2026-03-10 02:05")
    open_request(world)
    for wait in (5, 5, 10, 10):  # next, all, coordinators, then round two's on-call
        world.advance(minutes=wait)
    assert len(world.inbox(ANA)) == 2
    with caplog.at_level(logging.INFO, logger="dispatcher.paging"):
        world.advance(minutes=5)
    assert len(world.inbox(BEN)) == len(world.inbox(CRUZ)) == 2  # round two's `all`
    assert any("step=1 round=1 notify=next" in r.getMessage() for r in caplog.records)
