"""Migration 0005_calllog on both databases: old rows become buckets, the seconds are gone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dispatcher.db import upgrade_database
from tests.support.databases import POSTGRES_URL

OLD_ROW = """
INSERT INTO call_log (code, opened_hour, accepted_hour, closed_hour, seconds_to_first_page,
  seconds_to_accept, seconds_open, channel, needs, tags, depth, accepted_member_id, outcome)
VALUES (:code, :opened, :accepted, :closed, :first, :accept, :open, 'sms', :needs, '[]', 1,
  :member, :outcome)
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (SQLite file or PostgreSQL database), nothing migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails in CI) without PostgreSQL
    admin_url = sa.make_url(POSTGRES_URL)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"dispatcher_migration_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def old_rows(url: str) -> None:
    """Two call-log rows as revision 0001 wrote them, in seconds and hours."""
    opened = datetime(2026, 3, 2, 4)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(OLD_ROW),
            [
                {
                    "code": "K7Q4", "opened": opened, "accepted": opened, "closed": opened,
                    "first": 2, "accept": 1000, "open": 5400, "member": 11,
                    "outcome": "accepted",
                    "needs": '[{"kind": "advocate", "outcome": "accepted", "depth": 1, '
                    '"member_id": 11, "seconds_to_accept": 1000}, {"kind": "room", '
                    '"outcome": "unfilled", "depth": 2, "member_id": null, '
                    '"seconds_to_accept": null}]',
                },
                {
                    "code": "M3CL", "opened": opened, "accepted": None, "closed": opened,
                    "first": None, "accept": None, "open": 299, "member": None,
                    "outcome": "closed_by_officer",
                    "needs": '[{"kind": "advocate", "outcome": "cancelled", "depth": 0, '
                    '"member_id": null, "seconds_to_accept": null}]',
                },
            ],
        )  # fmt: skip
    engine.dispose()


def test_old_rows_become_buckets_and_the_seconds_and_hours_go(fresh_url: str) -> None:
    upgrade_database(fresh_url, "0001")
    old_rows(fresh_url)
    upgrade_database(fresh_url, "0005_calllog")
    engine = sa.create_engine(fresh_url)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("call_log")}
    for gone in ("accepted_hour", "closed_hour", "seconds_to_accept", "seconds_open"):
        assert gone not in columns
    table = sa.Table("call_log", sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.code)).mappings().all()
    engine.dispose()
    first, second = rows
    assert (first["time_to_first_page"], first["time_to_accept"], first["time_open"]) == (
        "0-5",
        "15-30",
        "60+",
    )
    assert (first["advocate"], first["room"], first["ride"]) == ("accepted", "unfilled", None)
    assert [n["time_to_accept"] for n in first["needs"]] == ["15-30", None]
    assert all("seconds_to_accept" not in n for n in first["needs"])
    assert (second["time_to_first_page"], second["time_to_accept"], second["time_open"]) == (
        None,
        None,
        "0-5",
    )
    assert second["advocate"] == "cancelled"


def test_the_migration_goes_down_and_up_again(fresh_url: str) -> None:
    upgrade_database(fresh_url, "0001")
    old_rows(fresh_url)
    upgrade_database(fresh_url, "0005_calllog")
    downgrade_database(fresh_url, "0001")
    engine = sa.create_engine(fresh_url)
    with engine.connect() as conn:
        back = conn.execute(
            sa.text("SELECT seconds_to_accept, seconds_open FROM call_log ORDER BY code")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in back] == [(900, 3600), (None, 0)]  # the buckets' lower ends
    upgrade_database(fresh_url, "0005_calllog")


def downgrade_database(url: str, revision: str) -> None:
    """Alembic downgrade of ``url`` to ``revision``."""
    from alembic import command
    from alembic.config import Config

    from dispatcher.db import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    command.downgrade(config, revision)
