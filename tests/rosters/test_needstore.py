"""The stored need table: read once per process and database, installed when a change
commits, forgotten when it rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from dispatcher.db import Database
from dispatcher.rosters import needstore
from dispatcher.rosters.needkinds import DEFAULT_NEEDS, make_need

LEGAL = make_need("legal", "legal", {"en": "legal aid"}, {"en": ["lawyer"]})


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    """The statements ``database`` runs inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def test_the_table_is_read_once_then_served_from_memory(database: Database) -> None:
    with database.session_scope() as session, counted(database) as statements:
        assert needstore.current(session) == DEFAULT_NEEDS
        assert needstore.current(session) == DEFAULT_NEEDS
    assert sum("need_kinds" in s for s in statements) == 1


def test_a_committed_change_is_used_at_once_without_reading(database: Database) -> None:
    with database.session_scope() as session:
        needstore.save(session, DEFAULT_NEEDS.with_needs([LEGAL]))
    with database.session_scope() as session, counted(database) as statements:
        assert needstore.current(session).keys[-1] == "legal"
    assert not any("need_kinds" in s for s in statements)
    needstore.forget()
    with database.session_scope() as session:
        assert needstore.current(session).get("legal") == LEGAL  # as stored


def test_a_change_rolled_back_is_not_kept(database: Database) -> None:
    with database.session_scope() as session:
        needstore.current(session)
    session = database.sessions()
    try:
        needstore.save(session, DEFAULT_NEEDS.with_needs([LEGAL]))
        session.rollback()
        session.commit()  # a later commit on the same session installs nothing
    finally:
        session.close()
    with database.session_scope() as session:
        assert needstore.current(session) == DEFAULT_NEEDS
