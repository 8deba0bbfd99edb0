"""``dispatcher run`` (web and engine in one process) and ``dispatcher worker`` (engine)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from dispatcher.cli.common import domain_errors, settings


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

    config = settings()
    app = create_app(config, start_engine=config.engine_in_process)
    server = make_server(host, port, app, threaded=True)
    click.echo(f"dispatcher listening on http://{host}:{port} (sms backend: {config.sms_backend})")
    if config.simulator:
        click.echo(f"SMS simulator: http://{host}:{port}/simulator")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        runner = app.extensions["dispatcher"].extras.get("runner")
        if runner is not None:
            runner.stop()


@click.command()
@click.option(
    "--metrics-port",
    type=int,
    default=None,
    help="Serve this engine's Prometheus counters (ticks, pages) on this port.",
)
@domain_errors
def worker(metrics_port: int | None) -> None:
    """Run the engine alone (beside a web server such as gunicorn) until stopped."""
    from dispatcher.app import create_app
    from dispatcher.scheduler import start

    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port)
    app = create_app(settings())
    runner = start(app)
    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo("dispatcher engine running; stop with Ctrl-C or SIGTERM")
    stopping.wait()
    runner.stop()
