"""Fixtures for the admin pages: accounts of each role and a signed-in test client.

CSRF protection stays on: ``Visitor.post`` sends the token a real form would carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from dispatcher.accounts import passwords, service
from dispatcher.clock import ManualClock

PASSWORD = "correct horse battery staple"
EMAILS = {
    "admin": "admin@coalition.test",
    "coordinator": "coord@coalition.test",
    "viewer": "viewer@coalition.test",
}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with the smallest parameters, so signing in many times stays quick."""
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the app's database; the test commits what it wants the app to see."""
    with app.extensions["dispatcher"].database.sessions() as session:
        yield session


@pytest.fixture
def accounts(db: Session, clock: ManualClock) -> dict[str, int]:
    """One active account per role, all with PASSWORD; maps role to user id."""
    ids = {}
    for role, email in EMAILS.items():
        ids[role] = service.create_user(db, email, PASSWORD, role, clock.now()).id
    db.commit()
    return ids


class Visitor:
    """A test client that signs in and sends the CSRF token with every form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        """GET ``url``, remembering the page's CSRF token if it has one."""
        response = self.client.get(url, **kwargs)
        found = _TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST a form to ``url`` with the CSRF token (fetched first if none is known)."""
        if not self.token:
            self.get("/admin/login")
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def sign_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        """Sign in through the login form (then pick up the new session's CSRF token)."""
        self.get("/admin/login")
        response = self.post("/admin/login", {"email": email, "password": password})
        if response.status_code == 302:
            self.get("/admin/home", follow_redirects=True)
        return response

    def text(self, url: str) -> str:
        """The body of GET ``url``, which must answer 200."""
        response = self.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)


@pytest.fixture
def visitor(app: Flask) -> Visitor:
    """An anonymous visitor."""
    return Visitor(app.test_client())


def _signed_in(app: Flask, role: str) -> Visitor:
    visitor = Visitor(app.test_client())
    response = visitor.sign_in(EMAILS[role])
    assert response.status_code == 302, response.get_data(as_text=True)
    return visitor


@pytest.fixture
def admin(app: Flask, accounts: dict[str, int]) -> Visitor:
    """A signed-in admin."""
    return _signed_in(app, "admin")


@pytest.fixture
def coordinator(app: Flask, accounts: dict[str, int]) -> Visitor:
    """A signed-in coordinator."""
    return _signed_in(app, "coordinator")


@pytest.fixture
def viewer(app: Flask, accounts: dict[str, int]) -> Visitor:
    """A signed-in viewer."""
    return _signed_in(app, "viewer")
