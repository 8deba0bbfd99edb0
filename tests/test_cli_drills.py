"""``dispatcher drill start`` end to end on a real SQLite file: planned, audited, refused
with a clear message for a roster that does not exist or a window too long."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.db import Database
from dispatcher.flows.models import Drill
from tests.night import COALITION
from tests.test_cli_rosters import Run, env, run  # noqa: F401  (fixtures)


def load(run: Run, env: dict[str, str]) -> Database:  # noqa: F811
    """The test coalition imported by the command; the database."""
    file = Path(env["DISPATCHER_INSTANCE_DIR"]).parent / "roster.toml"
    file.write_text(COALITION)
    assert run("roster", "import", str(file)).exit_code == 0
    return Database(env["DISPATCHER_DATABASE_URL"])


def test_drill_start_now_and_within_a_window(run: Run, env: dict[str, str]) -> None:  # noqa: F811
    database = load(run, env)
    now = run("drill", "start", "--roster", "advocates")
    assert now.exit_code == 0, now.output
    assert "of advocates planned: it starts now" in now.output
    later = run("drill", "start", "--roster", "advocates", "--within", "2h")
    assert later.exit_code == 0, later.output
    assert "at a random time within 2h" in later.output
    with database.session_scope() as session:
        first, second = session.scalars(select(Drill).order_by(Drill.id)).all()
        assert first.due_at == first.created_at
        assert second.due_at is not None
        assert second.created_at <= second.due_at <= second.created_at + timedelta(hours=2)
        actors = session.scalars(select(AuditEntry.actor).where(AuditEntry.entity == "drill"))
        assert all(actor.startswith("cli") for actor in actors)
    database.dispose()


def test_drill_start_refuses_clearly(run: Run, env: dict[str, str]) -> None:  # noqa: F811
    load(run, env)
    unknown = run("drill", "start", "--roster", "nobody")
    assert unknown.exit_code == 1 and "nobody" in unknown.output
    too_long = run("drill", "start", "--roster", "advocates", "--within", "30d")
    assert too_long.exit_code == 1 and "between 0 and 14 days" in too_long.output
