"""The officer's held words under a rotated secret key: readable with the previous key,
otherwise counted as expired (wiped, never an error)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import Request
from dispatcher.flows.officers import read_note
from tests.night import ANA, OFFICER, World
from tests.support.databases import make_settings


def rotated(world: World, tmp_path: Path, clock: ManualClock, *previous: str) -> World:
    """The same service after DISPATCHER_SECRET_KEY changed (same key directory)."""
    settings = make_settings(
        tmp_path,
        world.database.url,
        secret_key="a-new-secret-key-of-at-least-32-characters",
        previous_secret_keys=previous,
    )
    assert settings.keys_dir == world.settings.keys_dir
    return World(world.database, settings, clock)


def held_words(world: World) -> list[str]:
    """The open request's held words, as the flows read them."""
    with world.session() as session:
        request = session.scalars(sa.select(Request)).one()
        return read_note(world.context(), request)


def test_held_words_survive_a_rotation_with_the_previous_key(
    world: World, database: Database, tmp_path: Path, clock: ManualClock
) -> None:
    world.text(OFFICER, "Need an advocate, she is 16")
    after = rotated(world, tmp_path, clock, world.settings.secret_key)
    assert held_words(after) == ["Need an advocate, she is 16"]


def test_held_words_the_new_key_cannot_open_count_as_expired(
    world: World, database: Database, tmp_path: Path, clock: ManualClock
) -> None:
    world.text(OFFICER, "Need an advocate, her name is Maria Lopez")
    world.tick()
    after = rotated(world, tmp_path, clock)
    assert after.text(OFFICER, "We are at the back entrance") is not None
    assert held_words(after) == ["We are at the back entrance"]
    after.text(ANA, "1")
    after.tick()
    assert "back entrance" in after.last(ANA) and "Maria" not in after.last(ANA)
