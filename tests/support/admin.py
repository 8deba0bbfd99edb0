"""The admin pages under test: accounts of each role, a short-lived store, a browser-like client.

CSRF protection stays on: ``Visitor.post`` sends the token a real form would carry.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from dispatcher.db import Database

PASSWORD = "correct horse battery staple"
EMAILS = {
    "admin": "admin@coalition.test",
    "coordinator": "coord@coalition.test",
    "viewer": "viewer@coalition.test",
}
T = TypeVar("T")
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Store:
    """Short units of work on the app's database, so no test transaction blocks the app.

    (On SQLite every transaction takes the write lock at BEGIN.) Rows come back detached,
    with their columns loaded.
    """

    def __init__(self, database: Database) -> None:
        self.database = database

    def scope(self) -> AbstractContextManager[Session]:
        """A session committed at the end of the ``with`` block."""
        return self.database.session_scope()

    def all(self, query: Select[Any]) -> list[Any]:
        """Every row ``query`` selects."""
        with self.scope() as session:
            return list(session.scalars(query))

    def one(self, query: Select[Any]) -> Any:
        """The single row ``query`` selects."""
        with self.scope() as session:
            return session.scalars(query).one()

    def get(self, model: type[T], row_id: int) -> T:
        """The row of ``model`` with this id (it must exist)."""
        with self.scope() as session:
            row = session.get(model, row_id)
            assert row is not None
            return row


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


def signed_in(app: Flask, role: str) -> Visitor:
    """A client signed in with the account of ``role`` (see EMAILS)."""
    visitor = Visitor(app.test_client())
    response = visitor.sign_in(EMAILS[role])
    assert response.status_code == 302, response.get_data(as_text=True)
    return visitor
