"""Sign-in throttling that holds across processes, and slows guessing instead of locking out.

Each attempt is counted as a failure *before* its password is checked, by one conditional
``UPDATE ... SET failures = :seen + 1 WHERE failures = :seen`` per key (the account tried
and the client address): of any number of parallel guesses exactly ``limit`` are evaluated.
Beyond the limit each further attempt must wait twice as long as the one before (1 s, 2 s,
4 s, ... up to LONGEST_WAIT), so the real owner waits seconds, not a quarter of an hour,
while a guesser gets a handful of tries an hour. A success takes its count back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from dispatcher.accounts.models import LoginThrottle
from dispatcher.db import insert_ignoring_duplicates, rows_changed

# Failures are forgotten after this long without one.
LOGIN_WINDOW = timedelta(minutes=15)
LONGEST_WAIT = timedelta(minutes=15)
# Conditional updates lost to parallel attempts are retried this often, then refused.
CLAIM_TRIES = 100


def keys(email: str, address: str) -> tuple[str, str]:
    """The throttle keys of one attempt: its account and its client address."""
    return f"account:{email.strip().lower()[:200]}", f"address:{address[:64]}"


def wait_after(failures: int, limit: int) -> timedelta | None:
    """How long to refuse attempts after ``failures`` (None below ``limit``): 2^n seconds."""
    if failures < limit:
        return None
    return min(timedelta(seconds=2 ** min(failures - limit, 20)), LONGEST_WAIT)


def claim(session: Session, email: str, address: str, now: datetime, limit: int) -> bool:
    """Count one attempt for the account and the address; False when either must wait.

    The caller commits at once, before checking the password, so that parallel attempts
    see the count. A refused attempt is not counted.
    """
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at <= now - LOGIN_WINDOW,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now),
        )
    )
    account, client = keys(email, address)
    if not _claim_key(session, account, now, limit):
        return False
    if _claim_key(session, client, now, limit):
        return True
    _give_back(session, account, limit, reset=False)
    return False


def _claim_key(session: Session, key: str, now: datetime, limit: int) -> bool:
    """Add one failure to ``key`` if it may try now (conditional UPDATE, retried on a race)."""
    session.execute(
        insert_ignoring_duplicates(session, LoginThrottle).values(
            key=key, failures=0, last_failure_at=now
        )
    )
    for _ in range(CLAIM_TRIES):
        row = session.execute(
            select(LoginThrottle.failures, LoginThrottle.blocked_until).where(
                LoginThrottle.key == key
            )
        ).first()
        seen, blocked = (0, None) if row is None else (row.failures, row.blocked_until)
        if seen >= limit and (blocked is None or blocked > now):
            return False
        wait = wait_after(seen + 1, limit)
        statement = (
            update(LoginThrottle)
            .where(LoginThrottle.key == key, LoginThrottle.failures == seen)
            .values(
                failures=seen + 1,
                last_failure_at=now,
                blocked_until=None if wait is None else now + wait,
            )
        )
        if rows_changed(session.execute(statement)):
            return True
    return False


def succeeded(session: Session, email: str, address: str, limit: int) -> None:
    """A right password: the account's failures are cleared, the address's attempt undone."""
    account, client = keys(email, address)
    _give_back(session, account, limit, reset=True)
    _give_back(session, client, limit, reset=False)


def _give_back(session: Session, key: str, limit: int, *, reset: bool) -> None:
    """Take the counted attempt back from ``key`` (or clear it entirely with ``reset``)."""
    failures = 0 if reset else LoginThrottle.failures - 1
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.failures > 0)
        .values(failures=failures)
    )
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.failures < limit)
        .values(blocked_until=None)
    )
