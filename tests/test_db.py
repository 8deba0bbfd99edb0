"""The database layer on both backends: aware UTC round trips, migrations match the models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dispatcher.db import Base, Database
from dispatcher.flows.models import AnonymousCount, EngineLease


def test_datetimes_come_back_aware_utc(database: Database) -> None:
    east = timezone(timedelta(hours=5))
    when = datetime(2026, 3, 8, 9, 30, tzinfo=east)
    with database.session_scope() as session:
        session.add(EngineLease(name="x", holder="h", expires_at=when))
    with database.session_scope() as session:
        lease = session.get(EngineLease, "x")
        assert lease is not None
        assert lease.expires_at == when
        assert lease.expires_at.tzinfo is UTC


def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(sa.exc.StatementError), database.session_scope() as session:
        session.add(EngineLease(name="x", holder="h", expires_at=datetime(2026, 1, 1)))


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_unique_constraints_hold(database: Database) -> None:
    day = datetime(2026, 3, 8, tzinfo=UTC).date()
    with database.session_scope() as session:
        session.add(AnonymousCount(day=day, kind="unknown_sender", count=1))
    with pytest.raises(sa.exc.IntegrityError), database.session_scope() as session:
        session.add(AnonymousCount(day=day, kind="unknown_sender", count=1))


def test_database_errors_never_show_the_values_involved(database: Database) -> None:
    with database.session_scope() as session:
        session.add(
            EngineLease(
                name="lease", holder="+14145550177", expires_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
        )
    with pytest.raises(sa.exc.IntegrityError) as failure, database.session_scope() as session:
        session.add(
            EngineLease(
                name="lease", holder="+14145550177", expires_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
        )
    assert "4145550177" not in str(failure.value)
