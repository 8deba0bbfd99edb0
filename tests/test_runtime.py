"""The composition root: one runtime per process, built without Flask, woken by one kick."""

from __future__ import annotations

from pathlib import Path

from dispatcher import scheduler
from dispatcher.clock import ManualClock
from dispatcher.flows.ports import Kick
from dispatcher.runtime import build_runtime
from dispatcher.settings import Settings
from dispatcher.sms.senders import TwilioSender
from dispatcher.sms.simulator import SimulatorSender, phones_of
from tests.support.databases import make_settings


def test_a_kick_wakes_whatever_it_was_last_pointed_at() -> None:
    woken: list[str] = []
    kick = Kick()
    kick()  # nothing to wake yet: no error
    kick.wake_with(lambda: woken.append("notify"))
    kick()
    kick.wake_with(lambda: woken.append("runner"))
    kick()
    assert woken == ["notify", "runner"]


def test_the_runtime_wires_one_kick_and_one_sender_through_the_engine(
    settings: Settings, clock: ManualClock
) -> None:
    runtime = build_runtime(settings, clock)
    try:
        assert runtime.engine.kick is runtime.kick
        assert runtime.engine.context().kick is runtime.kick
        assert runtime.engine.sender is runtime.sender
        assert isinstance(runtime.sender, SimulatorSender)
        assert phones_of(runtime) is runtime.sender.phones
        assert runtime.engine.clock is clock and runtime.runner is None
    finally:
        runtime.database.dispose()


def test_a_twilio_runtime_has_no_simulator_phones(tmp_path: Path, sqlite_url: str) -> None:
    settings = make_settings(tmp_path, sqlite_url, sms_backend="twilio", twilio_account_sid="AC1")
    runtime = build_runtime(settings)
    try:
        assert isinstance(runtime.sender, TwilioSender)
        try:
            phones_of(runtime)
        except LookupError as error:
            assert "not the simulator" in str(error)
        else:
            raise AssertionError("a Twilio runtime has no in-app phones")
    finally:
        runtime.database.dispose()


def test_starting_the_engine_points_the_kick_at_its_runner(
    settings: Settings, clock: ManualClock
) -> None:
    runtime = build_runtime(settings, clock)
    runner = scheduler.start(runtime)
    try:
        assert runtime.runner is runner and runner.ticking
        assert runtime.kick._wake == runner.kick  # not NOTIFY: this process's own engine
    finally:
        runner.stop()
        runtime.database.dispose()
