"""Fixtures for the flows: a loaded coalition on each database."""

from __future__ import annotations

import pytest

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.settings import Settings
from tests.night import World, load_coalition


@pytest.fixture
def world(database: Database, settings: Settings, clock: ManualClock) -> World:
    """The test coalition on an empty database, with simulated phones."""
    load_coalition(database)
    return World(database, settings, clock)
