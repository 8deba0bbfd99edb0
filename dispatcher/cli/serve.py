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
    app = create_app(config, start_engine=config.engine_in_process, bind_host=host)
    server = make_server(host, port, app, threaded=True)
    click.echo(f"dispatcher listening on http://{host}:{port} (sms backend: {config.sms_backend})")
    if config.secret_key_local:
        click.echo(
            "secret key: generated locally and kept in the instance folder "
            "(set DISPATCHER_SECRET_KEY in production)"
        )
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
@domain_errors
def worker() -> None:
    """Run the engine alone (beside a web server such as gunicorn) until stopped."""
    from dispatcher.app import create_app
    from dispatcher.scheduler import start

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
