"""The browser tests' constants and the app served in a thread for them."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from dispatcher.clock import ManualClock
from dispatcher.db import Database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("DISPATCHER_REQUIRE_BROWSER") == "1"
ADMIN_EMAIL = "lead@coalition.test"
ADMIN_PASSWORD = "a long browser test password"


class Server:
    """The app served by werkzeug in a thread, with its clock and database."""

    def __init__(self, app: Flask, clock: ManualClock) -> None:
        from werkzeug.serving import make_server

        self.app, self.clock = app, clock
        self.database: Database = app.extensions["dispatcher"].database
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the database."""
        self._server.shutdown()
        self._thread.join(timeout=5)
        self.database.dispose()


def sign_in(page: Any) -> None:
    """Sign ``page`` in as the admin; the first page is the Now board."""
    from playwright.sync_api import expect

    page.goto("/admin/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Now", level=1)).to_be_visible()


@contextmanager
def signed_in_page(browser: Any, server: Server) -> Iterator[Any]:
    """A page of a new browser context signed in as the admin, on the Now board; any
    script error on it fails the test when the block ends."""
    context = browser.new_context(base_url=server.url)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(opened)
    yield opened
    context.close()
    assert errors == []
