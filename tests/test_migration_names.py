"""Migration 0010_names on both databases: incidents become requests, rows and all."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from dispatcher.db import upgrade_database
from tests.test_migration_calllog import downgrade_database, fresh_url  # noqa: F401

OPENED = datetime(2026, 3, 2, 4)


def old_request(url: str) -> None:
    """One incident with two needs, as revision 0009_grammar stored them."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO incidents (id, code, channel, status, tags, opened_at,"
                " last_activity_at) VALUES (7, 'K7Q4', 'sms', 'open', '[]', :at, :at)"
            ),
            {"at": OPENED},
        )
        conn.execute(
            sa.text(
                "INSERT INTO needs (incident_id, kind, state, policy, step_index, round, depth)"
                " VALUES (7, :kind, 'paging', '{}', -1, 0, 0)"
            ),
            [{"kind": "advocate"}, {"kind": "room"}],
        )
    engine.dispose()


def rows(url: str, table: str, column: str) -> list[tuple[object, ...]]:
    """The requests (or incidents) joined with their needs, by ``column`` of ``needs``."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.text(
                f"SELECT r.code, n.kind FROM {table} r JOIN needs n ON n.{column} = r.id"
                " ORDER BY n.id"
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in found]


def test_an_incident_with_needs_becomes_a_request_with_needs(fresh_url: str) -> None:  # noqa: F811
    upgrade_database(fresh_url, "0009_grammar")
    old_request(fresh_url)
    upgrade_database(fresh_url, "0010_names")
    tables = sa.inspect(sa.create_engine(fresh_url)).get_table_names()
    assert "requests" in tables and "incidents" not in tables
    assert rows(fresh_url, "requests", "request_id") == [("K7Q4", "advocate"), ("K7Q4", "room")]


def test_the_rename_goes_down_and_up_again(fresh_url: str) -> None:  # noqa: F811
    upgrade_database(fresh_url, "0009_grammar")
    old_request(fresh_url)
    upgrade_database(fresh_url, "0010_names")
    downgrade_database(fresh_url, "0009_grammar")
    assert rows(fresh_url, "incidents", "incident_id") == [("K7Q4", "advocate"), ("K7Q4", "room")]
    upgrade_database(fresh_url, "0010_names")
    assert rows(fresh_url, "requests", "request_id") == [("K7Q4", "advocate"), ("K7Q4", "room")]
