"""The Twilio signature check: valid requests pass, anything else is 403 and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dispatcher import web
from dispatcher.app import create_app
from dispatcher.db import Database
from dispatcher.sms.security import (
    expected_url,
    request_url,
    twilio_signature_required,
    url_variants,
)
from tests.fakes import signature, signed_post
from tests.support.databases import make_settings

TOKEN = "test-auth-token"
BASE = "https://dispatch.test"
PARAMS = {"MessageSid": "SM" + "a" * 32, "From": "+12625550111", "Body": "1 K7Q4"}


@pytest.fixture
def hook_app(tmp_path: Path, sqlite_database: Database) -> Iterator[tuple[Flask, list[dict]]]:
    """The real app with one signed test-only route that records what reached it."""
    settings = make_settings(tmp_path, sqlite_database.url, twilio_auth_token=TOKEN)
    app = create_app(settings)
    calls: list[dict] = []

    @twilio_signature_required
    def hook() -> str:
        calls.append(dict(PARAMS))
        return "ok"

    web.csrf.exempt(hook)  # as the real webhooks are: Twilio's signature is the check
    app.add_url_rule("/test/hook", "test_hook", hook, methods=["POST"])
    yield app, calls
    app.extensions["dispatcher"].database.dispose()


@pytest.fixture
def client(hook_app: tuple[Flask, list[dict]]) -> FlaskClient:
    return hook_app[0].test_client()


@pytest.fixture
def calls(hook_app: tuple[Flask, list[dict]]) -> list[dict]:
    return hook_app[1]


def test_valid_signature_passes(client: FlaskClient, calls: list[dict]) -> None:
    response = signed_post(client, f"{BASE}/test/hook", PARAMS, TOKEN)
    assert response.status_code == 200
    assert len(calls) == 1


def test_escaped_query_is_checked_against_the_raw_form(
    client: FlaskClient, calls: list[dict]
) -> None:
    url = f"{BASE}/test/hook?name=O%27Brien&x=a%20b"
    assert signed_post(client, url, PARAMS, TOKEN).status_code == 200
    # Signed over the decoded URL (what request.url gives) it must not pass.
    decoded = f"{BASE}/test/hook?name=O'Brien&x=a b"
    headers = {"X-Twilio-Signature": signature(decoded, PARAMS, TOKEN)}
    refused = client.post("/test/hook?name=O%27Brien&x=a%20b", data=PARAMS, headers=headers)
    assert refused.status_code == 403
    assert len(calls) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": ""},
        {"X-Twilio-Signature": "forged"},
        {"X-Twilio-Signature": signature(f"{BASE}/test/hook", PARAMS, "another-token")},
        {"X-Twilio-Signature": signature(f"{BASE}/other/path", PARAMS, TOKEN)},
        {"X-Twilio-Signature": signature("https://evil.test/test/hook", PARAMS, TOKEN)},
        {"X-Twilio-Signature": signature(f"{BASE}/test/hook?x=1", PARAMS, TOKEN)},
    ],
    ids=["missing", "empty", "forged", "wrong-token", "wrong-path", "wrong-host", "extra-query"],
)
def test_bad_signatures_are_refused(
    client: FlaskClient, calls: list[dict], headers: dict[str, str]
) -> None:
    response = client.post("/test/hook", data=PARAMS, headers=headers)
    assert response.status_code == 403
    assert calls == []


def test_a_signature_over_the_url_with_its_port_passes(
    client: FlaskClient, calls: list[dict]
) -> None:
    # Twilio may sign https://host:443/... for https://host/... (RequestValidator tries both).
    headers = {
        "X-Twilio-Signature": signature("https://dispatch.test:443/test/hook", PARAMS, TOKEN)
    }
    assert client.post("/test/hook", data=PARAMS, headers=headers).status_code == 200
    wrong_port = {
        "X-Twilio-Signature": signature("https://dispatch.test:8443/test/hook", PARAMS, TOKEN)
    }
    assert client.post("/test/hook", data=PARAMS, headers=wrong_port).status_code == 403
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("url", "variants"),
    [
        (
            "https://d.test/sms/inbound",
            ("https://d.test/sms/inbound", "https://d.test:443/sms/inbound"),
        ),
        ("http://d.test:80/x?a=1", ("http://d.test/x?a=1", "http://d.test:80/x?a=1")),
        ("https://d.test:8443/x", ("https://d.test/x", "https://d.test:8443/x")),
    ],
)
def test_url_variants_are_the_two_urls_twilio_may_sign(url: str, variants: tuple[str, str]) -> None:
    assert url_variants(url) == variants


def test_tampered_parameter_is_refused(client: FlaskClient, calls: list[dict]) -> None:
    headers = {"X-Twilio-Signature": signature(f"{BASE}/test/hook", PARAMS, TOKEN)}
    tampered = {**PARAMS, "Body": "2 K7Q4"}
    assert client.post("/test/hook", data=tampered, headers=headers).status_code == 403
    added = {**PARAMS, "Extra": "1"}
    assert client.post("/test/hook", data=added, headers=headers).status_code == 403
    assert calls == []


@pytest.mark.parametrize(
    ("base", "path", "query", "expected"),
    [
        ("https://d.test", "/sms/inbound", b"", "https://d.test/sms/inbound"),
        ("https://d.test/", "/sms/inbound", "", "https://d.test/sms/inbound"),
        ("https://d.test", "/sms/inbound", b"a=O%27B", "https://d.test/sms/inbound?a=O%27B"),
        (
            "https://d.test/app",
            "/sms/status",
            "x=1&y=%20",
            "https://d.test/app/sms/status?x=1&y=%20",
        ),
    ],
)
def test_expected_url(base: str, path: str, query: str | bytes, expected: str) -> None:
    assert expected_url(base, path, query) == expected


def test_request_url_prefers_the_raw_uri() -> None:
    environ = {
        "RAW_URI": "/sms/inbound?a=O%27B",
        "PATH_INFO": "/sms/inbound",
        "QUERY_STRING": "a=O'B",
    }
    assert request_url("https://d.test", environ) == "https://d.test/sms/inbound?a=O%27B"
    environ = {"REQUEST_URI": "/sms/in%20bound", "PATH_INFO": "/sms/in bound"}
    assert request_url("https://d.test", environ) == "https://d.test/sms/in%20bound"


def test_request_url_rebuilds_the_path_without_a_raw_uri() -> None:
    environ = {"SCRIPT_NAME": "", "PATH_INFO": "/sms/in bound", "QUERY_STRING": "a=O%27B"}
    assert request_url("https://d.test", environ) == "https://d.test/sms/in%20bound?a=O%27B"
