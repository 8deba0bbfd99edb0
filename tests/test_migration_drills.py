"""Migration 0013_drills on both databases: old requests are not drills; down and up again."""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.db import upgrade_database
from tests.test_migration_calllog import downgrade_database, fresh_url  # noqa: F401


def test_old_requests_are_not_drills_and_the_table_comes_and_goes(fresh_url: str) -> None:  # noqa: F811
    upgrade_database(fresh_url, "0012_care")
    engine = sa.create_engine(fresh_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO requests (code, channel, status, tags, opened_at, last_activity_at,"
                " services) VALUES ('K7Q4', 'sms', 'open', '[]', :at, :at, '[]')"
            ),
            {"at": "2026-03-10 12:00:00"},
        )
    engine.dispose()
    upgrade_database(fresh_url)
    engine = sa.create_engine(fresh_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT drill FROM requests")).scalar_one() in (False, 0)
        assert conn.execute(sa.text("SELECT count(*) FROM drills")).scalar_one() == 0
    engine.dispose()
    downgrade_database(fresh_url, "0012_care")
    engine = sa.create_engine(fresh_url)
    inspector = sa.inspect(engine)
    assert "drills" not in inspector.get_table_names()
    assert "drill" not in {c["name"] for c in inspector.get_columns("requests")}
    engine.dispose()
    upgrade_database(fresh_url)
