"""The real app served on 127.0.0.1 and driven by headless Chromium through playwright.

Debian's ``chromium`` (/usr/bin/chromium) is used; ``playwright install`` never runs. Without
it these tests skip, saying why, unless DISPATCHER_REQUIRE_BROWSER=1 (CI), where they fail.
One server and one browser per module keep the suite to a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from dispatcher.accounts import passwords, service
from dispatcher.app import create_app
from dispatcher.clock import ManualClock
from dispatcher.db import upgrade_database
from tests.support.browser import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CHROMIUM,
    CHROMIUM_ARGS,
    REQUIRE_BROWSER,
    Server,
)
from tests.support.databases import START, make_settings


def _unavailable(reason: str) -> None:
    """Skip the module, or fail it where the browser is required."""
    if REQUIRE_BROWSER:
        pytest.fail(f"the browser tests are required here but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real app on a fresh SQLite file, with one admin account, clock at START."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # quick sign-ins
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "HASHER", cheap)
        yield from _serve(tmp_path_factory)


def _serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start the server, yield it, stop it."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'dispatcher.db'}"
    upgrade_database(url)
    # Plain http on 127.0.0.1: the session cookie must not be marked Secure here.
    settings = make_settings(folder, url, public_base_url="http://127.0.0.1")
    clock = ManualClock(START)
    app = create_app(settings, clock=clock)
    with app.extensions["dispatcher"].database.session_scope() as session:
        service.create_user(session, ADMIN_EMAIL, ADMIN_PASSWORD, "admin", clock.now())
    running = Server(app, clock)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium, one per module."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    driver = sync_playwright().start()
    try:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Error as exc:
        driver.stop()
        _unavailable(f"Chromium did not start: {exc.message.splitlines()[0]}")
    yield launched
    launched.close()
    driver.stop()
