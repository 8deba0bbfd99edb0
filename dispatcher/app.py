"""The application factory: the runtime (``dispatcher.runtime``), the web app, blueprints."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from dispatcher import web
from dispatcher.clock import Clock
from dispatcher.runtime import build_runtime
from dispatcher.runtime import configure_logging as configure_logging
from dispatcher.runtime import sealer_for as sealer_for
from dispatcher.settings import Settings, load_settings

log = logging.getLogger("dispatcher.app")


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    start_engine: bool = False,
    bind_host: str | None = None,
) -> Flask:
    """Build the app on a new runtime. Nothing starts at import; the engine starts only
    when asked (otherwise the engine runs in other processes, woken by NOTIFY).

    ``bind_host`` is the address a built-in server listens on (the simulator's access
    depends on it).
    """
    settings = settings or load_settings()
    runtime = build_runtime(settings, clock, bind_host)  # configures logging first
    if settings.secret_key_local:
        log.warning(
            "config.secret_key_generated_locally path=%s",
            Path(settings.instance_dir) / "secret_key",
        )
    app = Flask(__name__, instance_path=settings.instance_dir)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=settings.session_idle,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
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

        scheduler.start(runtime)
    return app


def register_blueprints(app: Flask) -> None:
    """Mount every area of the service."""
    from dispatcher import admin, api, calendars, health, home, openshifts
    from dispatcher.sms import calls, webhooks

    app.register_blueprint(home.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(calendars.blueprint)  # the token in the address signs in
    app.register_blueprint(openshifts.blueprint)  # so does a member's open-shift link
    web.csrf.exempt(api.blueprint)  # bearer tokens only: cookies never authenticate it
    app.register_blueprint(api.blueprint)
    web.csrf.exempt(webhooks.blueprint)
    app.register_blueprint(webhooks.blueprint)
    web.csrf.exempt(calls.blueprint)
    app.register_blueprint(calls.blueprint)
    if web.runtime_of(app).settings.simulator:
        from dispatcher.sms import simulator

        app.register_blueprint(simulator.blueprint)
    admin.init_app(app)  # /admin, with sign-in (Flask-Login) and role checks
