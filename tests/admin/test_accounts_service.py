"""The accounts service and the audit log, without the web pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.accounts import service
from dispatcher.accounts.models import User
from dispatcher.audit import WITHHELD, AuditEntry, clean
from dispatcher.cli import main
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.errors import Conflict, ValidationError
from tests.support.admin import PASSWORD


@pytest.mark.parametrize(
    ("email", "password", "role", "error"),
    [
        ("not-an-email", PASSWORD, "admin", ValidationError),
        ("a@b.test", "short", "admin", ValidationError),
        ("a@b.test", PASSWORD, "superuser", ValidationError),
    ],
)
def test_create_user_refuses_bad_input(
    session: Session, clock: ManualClock, email: str, password: str, role: str, error: type
) -> None:
    with pytest.raises(error):
        service.create_user(session, email, password, role, clock.now())


def test_emails_are_compared_without_case_and_are_unique(
    session: Session, clock: ManualClock
) -> None:
    user = service.create_user(session, " Ana@Coalition.TEST ", PASSWORD, "viewer", clock.now())
    assert user.email == "ana@coalition.test"
    with pytest.raises(Conflict):
        service.create_user(session, "ana@coalition.test", PASSWORD, "admin", clock.now())
    assert service.authenticate(session, "ANA@coalition.test", PASSWORD, clock.now()) is user


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    session: Session, clock: ManualClock
) -> None:
    first = service.create_user(session, "one@c.test", PASSWORD, "admin", clock.now())
    with pytest.raises(Conflict):
        service.set_role(session, first, "viewer")
    with pytest.raises(Conflict):
        service.deactivate(session, first)
    second = service.create_user(session, "two@c.test", PASSWORD, "admin", clock.now())
    service.deactivate(session, first)
    assert not first.active
    assert service.authenticate(session, "one@c.test", PASSWORD, clock.now()) is None
    assert service.authenticate(session, "two@c.test", PASSWORD, clock.now()) is second


def test_the_audit_log_withholds_secrets_and_words_at_any_depth() -> None:
    cleaned = clean(
        {
            "password": "hunter2hunter2",
            "email": "a@b.test",
            "nested": {"note": "victim details", "when": datetime(2026, 1, 1, tzinfo=UTC)},
            "tags": {"b", "a"},
        }
    )
    assert cleaned == {
        "password": WITHHELD,
        "email": "a@b.test",
        "nested": {"note": WITHHELD, "when": "2026-01-01T00:00:00+00:00"},
        "tags": ["a", "b"],
    }


def test_audit_entries_cannot_be_changed_or_deleted(session: Session, clock: ManualClock) -> None:
    entry = service.Auditor("a@b.test", clock.now()).record(
        session, "update", "person", 3, {"x": 1}, {"x": 2}
    )
    assert entry is not None
    session.commit()
    entry.action = "nothing happened"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    session.delete(entry)
    with pytest.raises(PermissionError):
        session.flush()


def test_the_cli_creates_an_account_and_audits_it(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCHER_DATABASE_URL", database.url)
    monkeypatch.setenv("DISPATCHER_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("DISPATCHER_SECRET_KEY", "cli-test-key-at-least-32-characters-long")
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["admin", "create", "Lead@Coalition.test", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "created admin account lead@coalition.test" in result.output
    with database.sessions() as session:
        user = session.scalars(select(User)).one()
        entry = session.scalars(select(AuditEntry)).one()
    assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
    assert entry.actor.startswith("cli") and entry.action == "create"
    assert entry.new == {"email": "lead@coalition.test", "role": "admin", "active": True}
    again = runner.invoke(
        main,
        ["admin", "create", "lead@coalition.test", "--role", "viewer", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 1 and "already exists" in again.output


def test_the_cli_asks_for_the_password_twice(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCHER_DATABASE_URL", database.url)
    monkeypatch.setenv("DISPATCHER_INSTANCE_DIR", str(tmp_path))
    result = CliRunner().invoke(
        main,
        ["admin", "create", "v@coalition.test", "--role", "viewer"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_account_changes_are_recorded_and_refused_ones_are_not(
    session: Session, clock: ManualClock
) -> None:
    auditor = service.Auditor("admin@coalition.test", clock.now())
    admin = service.create_account(session, auditor, "lead@coalition.test", PASSWORD, "admin")
    viewer = service.create_account(session, auditor, "v@coalition.test", PASSWORD, "viewer")
    service.change_account(
        session, auditor, viewer, lambda: service.set_role(session, viewer, "coordinator")
    )
    with pytest.raises(Conflict):
        service.change_account(session, auditor, admin, lambda: service.deactivate(session, admin))
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity_id) for e in entries] == [
        ("create", admin.id),
        ("create", viewer.id),
        ("update", viewer.id),
    ]
    assert (entries[2].old, entries[2].new) == ({"role": "viewer"}, {"role": "coordinator"})
