"""The API tokens page: admins make a token (shown once), see and revoke them; audited."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from dispatcher.accounts.models import ApiToken
from dispatcher.audit import AuditEntry
from dispatcher.db import Database
from tests.support.admin import Store, Visitor
from tests.support.coalition import COALITION, apply_text


def get(client: FlaskClient, path: str, token: str) -> int:
    return client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code


def test_an_admin_makes_a_token_on_the_page_sees_it_once_and_revokes_it(
    app: Flask, admin: Visitor, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    loaded = app.test_client()
    assert "API tokens" in admin.text("/admin/api-tokens")
    response = admin.post("/admin/api-tokens", {"name": "county", "scope": ["read", "manage"]})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r'value="(dsp_[^"]+)"', response.get_data(as_text=True)).group(1)
    assert get(loaded, "/api/v1/people", token) == 200
    assert token not in admin.text("/admin/api-tokens")  # shown once
    row = store.one(select(ApiToken))
    assert row.scopes == ["read", "manage"]
    admin.post(f"/admin/api-tokens/{row.id}/revoke")
    assert get(loaded, "/api/v1/people", token) == 401
    entries = store.all(select(AuditEntry).where(AuditEntry.entity == "api_token"))
    assert [(e.actor, e.action) for e in entries] == [
        ("admin@coalition.test", "create"),
        ("admin@coalition.test", "revoke"),
    ]
    refused = admin.post("/admin/api-tokens", {"name": "x"}, follow_redirects=True)
    assert "Scopes must be among" in refused.get_data(as_text=True)
    assert coordinator.post("/admin/api-tokens", {"name": "x", "scope": "read"}).status_code == 403
    assert len(store.all(select(ApiToken))) == 1
