"""The engine writes who was on call as it happens, at each handoff's own instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from dispatcher.rosters.models import Roster, ShiftRecord
from tests.night import World

# The clock starts Tue 10 Mar 2026 12:00 UTC, 07:00 in Chicago, in Ana's day; the advocates'
# daily rotation (Ana, Ben, Cruz) hands off at 08:00 CDT, 13:00 UTC.
HANDOFFS = [datetime(2026, 3, day, 13, tzinfo=UTC) for day in (10, 11, 12)]


def history(world: World) -> list[tuple[str, datetime, datetime | None]]:
    """The advocates roster's history, oldest first."""
    with world.session() as session:
        advocates = session.scalars(select(Roster.id).where(Roster.name == "advocates")).one()
        rows = session.scalars(
            select(ShiftRecord)
            .where(ShiftRecord.roster_id == advocates)
            .order_by(ShiftRecord.starts_at)
        )
        return [(r.person.name, r.starts_at, r.ends_at) for r in rows]


def test_ticks_write_each_handoff_when_it_happens(world: World) -> None:
    start = world.clock.now()
    world.tick()
    assert history(world) == [("Ana Ruiz", start, None)]
    world.advance(minutes=30)
    assert history(world) == [("Ana Ruiz", start, None)]
    world.advance(minutes=31)  # 08:01: Ben's day began at 08:00
    assert history(world) == [("Ana Ruiz", start, HANDOFFS[0]), ("Ben Okafor", HANDOFFS[0], None)]


def test_a_restart_after_a_long_outage_writes_the_missed_handoffs_at_their_times(
    world: World,
) -> None:
    start = world.clock.now()
    world.tick()
    world.engine.close()
    world.clock.advance(HANDOFFS[2] - start + timedelta(hours=1))  # down for two days
    world.engine = world.new_engine()
    world.tick()
    world.tick()  # once more: nothing new
    assert history(world) == [
        ("Ana Ruiz", start, HANDOFFS[0]),
        ("Ben Okafor", HANDOFFS[0], HANDOFFS[1]),
        ("Cruz Lee", HANDOFFS[1], HANDOFFS[2]),
        ("Ana Ruiz", HANDOFFS[2], None),
    ]
