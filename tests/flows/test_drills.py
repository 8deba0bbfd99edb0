"""Skip the wait: the next escalation deadline brought forward, the clock never moved."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dispatcher.flows.drills import Skipped, skip_to_next_deadline
from dispatcher.flows.models import Need
from tests.night import ANA, BEN, CRUZ, OFFICER, World


def skip(world: World) -> Skipped:
    """Skip once at the clock's now, committed, then tick as the kicked engine would."""
    with world.session() as session:
        skipped = skip_to_next_deadline(session, world.clock.now())
    world.tick()
    return skipped


def test_each_skip_runs_the_next_step_now_without_moving_the_clock(world: World) -> None:
    world.text(OFFICER, "need an advocate at the station")
    world.tick()
    assert len(world.inbox(ANA)) == 1 and world.inbox(BEN) == []
    started = world.clock.now()

    assert skip(world) == Skipped(1, timedelta(minutes=5))
    assert len(world.inbox(BEN)) == 1  # the backup, paged now instead of in five minutes
    assert skip(world) == Skipped(1, timedelta(minutes=5))
    assert len(world.inbox(CRUZ)) == 1
    assert world.clock.now() == started
    with world.session() as session:
        need = session.scalars(sa.select(Need)).one()
        assert need.next_action_at == started + timedelta(minutes=10)  # the third step's wait


def test_a_skip_moves_only_the_earliest_deadline(world: World) -> None:
    world.text(OFFICER, "need an advocate and a ride")  # advocate: 5 min; ride: 5 min
    world.tick()
    world.advance(minutes=5)  # both step on; advocate waits 5 more, ride waits 10 more
    with world.session() as session:
        before = {n.kind: n.next_action_at for n in session.scalars(sa.select(Need))}
    now = world.clock.now()
    assert skip(world) == Skipped(1, timedelta(minutes=5))
    with world.session() as session:
        after = {n.kind: n.next_action_at for n in session.scalars(sa.select(Need))}
    assert after["ride"] == before["ride"] == now + timedelta(minutes=10)
    assert after["advocate"] == now + timedelta(minutes=10)  # the next step's own wait


def test_nothing_to_skip_when_nothing_is_paging(world: World) -> None:
    assert skip(world) == Skipped(0, timedelta(0))
    world.text(OFFICER, "need an advocate")
    world.tick()
    with world.session() as session:
        skip_to_next_deadline(session, world.clock.now())
    with world.session() as session:
        need = session.scalars(sa.select(Need)).one()
        need.next_action_at = world.clock.now() - timedelta(seconds=1)  # already due
    with world.session() as session:
        assert skip_to_next_deadline(session, world.clock.now()) == Skipped(0, timedelta(0))
    world.text(ANA, "1")  # accepted: nothing pages any more
    with world.session() as session:
        assert skip_to_next_deadline(session, world.clock.now()) == Skipped(0, timedelta(0))
