"""The engine: one engine on SQLite, several on PostgreSQL without double paging, readiness."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from dispatcher.app import create_app
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows import lease
from dispatcher.flows.models import EngineLease, OutboxMessage, Page
from dispatcher.rosters.models import Agency, Officer
from tests.night import ANA, OFFICER, World, load_coalition
from tests.support.databases import empty_tables, make_settings


def test_on_sqlite_one_engine_lock_is_held_at_a_time(sqlite_database: Database) -> None:
    first, second = lease.EngineLock(sqlite_database), lease.EngineLock(sqlite_database)
    assert first.try_acquire() and first.held
    assert not second.try_acquire() and not second.held
    first.release()
    assert second.try_acquire()
    assert not first.try_acquire()
    second.release()


def test_on_postgres_every_engine_may_run(database: Database) -> None:
    locks = [lease.EngineLock(database) for _ in range(2)]
    assert [lock.try_acquire() for lock in locks] == [True, not database.sqlite]
    for lock in locks:
        lock.release()


def test_a_second_runner_waits_for_the_lock_then_takes_over(
    sqlite_database: Database, tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, sqlite_database.url)
    first, second = (
        create_app(settings, clock=clock, start_engine=True).extensions["dispatcher"].runner
        for _ in range(2)
    )
    try:
        assert first.ticking and not second.ticking
        assert "engine.waiting_for_lock" in caplog.text
        first.stop()
        deadline = time.monotonic() + 10
        while not second.ticking and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.ticking
        with sqlite_database.session_scope() as session:
            row = session.get(EngineLease, lease.NAME)
            assert row is not None and row.holder == second.holder
    finally:
        first.stop()
        second.stop()


@pytest.fixture
def world_pg(postgres_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[World]:
    """The coalition on PostgreSQL."""
    database = Database(postgres_url)
    empty_tables(database)
    load_coalition(database)
    yield World(database, make_settings(tmp_path, postgres_url), clock)
    database.dispose()


@pytest.mark.postgres
def test_two_engines_on_postgres_never_double_page(postgres_url: str, world_pg: World) -> None:
    with world_pg.session() as session:
        agency = session.scalars(sa.select(Agency)).one()
        for n in range(30):
            session.add(
                Officer(agency_id=agency.id, name=f"Officer {n}", phone=f"+1262555{1000 + n:04d}")
            )
    for n in range(30):
        world_pg.text(f"+1262555{1000 + n:04d}", "need an advocate")
    world_pg.race(engines=2, ticks=3)
    with world_pg.session() as session:
        assert session.scalar(sa.select(sa.func.count(Page.id))) == 30
        assert session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 30
    assert len(world_pg.inbox(ANA)) == 30


def test_readiness_needs_the_database_and_a_recent_tick(
    app: Flask, database: Database, clock: ManualClock
) -> None:
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503
    lease.renew(database, "engine-1", clock.now())
    assert client.get("/readyz").status_code == 200
    clock.advance(120)
    assert client.get("/readyz").status_code == 503


def test_help_replies_to_one_number_are_limited(world: World) -> None:
    replies = [world.text(ANA, "what is this") for _ in range(6)]
    assert all(r for r in replies[:3]) and not any(replies[3:])


def test_an_officer_with_nothing_open_gets_help_for_status_and_done(world: World) -> None:
    for word in ("STATUS", "done"):
        reply = world.text(OFFICER, word)
        assert reply is not None and reply.startswith("Text what you need")
    with world.session() as session:
        assert session.scalar(sa.select(sa.func.count(Page.id))) == 0


def test_unknown_senders_are_counted_per_day_without_their_numbers(world: World) -> None:
    from dispatcher.flows.unknown import counted

    for n in range(3):
        world.text(f"+1414555{n:04d}", "hello")
    world.clock.advance(timedelta(days=1))
    world.text("+14145550009", "hello")
    with world.session() as session:
        assert counted(session, "unknown_sender") == 4
        rows = session.execute(
            sa.text("SELECT day, count FROM anonymous_counts ORDER BY day")
        ).all()
        assert [r[1] for r in rows] == [3, 1]
