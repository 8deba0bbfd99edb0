"""Migration 0013_openshifts on both databases: the sign-up, slot and rate-window tables
arrive empty beside an existing roster, work (the rate counter's upsert included), and go
again on downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dispatcher.accounts import ratelimits
from dispatcher.db import upgrade_database
from tests.test_migration_calllog import downgrade_database
from tests.test_migration_calllog import fresh_url as fresh_url  # the fixture

NEW_TABLES = {"signups", "open_slots", "rate_windows"}
NOW = datetime(2026, 3, 10, 12, 0, 30, tzinfo=UTC)


def test_the_tables_arrive_work_and_leave(fresh_url: str) -> None:
    upgrade_database(fresh_url, "0013_partners")
    engine = sa.create_engine(fresh_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO rosters (id, name, kind, timezone, escalation_repeat)"
                " VALUES (1, 'advocates', 'advocate', 'America/Chicago', 0)"
            )
        )
    assert not NEW_TABLES & set(sa.inspect(engine).get_table_names())
    engine.dispose()
    upgrade_database(fresh_url)
    engine = sa.create_engine(fresh_url)
    assert set(sa.inspect(engine).get_table_names()) >= NEW_TABLES
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO signups (id, roster_id, month, deadline, state, created_at)"
                " VALUES (1, 1, '2026-04-01', :at, 'open', :at)"
            ),
            {"at": NOW},
        )
        conn.execute(
            sa.text(
                'INSERT INTO open_slots (signup_id, number, start, "end") VALUES (1, 1, :at, :at)'
            ),
            {"at": NOW},
        )
    with Session(engine) as session:
        waits = [ratelimits.hit(session, "api:1", NOW, limit=2) for _ in range(3)]
        session.commit()
    assert waits == [None, None, 30]
    engine.dispose()
    downgrade_database(fresh_url, "0013_partners")
    engine = sa.create_engine(fresh_url)
    assert not NEW_TABLES & set(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM rosters")).scalar_one() == "advocates"
    engine.dispose()
