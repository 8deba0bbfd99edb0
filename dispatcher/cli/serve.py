"""``dispatcher run`` (web and engine in one process) and ``dispatcher worker`` (engine).

Both stop cleanly on SIGTERM and SIGINT: the engine stops ticking and gives its lock up.
``run`` serves at once, even while its engine waits for another engine's lock (SQLite).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

import click

from dispatcher.cli.common import domain_errors, settings
from dispatcher.settings import Settings

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

# How often the web server checks whether it was asked to stop (SIGTERM to exit).
STOP_POLL_SECONDS = 0.05


def register(main: click.Group) -> None:
    """Add the serving commands to ``main``."""
    main.add_command(run)
    main.add_command(worker)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@domain_errors
def run(host: str, port: int) -> None:
    """Serve the web app and, unless configured otherwise, run the engine in-process."""
    from werkzeug.serving import make_server

    from dispatcher.app import create_app
    from dispatcher.runtime import settle_heap
    from dispatcher.web import runtime_of

    config = settings()
    app = create_app(config, start_engine=config.engine_in_process, bind_host=host)
    settle_heap()
    server = make_server(host, port, app, threaded=True)
    announce(config, f"http://{host}:{port}")
    signalled = serve_until_stopped(server)
    runner = runtime_of(app).runner
    if runner is not None:
        runner.stop()
    if signalled:
        exit_now()


def serve_until_stopped(server: BaseWSGIServer) -> bool:
    """Serve until SIGTERM or SIGINT (or an error); True when a signal stopped it."""
    signalled = threading.Event()

    def stop() -> None:
        signalled.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    stop_on_signals(stop)
    try:
        server.serve_forever(poll_interval=STOP_POLL_SECONDS)
    finally:
        server.server_close()
    return signalled.is_set()


def announce(config: Settings, url: str) -> None:
    """Say where the service listens, and that a secret key was made here (never the key)."""
    click.echo(f"dispatcher listening on {url} (sms backend: {config.sms_backend})")
    if config.secret_key_local:
        click.echo(
            "secret key: generated locally and kept in the instance folder "
            "(set DISPATCHER_SECRET_KEY in production)"
        )
    if config.simulator:
        click.echo(f"SMS simulator: {url}/simulator")


@click.command()
@click.option(
    "--metrics-port",
    type=int,
    default=None,
    help="Serve this engine's Prometheus counters (ticks, pages) on this port.",
)
@domain_errors
def worker(metrics_port: int | None) -> None:
    """Run the engine alone (beside a web server such as gunicorn) until stopped; no web
    app is built."""
    from dispatcher.runtime import build_runtime, settle_heap
    from dispatcher.scheduler import start

    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port)
    # Handlers first: a SIGTERM that arrives once the engine holds its lock must still stop
    # it cleanly, however slow the start (a busy machine widened that window).
    stopping = threading.Event()
    stop_on_signals(stopping.set)
    runner = start(build_runtime(settings()))
    settle_heap()
    click.echo("dispatcher engine started; stop with Ctrl-C or SIGTERM")
    stopping.wait()
    runner.stop()
    exit_now()


def exit_now() -> None:
    """Exit with status 0 once everything is stopped, skipping the interpreter's teardown.

    Nothing is left to do (every pending action is in the database); the teardown of
    a process this size took most of a second, which a restart would otherwise wait for.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def stop_on_signals(stop: Callable[[], None]) -> None:
    """Call ``stop`` (which must not block) on SIGTERM or SIGINT."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
