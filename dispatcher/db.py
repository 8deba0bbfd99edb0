"""Engine, sessions and column types. SQLite (WAL) by default, PostgreSQL in production.

Services take a session first and never commit; the request, job or command that owns the
unit of work commits (``session_scope``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, Table, create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from dispatcher.files import create_private

# After a checkpoint SQLite truncates the WAL to this size (bytes) instead of keeping it.
JOURNAL_SIZE_LIMIT = 1024 * 1024
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model; constraint names are stable for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored as naive UTC; naive values are refused."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store aware datetimes as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are aware UTC everywhere")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read naive UTC back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


def is_sqlite(url_or_engine: str | Engine) -> bool:
    """True for a SQLite URL or engine."""
    name = url_or_engine if isinstance(url_or_engine, str) else url_or_engine.url.drivername
    return name.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    Statement parameters are never put into error messages or logs: they can hold phone
    numbers (and sealed texts) that must not reach a log line.
    """
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        path = url.split("sqlite:///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:":
            # SQLite gives its -wal and -shm files the database file's permissions.
            descriptor = create_private(Path(path))
            if descriptor is not None:
                os.close(descriptor)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL for concurrent readers, enforced foreign keys, wait instead of failing on locks;
    freed pages zeroed and the WAL cut back to ``JOURNAL_SIZE_LIMIT`` after checkpoints."""
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take the write lock at BEGIN so read-then-write transactions cannot deadlock."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # On SQLite every transaction takes the one write lock (BEGIN IMMEDIATE), and a
        # connection that finds it taken sleeps in SQLite's busy handler for growing spans:
        # under load a webhook waited seconds behind the sending threads. Units of work of
        # this process take turns on this lock instead (re-entrant: a request that opens a
        # second unit of work keeps its turn).
        self.turn = threading.RLock()

    @property
    def sqlite(self) -> bool:
        """True when this database is SQLite."""
        return is_sqlite(self.engine)

    def taking_turns(self) -> AbstractContextManager[object]:
        """This process's turn for the database: the turn lock on SQLite, nothing otherwise."""
        return self.turn if self.sqlite else nullcontext()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A unit of work for jobs and commands: commit on success, roll back on error.

        On SQLite it waits for this process's turn first (see ``turn``).
        """
        with self.taking_turns():
            session = self.sessions()
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database and truncate it to zero bytes, so that
        wiped rows do not linger there. Nothing on PostgreSQL. Call outside a transaction."""
        if not self.sqlite:
            return
        connection = self.engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        finally:
            connection.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


# Inside the package, so an installed wheel can migrate its database.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def upgrade_database(url: str, revision: str = "head") -> None:
    """Apply Alembic migrations to ``url`` (creating a SQLite file if needed)."""
    from alembic import command
    from alembic.config import Config

    if is_sqlite(url):
        make_engine(url).dispose()  # creates the folder and switches the file to WAL
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    command.upgrade(config, revision)


def upsert(session: Session, model: type[Base] | Table) -> Any:
    """An INSERT for ``model`` that offers ``on_conflict_do_nothing/do_update`` (SQLite, PG)."""
    return dialect_upsert(dialect_of(session), model)


def table_of(model: type[Base]) -> Table:
    """The table of a mapped class, for Core statements on hot paths."""
    return Base.metadata.tables[model.__tablename__]


def dialect_of(session: Session) -> str:
    """The name of the session's database dialect: ``sqlite`` or ``postgresql``."""
    return session.get_bind().dialect.name


def dialect_upsert(dialect: str, model: type[Base] | Table) -> Any:
    """``upsert`` for a dialect by name, so a hot path can build its statement once per
    dialect (``functools.cache``) and bind values at execution: building and keying a
    statement cost more CPU than running it."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(model)
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert

    return postgresql_insert(model)


def insert_ignoring_duplicates(session: Session, model: type[Base]) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for ``model`` on this session's database."""
    return upsert(session, model).on_conflict_do_nothing()


def rows_changed(result: Any) -> int:
    """How many rows an UPDATE or DELETE touched (its cursor's rowcount)."""
    return int(result.rowcount)
