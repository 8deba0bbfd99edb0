"""Migration 0013_needs on both databases: the need table holds the three built-in needs
exactly as the code's defaults, and the call log gains the configured needs' outcomes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dispatcher.db import upgrade_database
from dispatcher.rosters import needstore
from dispatcher.rosters.needkinds import DEFAULT_NEEDS
from tests.test_migration_calllog import downgrade_database
from tests.test_migration_calllog import fresh_url as fresh_url  # the fixture


def test_the_seeded_needs_are_the_built_in_ones_and_the_migration_reverses(
    fresh_url: str,
) -> None:
    upgrade_database(fresh_url, "0013_drills")
    upgrade_database(fresh_url, "0013_needs")
    engine = sa.create_engine(fresh_url)
    needstore.forget()
    with Session(engine) as session:
        rows = session.execute(sa.text("SELECT key FROM need_kinds ORDER BY position"))
        assert [key for (key,) in rows] == ["advocate", "room", "ride"]
        table = needstore.current(session)
        assert table == DEFAULT_NEEDS
        assert table.added() == ()
    with engine.begin() as conn:
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("call_log")}
        assert columns["more_needs"]["nullable"]
        indexes = {i["name"]: i for i in sa.inspect(conn).get_indexes("call_log")}
        assert indexes["ix_call_log_counts"]["column_names"][-1] == "more_needs"
    engine.dispose()
    needstore.forget()
    downgrade_database(fresh_url, "0013_drills")
    engine = sa.create_engine(fresh_url)
    assert "need_kinds" not in sa.inspect(engine).get_table_names()
    columns = {c["name"] for c in sa.inspect(engine).get_columns("call_log")}
    assert "more_needs" not in columns
    engine.dispose()
    upgrade_database(fresh_url, "0013_needs")
