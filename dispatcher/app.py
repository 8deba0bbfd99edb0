"""The application factory: settings, database, clock, senders, engine, blueprints."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from dispatcher import web
from dispatcher.clock import Clock, SystemClock
from dispatcher.crypto import Sealer, key_lifetime
from dispatcher.db import Database
from dispatcher.settings import Settings, load_settings


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    start_engine: bool = False,
    **extras: Any,
) -> Flask:
    """Build the app. Nothing starts at import; the engine starts only when asked.

    ``extras`` reach ``web.Runtime.extras`` (tests pass fakes there).
    """
    settings = settings or load_settings()
    configure_logging()
    app = Flask(__name__, instance_path=settings.instance_dir)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=settings.session_idle,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    clock = clock or SystemClock()
    runtime = web.Runtime(
        settings=settings,
        database=Database(settings.database_url),
        clock=clock,
        sealer=sealer_for(settings, clock),
        extras=dict(extras),
    )
    web.init_app(app, runtime)
    if settings.proxy_hops:
        # Client addresses (sign-in limits) come from X-Forwarded-For, trusted for exactly
        # this many proxies. Twilio signatures never depend on it: they use the public URL.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    register_blueprints(app)
    if start_engine:
        from dispatcher import scheduler

        scheduler.start(app)
    return app


def sealer_for(settings: Settings, clock: Clock) -> Sealer:
    """The sealer for officers' words: hourly keys in ``keys_dir``, erased on time."""
    return Sealer(
        settings.secret_key,
        clock,
        settings.keys_dir,
        previous_secret_keys=settings.previous_secret_keys,
        keep=key_lifetime(settings.note_max_age, settings.key_grace),
    )


def register_blueprints(app: Flask) -> None:
    """Mount every area of the service."""
    from dispatcher import admin, health, home
    from dispatcher.sms import webhooks

    app.register_blueprint(home.blueprint)
    app.register_blueprint(health.blueprint)
    web.csrf.exempt(webhooks.blueprint)
    app.register_blueprint(webhooks.blueprint)
    if web.runtime_of(app).settings.simulator:
        from dispatcher.sms import simulator

        app.register_blueprint(simulator.blueprint)
    admin.init_app(app)  # /admin, with sign-in (Flask-Login) and role checks


def configure_logging() -> None:
    """key=value event logs on stderr; never message bodies or phone numbers."""
    root = logging.getLogger()
    if not any(getattr(h, "_dispatcher", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler._dispatcher = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("twilio").setLevel(logging.WARNING)  # it logs bodies at INFO
