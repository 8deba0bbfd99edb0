"""Waking engines in other processes: NOTIFY reaches a LISTENing worker on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dispatcher.db import Database
from dispatcher.wakeups import Listener, libpq_url, notifier


def test_libpq_url_drops_the_sqlalchemy_driver() -> None:
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:5432/test"
    assert libpq_url(url) == "postgresql://postgres:secret@127.0.0.1:5432/test"


@contextmanager
def listening(database: Database) -> Iterator[threading.Event]:
    """A listener LISTENing on ``database``; the event is set when a notification came."""
    woken = threading.Event()
    listener = Listener(database.url, woken.set)
    listener.start()
    try:
        assert listener.listening.wait(10)
        yield woken
    finally:
        listener.stop()


def test_a_notification_wakes_the_listener_and_never_raises(database: Database) -> None:
    notify = notifier(database)
    if database.sqlite:
        notify()  # SQLite has one engine in the web process: nothing to wake, no error
        return
    with listening(database) as woken:
        notify()
        assert woken.wait(10)


@pytest.mark.postgres
def test_a_notification_to_an_unreachable_database_is_only_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = Database(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    notifier(unreachable)()
    assert "wakeup.notify_failed" in caplog.text


def test_a_notification_queued_in_a_transaction_arrives_at_its_commit_never_at_a_rollback(
    database: Database,
) -> None:
    notify = notifier(database)
    if database.sqlite:
        with database.session_scope() as session:
            assert notify.within(session)  # nothing to wake, nothing left to do after
        return
    with listening(database) as woken, database.sessions() as session:
        assert notify.within(session)
        assert not woken.wait(0.3)  # not before the commit
        session.rollback()
        assert not woken.wait(0.3)  # a rolled-back transaction wakes nobody
        assert notify.within(session)
        session.commit()
        assert woken.wait(10)
