"""The simulator page, with the engine running in-process as `make run` starts it."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dispatcher.accounts import service
from dispatcher.app import create_app
from dispatcher.db import Database
from dispatcher.settings import load_settings
from dispatcher.sms.simulator import SimulatorPhones, phones_of
from tests.night import ANA, BEN, CRUZ, OFFICER, STRANGER, load_coalition
from tests.support.admin import PASSWORD, Visitor
from tests.support.databases import START, make_settings


@pytest.fixture
def running(sqlite_database: Database, tmp_path: Path) -> Iterator[Flask]:
    """The app with the simulator backend and its engine ticking in the background."""
    load_coalition(sqlite_database)
    settings = make_settings(tmp_path, sqlite_database.url, public_base_url="http://127.0.0.1:5000")
    app = create_app(settings, start_engine=True)
    yield app
    app.extensions["dispatcher"].runner.stop()


def send(client: FlaskClient, number: str, body: str, other: str = "") -> None:
    """Use the page's form (with its CSRF token) to text the hotline."""
    page = client.get("/simulator").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = client.post(
        "/simulator/send",
        data={"csrf_token": token.group(1), "number": number, "other": other, "body": body},
    )
    assert answer.status_code == 302


def wait_for(phones: SimulatorPhones, numbers: tuple[str, ...], seconds: float = 10) -> list[str]:
    """Poll the phones' inboxes until the engine has delivered something to one of them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        received = [m.body for n in numbers for m in phones.inbox(n) if m.sender != n]
        if received:
            return received
        time.sleep(0.02)
    raise AssertionError(f"nothing reached {numbers} within {seconds} s")


def test_an_officer_text_on_the_simulator_pages_the_advocate_through_the_running_engine(
    running: Flask,
) -> None:
    client = running.test_client()
    send(client, OFFICER, "need an advocate at the station")
    phones = phones_of(running.extensions["dispatcher"])
    page = wait_for(phones, (ANA, BEN, CRUZ))[0]  # whoever is on call today
    assert "Racine" in page
    html = client.get("/simulator").get_data(as_text=True)
    assert "need an advocate at the station" in html and "Inv. N. Lofy" in html


def test_an_unknown_number_typed_in_gets_the_referral(running: Flask) -> None:
    client = running.test_client()
    send(client, OFFICER, "hello", other="(414) 555-0177")
    phones = phones_of(running.extensions["dispatcher"])
    assert any("1-888-373-7888" in m.body for m in phones.inbox(STRANGER))


def test_the_form_refuses_a_missing_csrf_token(running: Flask) -> None:
    answer = running.test_client().post("/simulator/send", data={"number": OFFICER, "body": "x"})
    assert answer.status_code == 400


def test_the_simulator_is_not_mounted_with_the_twilio_backend(
    app: Flask, sqlite_database: Database, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path, sqlite_database.url, sms_backend="twilio", twilio_account_sid="AC1"
    )
    twilio_app = create_app(settings)
    assert twilio_app.test_client().get("/simulator").status_code == 404


def simulator_app(
    database: Database, tmp_path: Path, public: str, bind: str | None = None
) -> Flask:
    """The app with the simulator backend (engine not started), served on ``bind``."""
    settings = make_settings(tmp_path, database.url, public_base_url=public)
    return create_app(settings, bind_host=bind)


@pytest.mark.parametrize(
    ("public", "bind", "open_to_all"),
    [
        ("http://127.0.0.1:5000", None, True),
        ("http://localhost:5000", "127.0.0.1", True),
        ("http://[::1]:5000", "::1", True),
        ("http://127.0.0.1:5000", "0.0.0.0", False),
        ("https://dispatch.example.org", None, False),
        ("https://dispatch.example.org", "127.0.0.1", False),
        ("http://10.0.0.5:5000", None, False),
    ],
)
def test_the_simulator_is_open_only_on_loopback(
    sqlite_database: Database, tmp_path: Path, public: str, bind: str | None, open_to_all: bool
) -> None:
    client = simulator_app(sqlite_database, tmp_path, public, bind).test_client()
    answer = client.get("/simulator")
    if open_to_all:
        assert answer.status_code == 200
    else:
        assert answer.status_code == 302 and "/admin/login" in answer.location
        assert client.post("/simulator/send", data={"number": OFFICER}).status_code in (302, 400)


def test_beyond_loopback_only_a_signed_in_admin_opens_the_simulator(
    sqlite_database: Database, tmp_path: Path
) -> None:
    app = simulator_app(sqlite_database, tmp_path, "https://dispatch.example.org")
    with app.extensions["dispatcher"].database.session_scope() as session:
        for role in ("admin", "coordinator"):
            service.create_user(session, f"{role}@coalition.test", PASSWORD, role, START)
    for role, expected in (("coordinator", 403), ("admin", 200)):
        visitor = Visitor(app.test_client())
        assert visitor.sign_in(f"{role}@coalition.test").status_code == 302
        assert visitor.get("/simulator").status_code == expected


def test_a_locally_generated_secret_key_is_announced_but_never_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    instance = tmp_path / "instance"
    settings = load_settings(environ={"DISPATCHER_INSTANCE_DIR": str(instance)})
    create_app(settings)
    assert "config.secret_key_generated_locally" in caplog.text
    assert settings.secret_key not in caplog.text


def test_the_simulator_page_and_its_replies_read_in_spanish(running: Flask) -> None:
    client = running.test_client()
    page = client.get("/simulator?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Simulador de SMS" in page and "Enviar a la línea" in page
    send(client, OFFICER, "hola, necesito ayuda por favor", other="(414) 555-0177")
    phones = phones_of(running.extensions["dispatcher"])
    assert [m.body for m in phones.inbox(STRANGER) if m.sender != STRANGER] == [
        "Si está en peligro, llame al 911. Línea Nacional contra la Trata de Personas: "
        "llame al 1-888-373-7888 o envíe un texto al 233733."
    ]


def call_button(client: FlaskClient, number: str, action: str) -> str:
    """Press a call button on ``number``'s card (with the page's CSRF token); the page after."""
    page = client.get("/simulator").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    data = {"csrf_token": token.group(1), "number": number, "do": action}
    answer = client.post("/simulator/call", data=data)
    assert answer.status_code == 302, answer.status_code
    return client.get("/simulator").get_data(as_text=True)


def card_of(page: str, number: str) -> str:
    """The HTML of one phone's card."""
    key = "phone-" + number.lstrip("+")
    start = page.index(f'id="{key}"')
    return page[start : page.index("</article>", start)]


