"""What a request needs from the running service: the runtime and a database session.

One SQLAlchemy session per request, closed (and rolled back if uncommitted) at teardown.
On SQLite, requests take turns for the database (see ``db_session``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from dispatcher.accounts import ratelimits
from dispatcher.clock import Clock
from dispatcher.crypto import Sealer
from dispatcher.db import Database
from dispatcher.flows.engine import Engine
from dispatcher.flows.ports import Kick, Sender
from dispatcher.languages import LANGUAGE_LABELS, LANGUAGES, SOURCE_LANGUAGE
from dispatcher.settings import Settings

EXTENSION = "dispatcher"
# How long a request waits for its turn on SQLite before going ahead anyway (SQLite's own
# busy timeout then decides, as it would without turns).
TURN_TIMEOUT = 30.0
log = logging.getLogger(__name__)
# Every form is CSRF-protected; Twilio's webhooks are exempted where they are mounted
# (they are signature-checked instead).
csrf = CSRFProtect()
# The pages' texts come from the same gettext catalogs as the SMS texts.
babel = Babel()
TRANSLATIONS = str(Path(__file__).resolve().parent / "translations")


class Limiter(Protocol):
    """Caps the replies sent to one number (``sms.ratelimit.ReplyLimiter``)."""

    def allow(self, number: str, now: datetime) -> bool:
        """True (and counted) when another reply to ``number`` is allowed now."""
        ...


class Runner(Protocol):
    """Runs the engine's ticks in this process (``scheduler.EngineRunner``)."""

    @property
    def ticking(self) -> bool:
        """True once this runner holds the engine lock and ticks."""
        ...

    def stop(self) -> None:
        """Stop ticking and give the engine lock up."""
        ...


@dataclass
class Runtime:
    """The service's long-lived parts, built once per process by ``runtime.build_runtime``.

    ``kick`` is the one way to wake the engine (``flows.ports.Kick``); ``runner`` is set
    once this process runs the engine itself (``scheduler.start``).
    """

    settings: Settings
    database: Database
    clock: Clock
    sealer: Sealer
    sender: Sender
    engine: Engine
    kick: Kick
    limiter: Limiter
    runner: Runner | None = None
    # The address ``dispatcher run`` listens on (None when another server runs the app).
    bind_host: str | None = None


def init_app(app: Flask, runtime: Runtime) -> None:
    """Attach the runtime to ``app`` and close the request's session at teardown."""
    app.extensions[EXTENSION] = runtime
    app.teardown_appcontext(_close_session)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=page_language,
        default_domain="messages",
        default_translation_directories=TRANSLATIONS,
    )
    app.context_processor(_languages)


def page_language() -> str:
    """The language of the pages: ``?lang=`` (kept in the session), else the browser's
    preferred one among LANGUAGES, else English."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    kept = session.get("lang")
    if kept in LANGUAGES:
        return str(kept)
    return request.accept_languages.best_match(LANGUAGES) or SOURCE_LANGUAGE


def _languages() -> dict[str, Any]:
    """Template values: the page's language and the languages to switch to."""
    if not has_request_context():
        return {"page_language": SOURCE_LANGUAGE, "language_labels": LANGUAGE_LABELS}
    return {"page_language": page_language(), "language_labels": LANGUAGE_LABELS}


def runtime() -> Runtime:
    """The runtime of the current application."""
    return runtime_of(current_app)


def runtime_of(app: Flask) -> Runtime:
    """The runtime of ``app``."""
    value: Runtime = app.extensions[EXTENSION]
    return value


def db_session() -> Session:
    """The current request's session, opened on first use (on SQLite, once it is our turn).

    Every SQLite transaction takes the database's one write lock (BEGIN IMMEDIATE), and a
    thread that finds it taken polls with growing sleeps: under load some requests waited
    seconds while later ones went first. Requests queue on a lock of the process instead,
    held until teardown, so they get the database in turn.
    """
    if "db_session" not in g:
        found = runtime()
        if found.database.sqlite:
            g.db_turn = found.database.turn.acquire(timeout=TURN_TIMEOUT)
            if not g.db_turn:
                log.warning("db.turn_timeout seconds=%s", TURN_TIMEOUT)
        g.db_session = found.database.sessions()
    session: Session = g.db_session
    return session


def over_rate(key: str, per_minute: int) -> int | None:
    """Count this request for ``key`` (an id such as ``api:7``) and commit at once, so that
    every process counts it; None when within ``per_minute``, else the seconds to wait.

    Call it before the request writes anything of its own: it commits the request's
    session.
    """
    session = db_session()
    wait = ratelimits.hit(session, key, runtime().clock.now(), per_minute)
    session.commit()
    return wait


def _close_session(_exc: BaseException | None) -> None:
    """Roll back whatever the request did not commit, close, and give the turn up."""
    session: Session | None = g.pop("db_session", None)
    try:
        if session is not None:
            session.rollback()
            session.close()
    finally:
        if g.pop("db_turn", False):
            runtime().database.turn.release()
