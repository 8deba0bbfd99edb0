"""Shared fixtures: real databases (SQLite and PostgreSQL), a movable clock, the real app.

Fixtures only; what they and the tests share lives in ``tests/support``.

PostgreSQL tests run against DISPATCHER_TEST_POSTGRES_URL (default: the CI server at
127.0.0.1:5432, user postgres, database test). Each test session creates a database of its
own there and drops it at the end. Without a reachable server they are skipped, saying why,
unless CI=true or DISPATCHER_REQUIRE_POSTGRES=1, where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from dispatcher.app import create_app
from dispatcher.clock import ManualClock
from dispatcher.db import Database, upgrade_database
from dispatcher.settings import Settings
from tests.support.databases import (
    POSTGRES_URL,
    REQUIRE_POSTGRES,
    START,
    empty_tables,
    make_settings,
)


def _postgres_admin_url() -> sa.URL:
    return sa.make_url(POSTGRES_URL)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file shared by the session (tables are emptied between tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this session's own, dropped at the end."""
    admin_url = _postgres_admin_url()
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required here but unreachable at {admin_url}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {admin_url.render_as_string()}: tests skipped")
    name = f"dispatcher_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty, migrated database: each test using it runs on SQLite and on PostgreSQL."""
    url = request.getfixturevalue(f"{request.param}_url")
    db = Database(url)
    empty_tables(db)
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database(sqlite_url: str) -> Iterator[Database]:
    """An empty, migrated SQLite database (for tests whose subject is not the database)."""
    db = Database(sqlite_url)
    empty_tables(db)
    yield db
    db.dispose()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session on ``database``; the test commits what it wants kept."""
    with database.sessions() as session:
        yield session


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing at START until the test moves it."""
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path, database: Database) -> Settings:
    """Settings pointing at the test database."""
    return make_settings(tmp_path, database.url)


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> Iterator[Flask]:
    """The real application on the test database, engine not started."""
    application = create_app(settings, clock=clock)
    application.config.update(TESTING=True)
    yield application
    application.extensions["dispatcher"].database.dispose()
