"""When the engine wakes next: the next step ahead, never one due elsewhere or a duty."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dispatcher.flows import engine
from dispatcher.flows.engine import TickReport, next_deadlines
from dispatcher.flows.models import Need
from dispatcher.scheduler import DEADLINE, EngineRunner
from tests.night import OFFICER, World


def test_a_step_due_now_does_not_hide_the_next_one_ahead(world: World) -> None:
    world.text(OFFICER, "need an advocate and a room at the motel")
    world.tick()
    now = world.clock.now()
    with world.session() as session:
        due, ahead = session.scalars(sa.select(Need).order_by(Need.id)).all()
        # One step is due (another engine's tick holds it locked), the other 30 s ahead.
        due.next_action_at = now - timedelta(seconds=1)
        ahead.next_action_at = now + timedelta(seconds=30)
    with world.session() as session:
        deadline, _ = next_deadlines(session, now)
    assert deadline == now + timedelta(seconds=30)


@pytest.fixture
def runner(world: World) -> Iterator[EngineRunner]:
    """A runner whose scheduler runs (paused: nothing fires) so its wake-ups can be read."""
    started = EngineRunner(world.engine, 1.0)
    started.scheduler.start(paused=True)
    yield started
    started.scheduler.shutdown(wait=False)


def ticks_reporting(world: World, runner: EngineRunner, report: TickReport) -> None:
    """One runner tick whose engine reports ``report``."""
    world.engine.tick = lambda **_: replace(report)  # type: ignore[method-assign]
    assert runner._tick_guarded()


def test_a_duty_already_due_does_not_cancel_the_wake_for_the_next_step(
    world: World, runner: EngineRunner
) -> None:
    now = world.clock.now()
    step, duty = now + timedelta(milliseconds=500), now - timedelta(seconds=1)
    ticks_reporting(world, runner, TickReport(next_deadline=step, next_duty=duty))
    assert runner.scheduler.get_job(DEADLINE) is not None
    assert not runner._again.is_set()


def test_a_full_batch_ticks_again_at_once(
    world: World, runner: EngineRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BATCH", 1)
    world.text(OFFICER, "need an advocate and a room at the motel")
    report = world.engine.tick()
    assert report.escalated == 1  # one of the two needs: the batch was full
    assert report.next_deadline == world.clock.now()
    ticks_reporting(world, runner, report)
    assert runner._again.is_set()
