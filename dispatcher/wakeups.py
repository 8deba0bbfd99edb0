"""Waking engines in other processes: PostgreSQL ``NOTIFY`` when work is queued, ``LISTEN``.

A web process without an engine (gunicorn) sends ``NOTIFY dispatcher_work`` after it has
committed work for the engine; each ``dispatcher worker`` keeps one dedicated connection
listening and ticks at once. Notifications are only a hint: the periodic tick stays the
safety net, so a lost notification (a worker restarting, a dropped connection) makes work
late by at most one tick interval, never lost. SQLite has no such channel (and only one
engine, in the web process itself), so there both ends do nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session

from dispatcher.db import Database

log = logging.getLogger("dispatcher.wakeups")
CHANNEL = "dispatcher_work"
NOTIFY = text(f"NOTIFY {CHANNEL}")
# How long the listener waits for notifications before checking whether it should stop.
POLL_SECONDS = 1.0
# After the listening connection fails, wait this long before connecting again.
RECONNECT_SECONDS = 1.0


def notifier(database: Database) -> Notifier:
    """A kick that wakes listening engines: NOTIFY on PostgreSQL, nothing on SQLite."""
    return Notifier(database)


class Notifier:
    """Wakes listening engines by NOTIFY (nothing on SQLite). Never raises: a failed
    notification only delays the work until the next periodic tick."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def __call__(self) -> None:
        """After the transaction that queued the work committed: one notification, on a
        pooled connection of its own."""
        if self.database.sqlite:
            return
        try:
            with self.database.engine.connect() as connection:
                connection.execute(NOTIFY)
                connection.commit()
        except Exception as error:  # a hint only; the periodic tick covers it
            log.warning("wakeup.notify_failed error=%s", type(error).__name__)

    def within(self, session: Session) -> bool:
        """Queue the notification in ``session``'s transaction: PostgreSQL delivers it when
        that transaction commits (never if it rolls back), with no connection or commit of
        its own. True: nothing is left to do after the commit (on SQLite there never is)."""
        if not self.database.sqlite:
            session.execute(NOTIFY)
        return True


def libpq_url(sqlalchemy_url: str) -> str:
    """The SQLAlchemy URL of a PostgreSQL database as a libpq connection URI."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Listener:
    """A daemon thread that LISTENs on a dedicated connection and calls ``on_wake``."""

    def __init__(self, database_url: str, on_wake: Callable[[], None]) -> None:
        self.conninfo = libpq_url(database_url)
        self.on_wake = on_wake
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wakeup-listener", daemon=True)
        self.listening = threading.Event()  # set while a LISTEN is in place (tests wait on it)

    def start(self) -> None:
        """Start listening in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop listening; returns within about ``POLL_SECONDS``."""
        self._stopping.set()
        self._thread.join(timeout=POLL_SECONDS * 5)

    def _run(self) -> None:
        """Listen until stopped, reconnecting after failures."""
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception as error:  # the database went away; the poll covers the gap
                self.listening.clear()
                log.warning("wakeup.listen_failed error=%s", type(error).__name__)
                self._stopping.wait(RECONNECT_SECONDS)

    def _listen(self) -> None:
        """One connection's life: LISTEN, then wake the engine for each burst of notices."""
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            log.info("wakeup.listening channel=%s", CHANNEL)
            while not self._stopping.is_set():
                woken = False
                for _notice in connection.notifies(timeout=POLL_SECONDS, stop_after=1):
                    woken = True
                if woken:
                    self.on_wake()
