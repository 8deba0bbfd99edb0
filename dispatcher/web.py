"""What a request needs from the running service: settings, database session, clock, sealer.

One SQLAlchemy session per request, closed (and rolled back if uncommitted) at teardown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from dispatcher.clock import Clock
from dispatcher.crypto import Sealer
from dispatcher.db import Database
from dispatcher.settings import Settings

EXTENSION = "dispatcher"
# Every form is CSRF-protected; Twilio's webhooks are exempted where they are mounted
# (they are signature-checked instead).
csrf = CSRFProtect()


@dataclass
class Runtime:
    """The service's long-lived parts, built once by ``create_app``."""

    settings: Settings
    database: Database
    clock: Clock
    sealer: Sealer
    extras: dict[str, Any] = field(default_factory=dict)


def init_app(app: Flask, runtime: Runtime) -> None:
    """Attach the runtime to ``app`` and close the request's session at teardown."""
    app.extensions[EXTENSION] = runtime
    app.teardown_appcontext(_close_session)
    csrf.init_app(app)


def runtime() -> Runtime:
    """The runtime of the current application."""
    return runtime_of(current_app)


def runtime_of(app: Flask) -> Runtime:
    """The runtime of ``app``."""
    value: Runtime = app.extensions[EXTENSION]
    return value


def db_session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = runtime().database.sessions()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    """Roll back whatever the request did not commit, then close."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
