"""gunicorn defaults for the web processes: ``gunicorn -c gunicorn.conf.py``.

The web is stateless: the engine runs in ``dispatcher worker`` processes beside it. Every
value can be overridden on the command line or with ``GUNICORN_CMD_ARGS``; the bind address
and worker count also with ``DISPATCHER_BIND`` and ``WEB_CONCURRENCY``.
"""

import os

wsgi_app = "dispatcher.app:create_app()"
bind = os.environ.get("DISPATCHER_BIND", "0.0.0.0:8000")
# Webhooks are short database transactions; a few processes with a few threads each keep a
# slow admin page from holding up Twilio's requests.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 4
# Twilio gives up on a webhook after 15 s; answer or fail well before that.
timeout = 20
graceful_timeout = 20
keepalive = 5
# Each process builds its own app, database pool and sealer after the fork.
preload_app = False
# The access log would carry query strings; the app logs its own key=value events instead.
accesslog = None
errorlog = "-"
loglevel = "info"
# gunicorn's control socket has one default path per user; two services (or test runs) on a
# host would fight over it, and nothing here uses it.
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Once a process has built its app, freeze start-up's objects out of the collector's
    walk (``dispatcher.runtime.settle_heap``): full collections stop costing admin pages their
    95th percentile."""
    from dispatcher.runtime import settle_heap

    settle_heap()
