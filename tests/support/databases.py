"""Test databases and settings: where PostgreSQL is, the tests' start instant, clean tables.

PostgreSQL tests run against DISPATCHER_TEST_POSTGRES_URL (default: the CI server at
127.0.0.1:5432, user postgres, database test). Without a reachable server they are skipped,
saying why, unless CI=true or DISPATCHER_REQUIRE_POSTGRES=1, where they fail instead.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dispatcher.accounts.models
import dispatcher.audit
import dispatcher.flows.models
import dispatcher.rosters.models  # noqa: F401  (every table)
from dispatcher.db import Base, Database
from dispatcher.rosters import needstore
from dispatcher.settings import Settings, load_settings

POSTGRES_URL = os.environ.get(
    "DISPATCHER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("CI") == "true" or bool(
    os.environ.get("DISPATCHER_REQUIRE_POSTGRES")
)
# Tuesday 10 March 2026, 12:00 UTC (06:00 in Chicago, two days after the spring change).
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def empty_tables(database: Database) -> None:
    """Delete every row, children first, so each test starts from an empty schema."""
    with database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    needstore.forget()  # the need table is back to the built-in one


def make_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    """Settings for a test: defaults, no environment, a private instance folder."""
    values: dict[str, Any] = {
        "instance_dir": str(tmp_path / "instance"),
        "database_url": database_url,
        "secret_key": "test-secret-key-at-least-32-characters-long",
        "public_base_url": "https://dispatch.test",
        "twilio_auth_token": "test-auth-token",
        # The tests' clock starts at 07:00: a morning gap report would follow every first
        # tick. Tests of the report turn it on.
        "gap_report_at": "off",
    }
    values.update(overrides)
    return load_settings(environ={}, overrides=values)
