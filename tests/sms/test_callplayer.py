"""The simulator's calls: the phones ring and play the service's own TwiML, fetched by
signed requests through the real app, as Twilio would make them.

The engine is ticked by the test; Ana is on call and Ben is next (tests/data/night.toml).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from dispatcher.app import create_app
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import Need, OutboxMessage, Page
from dispatcher.sms.callplayer import CallPlayer, CallState, NoSuchCall, PhoneCall, Poster
from dispatcher.sms.simulator import CallFailed, phones_of, poster
from dispatcher.web import runtime_of
from tests.fakes import inbound_params
from tests.night import ANA, BEN, COALITION, CRUZ, OFFICER, load_coalition
from tests.support.databases import make_settings

BASE = "http://127.0.0.1:5000"
# Ben takes pages by call only.
CALLED_BEN = COALITION.replace(
    'phone = "+12625550102"', 'phone = "+12625550102"\nchannels = ["voice"]'
)


@dataclass
class Sim:
    """The app, its phones' calls, and a poster that reaches the app as Twilio would."""

    app: Flask
    player: CallPlayer
    post: Poster

    def tick(self) -> None:
        runtime_of(self.app).engine.tick()

    def call(self, number: str) -> PhoneCall:
        found = self.player.current(number)
        assert found is not None, f"no call on {number}"
        return found

    def heard(self, number: str) -> str:
        return " ".join(self.call(number).heard)

    def need(self) -> tuple[str, list[str]]:
        with runtime_of(self.app).database.session_scope() as session:
            state = session.scalars(sa.select(Need.state)).one()
            pages = list(session.scalars(sa.select(Page.state).order_by(Page.id)))
            return state, pages


def build(database: Database, tmp_path: Path, clock: ManualClock, roster: str) -> Sim:
    load_coalition(database, roster)
    settings = make_settings(tmp_path, database.url, public_base_url=BASE)
    app = create_app(settings, clock=clock)
    with app.test_request_context():
        post = poster()
    return Sim(app, phones_of(runtime_of(app)).calls, post)


@pytest.fixture
def sim(sqlite_database: Database, tmp_path: Path, clock: ManualClock) -> Iterator[Sim]:
    built = build(sqlite_database, tmp_path, clock, COALITION)
    yield built
    runtime_of(built.app).database.dispose()


@pytest.fixture
def paged(sqlite_database: Database, tmp_path: Path, clock: ManualClock) -> Iterator[Sim]:
    built = build(sqlite_database, tmp_path, clock, CALLED_BEN)
    yield built
    runtime_of(built.app).database.dispose()


def test_an_officer_calls_the_advocate_rings_presses_1_and_they_are_put_through(
    sim: Sim,
) -> None:
    sim.player.call_hotline(OFFICER, BASE + "/voice/inbound", sim.post)
    assert "Connecting you to an advocate" in sim.heard(OFFICER)
    assert sim.call(OFFICER).gather is not None  # the keypad choice of a room or a ride
    sim.player.no_key(OFFICER, sim.post)
    assert sim.call(OFFICER).dialing is not None
    assert sim.call(ANA).state == CallState.RINGING
    sim.player.answer(ANA, sim.post)
    assert "Press 1 to take this call" in sim.heard(ANA)
    sim.player.press(ANA, "1", sim.post)
    assert sim.call(ANA).bridged and sim.call(OFFICER).bridged
    sim.tick()
    assert sim.need() == ("accepted", ["accepted"])
    sim.player.hang_up(ANA, sim.post)  # the conversation is over
    assert sim.call(ANA).state == CallState.ENDED
    assert sim.call(OFFICER).state == CallState.ENDED  # the service hung the officer up


def test_a_pass_rings_the_next_advocate(sim: Sim) -> None:
    sim.player.call_hotline(OFFICER, BASE + "/voice/inbound", sim.post)
    sim.player.no_key(OFFICER, sim.post)
    sim.player.answer(ANA, sim.post)
    sim.player.press(ANA, "2", sim.post)
    assert "You passed" in sim.heard(ANA) and sim.call(ANA).state == CallState.ENDED
    assert sim.call(BEN).state == CallState.RINGING
    sim.player.decline(BEN, sim.post)  # busy: that leg only, and the next one rings
    assert sim.need()[1] == ["declined", "open", "open"]
    assert sim.call(BEN).state == CallState.ENDED
    assert sim.call(CRUZ).state == CallState.RINGING


