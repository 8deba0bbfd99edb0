"""Fixtures for scenario tests: a fake Twilio and the live service around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from tests.fakes import FakeTwilio
from tests.night import load_coalition
from tests.scenarios.live import LiveNight


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeTwilio]:
    """A fake Twilio REST server on the test clock."""
    with FakeTwilio(auth_token="live-auth-token", clock=clock) as server:
        yield server


@pytest.fixture
def night(
    database: Database, tmp_path: Path, clock: ManualClock, fake: FakeTwilio
) -> Iterator[LiveNight]:
    """The service running on the test coalition, talking to the fake Twilio."""
    load_coalition(database)
    live = LiveNight(database, tmp_path, clock, fake, send_timeout="1s")
    yield live
    live.stop()
    assert fake.violations == [], "requests Twilio's API description rejects"
