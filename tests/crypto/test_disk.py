"""SQLite keeps wiped rows out of its WAL: a size limit, and a truncating checkpoint after
each housekeeping round."""

from __future__ import annotations

from pathlib import Path

from dispatcher.clock import ManualClock
from dispatcher.db import JOURNAL_SIZE_LIMIT, Database
from tests.night import OFFICER, World, load_coalition
from tests.support.databases import make_settings


def test_sqlite_connections_limit_the_wal(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as connection:
        limit = connection.exec_driver_sql("PRAGMA journal_size_limit").scalar()
    assert limit == JOURNAL_SIZE_LIMIT == 1024 * 1024


def test_housekeeping_leaves_an_empty_wal(
    sqlite_database: Database, tmp_path: Path, clock: ManualClock
) -> None:
    load_coalition(sqlite_database)
    world = World(sqlite_database, make_settings(tmp_path, sqlite_database.url), clock)
    wal = Path(sqlite_database.url.removeprefix("sqlite:///") + "-wal")
    world.text(OFFICER, "Need an advocate at the station")
    world.engine.tick()
    assert wal.stat().st_size > 0
    world.engine.housekeeping()
    assert wal.stat().st_size == 0
