"""Migration 0012_partners on both databases: an existing coalition keeps working unchanged."""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.db import upgrade_database
from tests.test_migration_calllog import downgrade_database
from tests.test_migration_calllog import fresh_url as fresh_url  # the fixture

EXISTING = [
    "INSERT INTO rosters (id, name, kind, timezone, escalation_repeat)"
    " VALUES (1, 'advocates', 'advocate', 'America/Chicago', 0)",
    "INSERT INTO escalation_steps (roster_id, position, notify, wait_seconds)"
    " VALUES (1, 0, 'on-call', 300)",
    "INSERT INTO agencies (name, kind, enrollment_code, enrollment)"
    " VALUES ('Racine PD', 'police', 'RPD-1', 'open')",
]


def test_existing_rows_belong_to_no_region_and_log_no_mutual_aid(fresh_url: str) -> None:
    upgrade_database(fresh_url, "0011_lang")
    engine = sa.create_engine(fresh_url)
    with engine.begin() as conn:
        for statement in EXISTING:
            conn.execute(sa.text(statement))
    upgrade_database(fresh_url, "0012_partners")
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT region_id FROM agencies")).scalar_one() is None
        assert conn.execute(sa.text("SELECT region_id FROM escalation_steps")).scalar_one() is None
        assert conn.execute(sa.text("SELECT count(*) FROM roster_regions")).scalar_one() == 0
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("call_log")}
        assert "mutual_aid" in columns and not columns["mutual_aid"]["nullable"]
    engine.dispose()
    downgrade_database(fresh_url, "0011_lang")
    engine = sa.create_engine(fresh_url)
    assert "regions" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    upgrade_database(fresh_url, "0012_partners")
