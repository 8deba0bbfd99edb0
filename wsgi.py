"""The WSGI entry point for gunicorn: ``gunicorn wsgi:app``. The only module-level app."""

from dispatcher import create_app
from dispatcher.runtime import settle_heap

app = create_app()
settle_heap()
