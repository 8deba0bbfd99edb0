"""The JSON API on both databases: bearer tokens with scopes, rosters, on call, shifts and
people, RFC 9457 problems, rate limits, and an OpenAPI 3.1 document that validates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from sqlalchemy import select

from dispatcher.accounts import apitokens
from dispatcher.accounts.models import ApiToken, RateWindow
from dispatcher.app import create_app
from dispatcher.audit import AuditEntry, Auditor
from dispatcher.cli import main
from dispatcher.db import Database
from dispatcher.flows.models import OutboxMessage, Page, Request
from dispatcher.rosters.models import Officer
from tests.support.coalition import COALITION, apply_text
from tests.support.databases import make_settings

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
AUDITOR = Auditor("admin@coalition.test", NOW)


def make_token(database: Database, *scopes: str) -> str:
    with database.session_scope() as session:
        return apitokens.create_token(session, AUDITOR, "county dispatch", scopes).token


@pytest.fixture
def loaded(app: Flask, database: Database) -> FlaskClient:
    apply_text(database, COALITION)
    return app.test_client()


def get(client: FlaskClient, path: str, token: str | None) -> tuple[int, dict, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(path, headers=headers)
    return response.status_code, response.get_json(force=True, silent=True), response.content_type


def test_the_openapi_document_is_valid_openapi_3_1(loaded: FlaskClient) -> None:
    response = loaded.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    assert {"/api/v1/oncall", "/api/v1/rosters", "/api/v1/people"} <= set(spec["paths"])
    assert "PersonOut" in spec["components"]["schemas"]


def test_who_is_on_call_now_and_at(loaded: FlaskClient, database: Database) -> None:
    token = make_token(database, "read")
    status, body, _ = get(loaded, "/api/v1/oncall?roster=advocates", token)
    assert status == 200
    # START is 06:00 in Chicago: Ana's night (03-09 20:00 to 03-10 08:00).
    assert [p["name"] for p in body["people"]] == ["Ana Ruiz"]
    status, body, _ = get(loaded, "/api/v1/oncall?roster=advocates&at=2026-03-10T12:00", token)
    assert status == 200 and body["people"] == []


def test_shifts_match_the_roster_service(loaded: FlaskClient, database: Database) -> None:
    token = make_token(database, "read")
    path = "/api/v1/rosters/advocates/shifts?from=2026-03-06&to=2026-03-09"
    status, body, _ = get(loaded, path, token)
    assert status == 200
    assert [(s["start"], s["person"]["name"]) for s in body["shifts"]] == [
        ("2026-03-07T02:00:00Z", "Ana Ruiz"),
        ("2026-03-08T02:00:00Z", "Ben Okafor"),
        ("2026-03-09T01:00:00Z", "Cruz Lee"),
    ]


def test_rosters_and_people_phones_only_with_manage(
    loaded: FlaskClient, database: Database
) -> None:
    read, manage = make_token(database, "read"), make_token(database, "read", "manage")
    status, body, _ = get(loaded, "/api/v1/rosters", read)
    assert status == 200 and [r["name"] for r in body["rosters"]] == ["advocates"]
    _, body, _ = get(loaded, "/api/v1/people", read)
    assert body["people"] and all(p["phone"] is None for p in body["people"])
    _, body, _ = get(loaded, "/api/v1/people", manage)
    assert {p["name"]: p["phone"] for p in body["people"]}["Ana Ruiz"] == "+12625550101"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/oncall", 400),
        ("/api/v1/oncall?roster=nope", 404),
        ("/api/v1/oncall?roster=advocates&at=soon", 400),
        ("/api/v1/rosters/advocates/shifts?from=2026-03-09&to=2026-03-06", 400),
        ("/api/v1/rosters/advocates/shifts?from=2026-03-09", 400),
        ("/api/v1/nothing", 404),
    ],
)
def test_errors_are_problem_details(
    loaded: FlaskClient, database: Database, path: str, status: int
) -> None:
    token = make_token(database, "read")
    got, body, content_type = get(loaded, path, token)
    assert got == status, body
    assert content_type == "application/problem+json"
    assert body["status"] == status and body["title"] and "detail" in body


def test_tokens_authenticate_and_cookies_do_not(loaded: FlaskClient, database: Database) -> None:
    status, _, content_type = get(loaded, "/api/v1/rosters", None)
    assert (status, content_type) == (401, "application/problem+json")
    assert get(loaded, "/api/v1/rosters", "dsp_not-a-token")[0] == 401
    token = make_token(database, "read")
    loaded.set_cookie("session", token)
    assert loaded.get("/api/v1/rosters").status_code == 401
    assert get(loaded, "/api/v1/rosters", make_token(database, "manage"))[0] == 403
    with database.session_scope() as session:
        row = session.scalars(select(ApiToken).order_by(ApiToken.id)).first()
        apitokens.revoke_token(session, AUDITOR, row.id)
    assert get(loaded, "/api/v1/rosters", token)[0] == 401


def test_a_token_is_rate_limited_across_processes(
    app: Flask, loaded: FlaskClient, database: Database, tmp_path: Path
) -> None:
    """Two apps with engines of their own (as two gunicorn workers) share one count."""
    clock = app.extensions["dispatcher"].clock
    settings = make_settings(tmp_path, database.url, api_per_minute=3)
    first, second = (create_app(settings, clock=clock) for _ in range(2))
    try:
        one, two = first.test_client(), second.test_client()
        token, other = make_token(database, "read"), make_token(database, "read")
        clock.advance(15)  # 12:00:15 on the test clock: 45 s left in the minute
        statuses = [get(client, "/api/v1/rosters", token)[0] for client in (one, two, one, two)]
        assert statuses == [200, 200, 200, 429]
        response = one.get("/api/v1/rosters", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 429
        assert response.content_type == "application/problem+json"
        assert response.get_json()["status"] == 429
        assert response.headers["Retry-After"] == "45"
        assert get(two, "/api/v1/rosters", other)[0] == 200
        clock.advance(45)
        assert get(two, "/api/v1/rosters", token)[0] == 200
        with database.session_scope() as session:  # the past minute's row is gone
            assert len(session.scalars(select(RateWindow)).all()) == 2
    finally:
        for each in (first, second):
            each.extensions["dispatcher"].database.dispose()


def test_the_default_rate_allows_a_busy_integration(
    loaded: FlaskClient, database: Database
) -> None:
    token = make_token(database, "read")
    assert {get(loaded, "/api/v1/rosters", token)[0] for _ in range(20)} == {200}


def test_tokens_are_stored_hashed_and_audited(database: Database) -> None:
    token = make_token(database, "read", "open-requests")
    with database.session_scope() as session:
        row = session.scalars(select(ApiToken)).one()
        assert row.token_hash != token and token not in row.token_hash
        assert row.scopes == ["read", "open-requests"]
        apitokens.revoke_token(session, AUDITOR, row.id)
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.entity) for e in entries] == [
            ("create", "api_token"),
            ("revoke", "api_token"),
        ]
        assert token not in repr([(e.old, e.new) for e in entries])
    with pytest.raises(Exception, match="scopes"), database.session_scope() as session:
        apitokens.create_token(session, AUDITOR, "x", ["everything"])


def test_the_cli_creates_lists_and_revokes_tokens(database: Database, tmp_path: Path) -> None:
    env = {
        "DISPATCHER_DATABASE_URL": database.url,
        "DISPATCHER_INSTANCE_DIR": str(tmp_path / "cli"),
        "DISPATCHER_SECRET_KEY": "test-secret-key-at-least-32-characters-long",
        "DISPATCHER_CONFIG": "",
    }
    runner = CliRunner()
    made = runner.invoke(main, ["api-token", "create", "county", "--scope", "read"], env=env)
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("dsp_")
    listed = runner.invoke(main, ["api-token", "list"], env=env)
    assert "county\tread\tactive" in listed.output and token not in listed.output
    token_id = listed.output.split("\t")[0]
    assert runner.invoke(main, ["api-token", "revoke", token_id], env=env).exit_code == 0
    assert "revoked" in runner.invoke(main, ["api-token", "list"], env=env).output
    assert runner.invoke(main, ["api-token", "revoke", "999"], env=env).exit_code == 1


def officer_id(database: Database) -> int:
    with database.session_scope() as session:
        return session.scalars(select(Officer.id)).one()


def post(client: FlaskClient, token: str, body: object) -> tuple[int, dict]:
    response = client.post(
        "/api/v1/requests", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.get_json(force=True, silent=True)


def test_a_dispatch_system_opens_a_request_for_a_listed_officer(
    app: Flask, loaded: FlaskClient, database: Database
) -> None:
    token = make_token(database, "read", "open-requests")
    body = {"officer_id": officer_id(database), "needs": ["room", "advocate"], "juvenile": True}
    status, opened = post(loaded, token, body)
    assert status == 201, opened
    assert [n["kind"] for n in opened["needs"]] == ["advocate", "room"]
    assert opened["tags"] == ["juvenile"] and opened["status"] == "open"
    _, listed = get(loaded, "/api/v1/requests", token)[:2]
    assert [r["code"] for r in listed["requests"]] == [opened["code"]]
    with database.session_scope() as session:
        request = session.scalars(select(Request)).one()
        assert (request.channel, request.note) == ("api", None)  # no words held
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "request")).one()
        assert entry.actor == "api:county dispatch" and entry.new["code"] == opened["code"]
        officer_texts = session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_number == "+12625550150")
        ).all()
        assert [m.template for m in officer_texts] == ["officer_opened"]
    # The engine pages from the request as from an officer's text.
    app.extensions["dispatcher"].engine.tick()
    with database.session_scope() as session:
        assert session.scalars(select(Page)).all()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"officer_id": 999}, 404),
        ({"officer_id": "x"}, 400),
        ({"needs": ["advocate"]}, 400),
        ({"officer_id": 1, "needs": []}, 400),
        ({"officer_id": 1, "needs": ["pizza"]}, 400),
        ({"officer_id": 1, "words": "She is 16"}, 400),
        ("not json", 400),
    ],
)
def test_bad_open_requests_are_refused_and_open_nothing(
    loaded: FlaskClient, database: Database, body: object, status: int
) -> None:
    token = make_token(database, "open-requests")
    if isinstance(body, dict) and body.get("officer_id") == 1:
        body = {**body, "officer_id": officer_id(database)}
    got, problem = post(loaded, token, body)
    assert got == status, problem
    assert problem["status"] == status
    assert "16" not in problem["detail"]
    with database.session_scope() as session:
        assert session.scalars(select(Request)).all() == []


def test_opening_requests_needs_its_scope(loaded: FlaskClient, database: Database) -> None:
    status, problem = post(loaded, make_token(database, "read"), {"officer_id": 1})
    assert status == 403 and "open-requests" in problem["detail"]
