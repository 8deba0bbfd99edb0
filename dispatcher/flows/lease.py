"""Who runs the engine. On SQLite exactly one engine may run; on PostgreSQL many may
(they share work through row locks) and the lease row only records the last tick.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dispatcher.db import Database
from dispatcher.errors import Conflict
from dispatcher.flows.models import EngineLease

NAME = "engine"
TERM = timedelta(seconds=15)


def holder_name() -> str:
    """A name unique to this engine instance."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(database: Database, holder: str, now: datetime) -> None:
    """Take the engine lease; on SQLite raise Conflict while another engine holds it."""
    with database.session_scope() as session:
        lease = session.scalars(
            select(EngineLease).where(EngineLease.name == NAME).with_for_update()
        ).first()
        if lease is None:
            session.add(EngineLease(name=NAME, holder=holder, expires_at=now + TERM))
            try:
                session.flush()
            except IntegrityError:
                raise Conflict("another engine started at the same moment") from None
            return
        if database.sqlite and lease.holder != holder and lease.expires_at > now:
            raise Conflict(
                f"another engine ({lease.holder}) is running on this SQLite database; "
                "only one may run (use PostgreSQL for several workers)"
            )
        lease.holder, lease.expires_at = holder, now + TERM


def renew(database: Database, holder: str, now: datetime) -> bool:
    """Extend the lease and record a tick; False when (on SQLite) it was lost to another."""
    with database.session_scope() as session:
        lease = session.get(EngineLease, NAME)
        if lease is None:
            session.add(
                EngineLease(name=NAME, holder=holder, expires_at=now + TERM, last_tick_at=now)
            )
            return True
        if database.sqlite and lease.holder != holder and lease.expires_at > now:
            return False
        lease.holder, lease.expires_at, lease.last_tick_at = holder, now + TERM, now
        return True


def release(database: Database, holder: str) -> None:
    """Give the lease up on a clean stop, so the next engine starts at once."""
    with database.session_scope() as session:
        lease = session.get(EngineLease, NAME)
        if lease is not None and lease.holder == holder:
            lease.expires_at = lease.expires_at - TERM - TERM