def test_an_officer_calls_from_the_page_and_the_advocate_takes_it_on_the_keypad(
    running: Flask,
) -> None:
    client = running.test_client()
    page = client.get("/simulator").get_data(as_text=True)
    assert 'value="dial"' in card_of(page, OFFICER)
    assert 'value="dial"' not in card_of(page, ANA)  # only officers call the hotline
    page = call_button(client, OFFICER, "dial")
    assert "Connecting you to an advocate" in card_of(page, OFFICER)
    page = call_button(client, OFFICER, "nokey")
    rung = [n for n in (ANA, BEN, CRUZ) if "Ringing" in card_of(page, n)]
    assert len(rung) == 1  # whoever is on call today
    advocate = rung[0]
    assert 'value="answer"' in card_of(page, advocate)
    page = call_button(client, advocate, "answer")
    assert "Press 1 to take this call" in card_of(page, advocate)
    assert 'aria-label="Keypad of ' in card_of(page, advocate)
    page = call_button(client, advocate, "1")
    assert "put through" in card_of(page, advocate) and "put through" in card_of(page, OFFICER)
    phones = phones_of(running.extensions["dispatcher"])
    deadline = time.monotonic() + 10
    while not any(m.body.startswith("You accepted") for m in phones.inbox(advocate)):
        assert time.monotonic() < deadline, "the details never reached the accepter"
        time.sleep(0.02)


def test_a_call_button_for_a_call_that_moved_on_says_so(running: Flask) -> None:
    client = running.test_client()
    page = client.get("/simulator").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    data = {"csrf_token": token.group(1), "number": ANA, "do": "answer"}
    answer = client.post("/simulator/call", data=data, headers={"X-Requested-With": "fetch"})
    assert answer.status_code == 409 and answer.get_json()["ok"] is False
    data["do"] = "record"
    assert client.post("/simulator/call", data=data).status_code in (302, 422)
