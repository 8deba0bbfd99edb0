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

from dispatcher.db import Database

log = logging.getLogger("dispatcher.wakeups")
CHANNEL = "dispatcher_work"
# How long the listener waits for notifications before checking whether it should stop.
POLL_SECONDS = 1.0
# After the listening connection fails, wait this long before connecting again.
RECONNECT_SECONDS = 1.0


def notifier(database: Database) -> Callable[[], None]:
    """A kick that wakes listening engines: NOTIFY on PostgreSQL, nothing on SQLite.

    Call it after the transaction that queued the work has committed. Never raises: a
    failed notification only delays the work until the next periodic tick.
    """
    if database.sqlite:
        return lambda: None

    def notify() -> None:
        """Send one notification on a pooled connection of its own."""
        try:
            with database.engine.connect() as connection:
                connection.execute(text(f"NOTIFY {CHANNEL}"))
                connection.commit()
        except Exception as error:  # a hint only; the periodic tick covers it
            log.warning("wakeup.notify_failed error=%s", type(error).__name__)

    return notify


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
