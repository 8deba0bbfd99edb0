"""The simulator page as a trainer runs a drill: cards, reply boxes, reset, skip, HELP.

The engine is not started: the tests tick it (``runtime.engine.tick``) where the running
service's scheduler would.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import Drill, Request
from dispatcher.rosters.models import Roster
from dispatcher.sms.carrier import ANSWERS
from dispatcher.sms.commands import CommandKind
from dispatcher.sms.simulator import phones_of
from tests.night import ANA, BEN, HARBOR, KIM, OFFICER, ROSA, STRANGER, load_coalition

FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture
def drill(sqlite_database: Database, tmp_path: Any, clock: ManualClock) -> Flask:
    """The app with the simulator backend on loopback and the test coalition."""
    from dispatcher.app import create_app
    from tests.support.databases import make_settings

    load_coalition(sqlite_database)
    settings = make_settings(tmp_path, sqlite_database.url, public_base_url="http://127.0.0.1")
    return create_app(settings, clock=clock)


def token(client: FlaskClient) -> str:
    """The CSRF token the page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/simulator").text)
    assert found is not None
    return found.group(1)


def post(client: FlaskClient, path: str, **form: str) -> dict[str, Any]:
    """Post one of the page's forms as its script does; return the JSON answer."""
    answer = client.post(path, data={"csrf_token": token(client), **form}, headers=FETCH)
    assert answer.is_json, answer.text
    body: dict[str, Any] = answer.json  # type: ignore[assignment]
    return body


def tick(app: Flask) -> None:
    """What the running service's scheduler does after a kick."""
    app.extensions["dispatcher"].engine.tick()


def cards(client: FlaskClient) -> list[dict[str, Any]]:
    """The cards as the page's script reads them."""
    found: list[dict[str, Any]] = client.get("/simulator/phones").json["cards"]  # type: ignore[index]
    return found


def card_of(client: FlaskClient, number: str) -> dict[str, Any]:
    """One phone's card."""
    key = "phone-" + number.lstrip("+")
    return next(card for card in cards(client) if card["key"] == key)


def test_every_listed_phone_has_a_card_with_its_role_and_its_own_reply_box(drill: Flask) -> None:
    client = drill.test_client()
    page = client.get("/simulator").text
    keys = re.findall(r'<article class="phone[^"]*" id="(phone-\d+)"', page)
    assert keys[0] == "phone-" + OFFICER.lstrip("+")  # officers first, then people by name
    assert keys[1:4] == ["phone-" + n.lstrip("+") for n in (ANA, BEN, "+12625550103")]
    for number in (OFFICER, ANA, HARBOR, ROSA, KIM):
        assert f'<input type="hidden" name="number" value="{number}">' in page
    roles = {n: card_of(client, n)["status"] for n in (OFFICER, ANA, HARBOR, ROSA, KIM)}
    assert '<span class="role">officer</span>' in roles[OFFICER]
    assert '<span class="role">advocate</span>' in roles[ANA]
    assert '<span class="role">hotel</span>' in roles[HARBOR]
    assert '<span class="role">driver</span>' in roles[ROSA]
    assert '<span class="role">coordinator</span>' in roles[KIM]
    assert "On call now: advocates" in roles[ANA]  # Ana holds today's shift
    assert "On call now" not in card_of(client, BEN)["status"]
    assert 'http-equiv="refresh"' not in page


def test_a_reply_box_sends_as_its_phone_and_messages_run_oldest_first(drill: Flask) -> None:
    client = drill.test_client()
    assert post(client, "/simulator/send", number=OFFICER, body="need an advocate") == {
        "notice": "Sent.",
        "ok": True,
    }
    tick(drill)
    assert "Racine" in card_of(client, ANA)["messages"]
    version = card_of(client, ANA)["version"]
    post(client, "/simulator/send", number=ANA, body="1")
    tick(drill)
    ana = card_of(client, ANA)
    assert ana["version"] != version
    assert ana["messages"].index("Racine") < ana["messages"].index("sent</span><br>1</li>")
    officer = card_of(client, OFFICER)["messages"]
    assert officer.index("need an advocate") < officer.index("accepted")


def test_the_last_sender_is_remembered_for_the_send_as_form(drill: Flask) -> None:
    client = drill.test_client()
    assert '<option value="' + BEN + '" selected>' not in client.get("/simulator").text
    post(client, "/simulator/send", number=BEN, body="WHO", remember="1")
    assert '<option value="' + BEN + '" selected>' in client.get("/simulator").text
    post(client, "/simulator/send", number=ANA, body="WHO")  # a card's box: not remembered
    assert '<option value="' + BEN + '" selected>' in client.get("/simulator").text


