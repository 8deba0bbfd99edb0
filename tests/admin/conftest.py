"""Fixtures for the admin pages: accounts of each role and a signed-in test client.

Fixtures only; ``Store``, ``Visitor`` and the accounts' emails live in ``tests/support/admin``.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask

from dispatcher.accounts import passwords, service
from dispatcher.clock import ManualClock
from tests.support.admin import EMAILS, PASSWORD, Store, Visitor, signed_in


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with the smallest parameters, so signing in many times stays quick."""
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def store(app: Flask) -> Store:
    """The app's database, one short transaction at a time."""
    return Store(app.extensions["dispatcher"].database)


@pytest.fixture
def accounts(store: Store, clock: ManualClock) -> dict[str, int]:
    """One active account per role, all with PASSWORD; maps role to user id."""
    with store.scope() as session:
        users = {
            role: service.create_user(session, email, PASSWORD, role, clock.now())
            for role, email in EMAILS.items()
        }
    return {role: user.id for role, user in users.items()}


@pytest.fixture
def visitor(app: Flask) -> Visitor:
    """An anonymous visitor."""
    return Visitor(app.test_client())


@pytest.fixture
def admin(app: Flask, accounts: dict[str, int]) -> Visitor:
    """A signed-in admin."""
    return signed_in(app, "admin")


@pytest.fixture
def coordinator(app: Flask, accounts: dict[str, int]) -> Visitor:
    """A signed-in coordinator."""
    return signed_in(app, "coordinator")


@pytest.fixture
def viewer(app: Flask, accounts: dict[str, int]) -> Visitor:
    """A signed-in viewer."""
    return signed_in(app, "viewer")
