"""Who runs the engine. On SQLite exactly one engine may run; on PostgreSQL many may (they
share work through row locks).

The single-engine guard on SQLite is an OS file lock (``flock``) on a file next to the
database: the kernel frees it the instant its process dies, by a crash, ``kill -9`` or a
clean stop, so a restarted engine never waits for a lease to run out. The ``engine_leases``
row only records who ticked last and when (readiness).
"""

from __future__ import annotations

import fcntl
import os
import socket
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from dispatcher.db import Database, upsert
from dispatcher.flows.models import EngineLease

NAME = "engine"
TERM = timedelta(seconds=15)
LOCK_SUFFIX = ".engine-lock"


def holder_name() -> str:
    """A name unique to this engine instance: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lock_path(database: Database) -> Path | None:
    """The lock file of a SQLite database file (None on PostgreSQL or in memory)."""
    if not database.sqlite:
        return None
    path = database.url.split("sqlite:///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path + LOCK_SUFFIX)


class EngineLock:
    """The right to run the engine on this database, held until ``release`` or death.

    Always granted on PostgreSQL. On SQLite an exclusive ``flock`` on ``lock_path``: two
    holders (in two processes, or two instances in one) cannot hold it at once.
    """

    def __init__(self, database: Database) -> None:
        self.path = lock_path(database)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this instance holds the lock (always on PostgreSQL)."""
        return self.path is None or self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never waits. True when held afterwards."""
        if self.held or self.path is None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Give the lock up (the kernel does the same when the process dies)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def acquire(database: Database, holder: str, now: datetime) -> None:
    """Record ``holder`` as the engine (call it holding the EngineLock on SQLite)."""
    _record(database, holder, now, tick=False)


def renew(database: Database, holder: str, now: datetime) -> None:
    """Record a tick by ``holder`` (readiness reads it). Nothing to win or lose: on SQLite
    the EngineLock guards, and on PostgreSQL row locks share the work."""
    _record(database, holder, now, tick=True)


def _record(database: Database, holder: str, now: datetime, *, tick: bool) -> None:
    """Write the lease row (one upsert): the holder, a nominal expiry and (with ``tick``)
    the last tick."""
    values: dict[str, object] = {"holder": holder, "expires_at": now + TERM}
    if tick:
        values["last_tick_at"] = now
    with database.session_scope() as session:
        statement = upsert(session, EngineLease).values(name=NAME, **values)
        session.execute(
            statement.on_conflict_do_update(index_elements=[EngineLease.name], set_=values)
        )


def release(database: Database, holder: str) -> None:
    """Mark the lease given up on a clean stop (its expiry moves into the past)."""
    with database.session_scope() as session:
        lease = session.get(EngineLease, NAME)
        if lease is not None and lease.holder == holder:
            lease.expires_at = lease.expires_at - TERM - TERM
