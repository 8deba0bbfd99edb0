"""The engine's tick thread: ticks at once when kicked, at the next deadline ahead, and
goes on after a tick that fails."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from dispatcher.flows.engine import TickReport
from dispatcher.scheduler import EngineRunner
from tests.night import World

# Long enough that an interval tick never happens during a test.
INTERVAL = 600.0


class CountingTicks:
    """Stands in for ``Engine.tick``: counts calls, reports ``report``, raises when told."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.calls = 0
        self.report = TickReport()
        self.raise_next = False
        self.ticked = threading.Condition()

    def __call__(self, **_: object) -> TickReport:
        with self.ticked:
            self.calls += 1
            self.ticked.notify_all()
        if self.raise_next:
            self.raise_next = False
            raise RuntimeError("the database went away")
        return TickReport(next_deadline=self.report.next_deadline)

    def reach(self, calls: int, seconds: float = 10) -> bool:
        """Wait until ``calls`` ticks have run."""
        with self.ticked:
            return self.ticked.wait_for(lambda: self.calls >= calls, timeout=seconds)


@pytest.fixture
def ticks(world: World) -> CountingTicks:
    counting = CountingTicks(world)
    world.engine.tick = counting  # type: ignore[method-assign]
    return counting


@pytest.fixture
def runner(world: World, ticks: CountingTicks) -> Iterator[EngineRunner]:
    started = EngineRunner(world.engine, INTERVAL)
    started.start()
    assert ticks.reach(1)  # the first tick runs at start
    yield started
    started.stop()


def test_a_kick_runs_a_tick_at_once(runner: EngineRunner, ticks: CountingTicks) -> None:
    runner.kick()
    assert ticks.reach(2, seconds=5)  # not after the 600 s interval


def test_the_thread_wakes_for_the_next_deadline_ahead(
    world: World, runner: EngineRunner, ticks: CountingTicks
) -> None:
    ticks.report = TickReport(next_deadline=world.clock.now() + timedelta(milliseconds=200))
    runner.kick()
    assert ticks.reach(3, seconds=5)  # the kick's tick, then the deadline's 200 ms later


def test_a_tick_that_fails_does_not_stop_the_thread(
    runner: EngineRunner, ticks: CountingTicks
) -> None:
    ticks.raise_next = True
    runner.kick()
    assert ticks.reach(2)
    runner.kick()
    assert ticks.reach(3)
    assert runner.ticking


def test_stopping_ends_the_thread(world: World, ticks: CountingTicks) -> None:
    started = EngineRunner(world.engine, INTERVAL)
    started.start()
    assert ticks.reach(1)
    started.stop()
    assert not started.ticking
    calls = ticks.calls
    started.kick()  # nobody ticks any more
    assert not ticks.reach(calls + 1, seconds=0.3)