def test_an_unknown_number_gets_a_card_after_the_listed_ones(drill: Flask) -> None:
    client = drill.test_client()
    before = [c["key"] for c in cards(client)]
    post(client, "/simulator/send", number=OFFICER, other="(414) 555-0177", body="hello")
    after = [c["key"] for c in cards(client)]
    assert after == [*before, "phone-" + STRANGER.lstrip("+")]
    assert "1-888-373-7888" in card_of(client, STRANGER)["messages"]
    assert "not listed" in card_of(client, STRANGER)["status"]


def test_help_gets_the_carriers_answer_marked_as_the_carriers(drill: Flask) -> None:
    client = drill.test_client()
    for number in (ANA, OFFICER, STRANGER):
        post(client, "/simulator/send", number=number, body="help")
        shown = card_of(client, number)["messages"]
        assert ANSWERS[CommandKind.CARRIER_HELP].replace("&", "&amp;") in shown
        assert '<li class="msg carrier">' in shown and "from the carrier" in shown


def test_reset_clears_the_phones_and_nothing_else(drill: Flask) -> None:
    client = drill.test_client()
    post(client, "/simulator/send", number=OFFICER, body="need an advocate")
    tick(drill)
    phones = phones_of(drill.extensions["dispatcher"])
    assert phones.inbox(ANA)
    notice = post(client, "/simulator/reset")["notice"]
    assert "cleared" in notice
    assert phones.numbers() == [] and "No messages yet." in card_of(client, ANA)["messages"]
    with drill.extensions["dispatcher"].database.session_scope() as session:
        assert session.scalars(sa.select(Request.status)).one() == "open"


def test_skip_the_wait_pages_the_next_step_now(drill: Flask, clock: ManualClock) -> None:
    client = drill.test_client()
    assert "No escalation" in post(client, "/simulator/skip")["notice"]
    post(client, "/simulator/send", number=OFFICER, body="need an advocate")
    tick(drill)
    phones = phones_of(drill.extensions["dispatcher"])
    assert phones.inbox(BEN) == []
    assert post(client, "/simulator/skip")["notice"] == (
        "Skipped a wait of 5m: the next step runs now."
    )
    tick(drill)
    assert len(phones.inbox(BEN)) == 1


def test_without_javascript_the_forms_post_and_come_back_with_a_notice(drill: Flask) -> None:
    client = drill.test_client()
    answer = client.post(
        "/simulator/send", data={"csrf_token": token(client), "number": ANA, "body": "WHO"}
    )
    assert answer.status_code == 302 and answer.location.endswith("#phone-" + ANA.lstrip("+"))
    assert "Sent." in client.get("/simulator").text
    answer = client.post("/simulator/send", data={"csrf_token": token(client), "body": ""})
    assert answer.status_code == 302
    assert "Choose a sender" in client.get("/simulator").text


@pytest.mark.parametrize("path", ["/simulator/send", "/simulator/reset", "/simulator/skip"])
def test_every_form_needs_its_csrf_token(drill: Flask, path: str) -> None:
    answer = drill.test_client().post(path, data={"number": ANA, "body": "1"}, headers=FETCH)
    assert answer.status_code == 400


def test_run_a_drill_pages_the_phone_on_call_marked_drill_and_it_accepts(drill: Flask) -> None:
    client = drill.test_client()
    database = drill.extensions["dispatcher"].database
    with database.session_scope() as session:
        roster = session.scalars(sa.select(Roster.id).where(Roster.name == "advocates")).one()
    assert f'<option value="{roster}">advocates</option>' in client.get("/simulator").text
    answer = post(client, "/simulator/drill", roster=str(roster))
    assert answer == {
        "notice": "Drill started: the phone on call gets a page marked DRILL.",
        "ok": True,
    }
    tick(drill)
    assert "DRILL, practice only" in card_of(client, ANA)["messages"]
    assert "DRILL" not in card_of(client, OFFICER)["messages"]
    post(client, "/simulator/send", number=ANA, body="1")
    tick(drill)
    assert "you accepted after 0 min" in card_of(client, ANA)["messages"]
    with database.session_scope() as session:
        assert session.scalars(sa.select(Drill.state)).one() == "passed"
    refused = post(client, "/simulator/drill", roster="nothing")
    assert refused["ok"] is False
