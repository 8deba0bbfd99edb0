"""The engine's watchdog: failing ticks and stuck paging reach the coordinators once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prometheus_client import REGISTRY

from dispatcher.db import Database
from dispatcher.flows.engine import Engine
from dispatcher.flows.models import Alert
from dispatcher.scheduler import FAILING_AFTER, EngineRunner, Watchdog
from dispatcher.sms.messages import render
from dispatcher.sms.simulator import SimulatorSender
from tests.night import KIM, LEE, OFFICER, World


def alert_count(world: World, kind: str) -> int:
    """How often ``kind`` was raised (0 when never)."""
    with world.session() as session:
        row = session.get(Alert, kind)
        return 0 if row is None else row.count


def test_five_failed_ticks_in_a_row_text_the_coordinators_once(world: World) -> None:
    watchdog = Watchdog(world.engine)
    for _ in range(FAILING_AFTER - 1):
        watchdog.tick_ended(failed=True)
    watchdog.tick_ended(failed=False)  # a success ends the run of failures
    for _ in range(FAILING_AFTER - 1):
        watchdog.tick_ended(failed=True)
    world.engine.deliver()
    assert world.inbox(KIM) == []
    for _ in range(FAILING_AFTER * 3):
        watchdog.tick_ended(failed=True)
    world.engine.deliver()
    for coordinator in (KIM, LEE):
        assert len(world.inbox(coordinator)) == 1
        assert world.last(coordinator).startswith("Dispatcher alert:")
    assert alert_count(world, "engine_failing") == FAILING_AFTER


def test_a_step_over_a_minute_late_texts_the_coordinators_once_per_request(
    world: World,
) -> None:
    watchdog = Watchdog(world.engine)
    world.text(OFFICER, "Possible victim, needs an advocate")  # its first step is due now
    watchdog.check_backlog()
    world.clock.advance(timedelta(seconds=61))
    watchdog.check_backlog()
    watchdog.check_backlog()
    assert alert_count(world, "message_stuck") == 1
    world.engine.tick()  # paging catches up: the request is over
    watchdog.check_backlog()
    assert not watchdog.stuck
    assert len(world.inbox(KIM)) == 1
    assert world.last(KIM).startswith("Dispatcher alert:")


def test_a_failing_tick_is_counted_and_timed(world: World, tmp_path: Path) -> None:
    failures = REGISTRY.get_sample_value("dispatcher_tick_failures_total") or 0.0
    ticks = REGISTRY.get_sample_value("dispatcher_tick_duration_seconds_count") or 0.0
    broken = Database(f"sqlite:///{tmp_path / 'no-tables.db'}")  # every query fails
    engine = Engine(
        broken, world.settings, world.sealer, world.clock, SimulatorSender(world.phones), render
    )
    runner = EngineRunner(engine, 1.0)
    runner._tick_once()
    broken.dispose()
    assert REGISTRY.get_sample_value("dispatcher_tick_failures_total") == failures + 1
    assert REGISTRY.get_sample_value("dispatcher_tick_duration_seconds_count") == ticks + 1
    assert runner.watchdog.failures == 1
