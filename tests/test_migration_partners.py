"""Migration 0013_partners on both databases: an existing coalition keeps working, with no
partners, and its open needs require nothing."""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.db import upgrade_database
from tests.test_migration_calllog import downgrade_database
from tests.test_migration_calllog import fresh_url as fresh_url  # the fixture

EXISTING = [
    "INSERT INTO people (id, name, phone, languages, skills, coordinator, active, opted_out)"
    " VALUES (1, 'Harborview Inn', '+12625550121', '[]', '[]', false, true, false)",
    "INSERT INTO rosters (id, name, kind, timezone, escalation_repeat)"
    " VALUES (1, 'hotels', 'hotel', 'America/Chicago', 0)",
    "INSERT INTO requests (id, code, channel, status, tags, opened_at, last_activity_at)"
    " VALUES (1, 'K7Q4', 'sms', 'open', '[]', '2026-03-10 08:00:00', '2026-03-10 08:00:00')",
    "INSERT INTO needs (id, request_id, kind, roster_id, state, policy, step_index, round, depth)"
    " VALUES (1, 1, 'room', 1, 'paging', '{}', -1, 0, 0)",
]


def test_existing_needs_require_nothing_and_there_are_no_partners(fresh_url: str) -> None:
    upgrade_database(fresh_url, "0013_needs")
    engine = sa.create_engine(fresh_url)
    with engine.begin() as conn:
        for statement in EXISTING:
            conn.execute(sa.text(statement))
    upgrade_database(fresh_url, "0013_partners")
    with engine.begin() as conn:
        requires = conn.execute(sa.text("SELECT requires FROM needs")).scalar_one()
        assert requires in ([], "[]")
        assert conn.execute(sa.text("SELECT count(*) FROM partners")).scalar_one() == 0
        conn.execute(
            sa.text(
                "INSERT INTO partners (id, name, need, pledge, features)"
                " VALUES (1, 'Harborview Inn', 'room', 4, '[]')"
            )
        )
        conn.execute(sa.text("INSERT INTO partner_contacts VALUES (1, 1)"))
        conn.execute(
            sa.text(
                "INSERT INTO partner_months (partner_id, month, pledged, used, accepted,"
                " declined, unanswered, alerted) VALUES (1, '2026-03-01', 4, 1, 1, 0, 0, 0)"
            )
        )
        address = conn.execute(sa.text("SELECT address FROM partners")).scalar_one()
        assert address == ""
    engine.dispose()
    downgrade_database(fresh_url, "0013_needs")
    engine = sa.create_engine(fresh_url)
    tables = sa.inspect(engine).get_table_names()
    assert "partners" not in tables and "partner_months" not in tables
    assert "requires" not in {c["name"] for c in sa.inspect(engine).get_columns("needs")}
    engine.dispose()
    upgrade_database(fresh_url, "0013_partners")
