"""When the engine wakes next: the next step ahead, never one due elsewhere or a duty."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dispatcher.flows import engine
from dispatcher.flows.engine import TickReport, next_deadlines
from dispatcher.flows.models import Need
from dispatcher.scheduler import EngineRunner
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
def runner(world: World) -> EngineRunner:
    """A runner not started: the test runs its ticks and reads when it would wake."""
    return EngineRunner(world.engine, 1.0)


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
    assert runner.next_wake == step
    assert not runner._wake.is_set()
    world.clock.advance(timedelta(milliseconds=200))
    assert runner._sleep_seconds() == pytest.approx(0.3)  # not the 1 s interval


def test_a_full_batch_ticks_again_at_once(
    world: World, runner: EngineRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BATCH", 1)
    world.text(OFFICER, "need an advocate and a room at the motel")
    report = world.engine.tick()
    assert report.escalated == 1  # one of the two needs: the batch was full
    assert report.next_deadline == world.clock.now()
    ticks_reporting(world, runner, report)
    assert runner._wake.is_set()
