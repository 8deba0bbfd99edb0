"""The engine's side duties: skipped by the ticks webhooks ask for, never by a due deadline."""

from __future__ import annotations

import time
from datetime import timedelta

from dispatcher.scheduler import EngineRunner
from tests.flows.test_checkins import accept_at_scene
from tests.night import ANA, World

REMINDER = "time to check in"


def reminders(world: World) -> int:
    """How many check-in reminders Ana got."""
    return sum(REMINDER in text for text in world.inbox(ANA))


def test_a_tick_without_duties_leaves_a_due_check_in_for_the_next(world: World) -> None:
    accept_at_scene(world)
    world.clock.advance(timedelta(minutes=46))
    report = world.engine.tick(duties=False)
    assert report.checkins == 0 and reminders(world) == 0
    assert report.next_duty is not None and report.next_duty <= world.clock.now()
    report = world.engine.tick()
    assert report.checkins == 1 and reminders(world) == 1


def test_the_runner_runs_duties_once_per_interval_not_once_per_kick(world: World) -> None:
    runner = EngineRunner(world.engine, 60.0)
    assert runner._duties_due()  # the first tick runs them
    assert not any(runner._duties_due() for _ in range(20))  # a burst of kicks does not
    fast = EngineRunner(world.engine, 0.01)
    assert fast._duties_due()
    time.sleep(0.02)  # more than the interval: the interval's tick runs them again
    assert fast._duties_due()


def test_a_check_in_deadline_runs_the_duties_at_once(world: World) -> None:
    accept_at_scene(world)
    runner = EngineRunner(world.engine, 60.0)
    runner._tick_once()  # duties ran; the next one is the check-in, 45 minutes ahead
    assert runner._next_duty is not None
    world.clock.advance(timedelta(minutes=30))
    runner._tick_once()  # a kick-driven tick, nothing due: duties skipped
    assert reminders(world) == 0
    world.clock.advance(timedelta(minutes=16))  # the deadline has come
    runner._tick_once()
    world.engine.deliver()
    assert reminders(world) == 1