def test_the_officer_pressing_2_asks_for_a_room_while_the_advocate_rings(sim: Sim) -> None:
    sim.player.call_hotline(OFFICER, BASE + "/voice/inbound", sim.post)
    sim.player.press(OFFICER, "2", sim.post)
    assert "Also requesting a room" in sim.heard(OFFICER)
    assert sim.call(ANA).state == CallState.RINGING


def test_an_officer_hanging_up_stops_the_ringing_and_texts_take_over(sim: Sim) -> None:
    sim.player.call_hotline(OFFICER, BASE + "/voice/inbound", sim.post)
    sim.player.no_key(OFFICER, sim.post)
    sim.player.hang_up(OFFICER, sim.post)
    assert sim.call(ANA).state == CallState.ENDED  # the leg stopped ringing
    sim.tick()
    phones = phones_of(runtime_of(sim.app))
    assert any("Reply 1" in m.body for m in phones.inbox(BEN))  # the next step, by text
    with pytest.raises(NoSuchCall):
        sim.player.answer(ANA, sim.post)


def test_a_spoken_page_rings_and_its_key_accepts(paged: Sim, clock: ManualClock) -> None:
    sim = paged
    sim.post(BASE + "/sms/inbound", inbound_params(OFFICER, "need an advocate"))
    sim.tick()
    assert sim.player.current(ANA) is None and sim.player.current(BEN) is None  # Ana, by text
    clock.advance(timedelta(minutes=5))
    sim.tick()  # the next step: Ben, who takes pages by call
    assert sim.call(BEN).state == CallState.RINGING
    sim.player.answer(BEN, sim.post)
    assert "This is the hotline with a page" in sim.heard(BEN)
    sim.player.press(BEN, "1", sim.post)
    assert "You accepted" in sim.heard(BEN) and sim.call(BEN).state == CallState.ENDED
    sim.tick()
    assert sim.need()[0] == "accepted"
    with runtime_of(sim.app).database.session_scope() as session:
        call = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "voice"))
        assert call.one().state == "delivered"  # its status callback came, signed


def test_a_spoken_page_declined_on_the_phone_is_no_answer(paged: Sim, clock: ManualClock) -> None:
    sim = paged
    sim.post(BASE + "/sms/inbound", inbound_params(OFFICER, "need an advocate"))
    sim.tick()
    clock.advance(timedelta(minutes=5))
    sim.tick()
    sim.player.decline(BEN, sim.post)
    assert sim.call(BEN).state == CallState.ENDED
    assert sim.need() == ("paging", ["open", "open"])


def test_a_request_the_service_refuses_fails_the_call_loudly(sim: Sim) -> None:
    with pytest.raises(CallFailed):
        sim.post("https://elsewhere.example/voice/inbound", {"CallSid": "CA1"})
    forged = {"CallSid": "CA" + "1" * 32, "From": OFFICER, "To": "+12625550100"}
    with sim.app.test_client() as client:
        assert client.post("/voice/inbound", data=forged).status_code == 403  # unsigned


class Answers:
    """A poster that answers each URL with set TwiML and keeps what was posted, for the
    verbs the service itself does not use (``<Redirect>``) and a busy line."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.posted: list[tuple[str, dict[str, str]]] = []

    def __call__(self, url: str, params: dict[str, str]) -> str:
        self.posted.append((url, params))
        return self.answers.get(url.partition("?")[0], "<Response/>")


def test_a_redirect_is_followed_and_a_dial_to_a_busy_phone_reports_busy() -> None:
    answers = Answers(
        {
            "/in": "<Response><Say>One</Say><Redirect>/two</Redirect></Response>",
            "/two": '<Response><Say>Two</Say><Dial action="/after"><Number url="/screen">'
            "+12625550101</Number></Dial></Response>",
            "/after": "<Response><Say>Nobody</Say><Hangup/></Response>",
        }
    )
    changes = iter(range(1, 1000))
    player = CallPlayer("+12625550100", lambda: next(changes))
    player.ring_page(ANA, "<Response><Say>Page</Say></Response>", "/status")  # Ana's line rings
    player.call_hotline(OFFICER, "/in", answers)
    officer, ana = player.current(OFFICER), player.current(ANA)
    assert officer is not None and ana is not None
    assert " ".join(officer.heard) == "One Two Nobody"
    after = [params for url, params in answers.posted if url == "/after"]
    assert after[0]["DialCallStatus"] == "busy" and after[0]["DialBridged"] == "false"
    assert officer.state == CallState.ENDED
    assert ana.state == CallState.RINGING  # the page still rings
