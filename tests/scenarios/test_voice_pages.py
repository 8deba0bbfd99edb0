"""Scenarios: pages by voice over signed webhooks and the real twilio client.

A page not answered by text is followed by a call; a person who texted STOP and a landline
are called; a key press accepts or passes through the same conditional update as a text;
no key is no answer; forged or altered voice webhooks change nothing; call records are
deleted once the call is over.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import Need, OutboxMessage, Page, Request
from dispatcher.rosters.models import Person
from tests.fakes import FakeCall, FakeTwilio, gather_action, signature
from tests.night import ANA, BEN, COALITION, OFFICER, load_coalition
from tests.scenarios.live import PUBLIC, LiveNight
from tests.scenarios.test_night_call import code_of
from tests.support.twiml import check_voice, spoken

# Ana is texted first and called two minutes later; Ben is only ever called.
VOICE_COALITION = COALITION.replace(
    'phone = "(262) 555-0101"', 'phone = "(262) 555-0101"\nchannels = ["sms", "voice"]'
).replace('phone = "+12625550102"', 'phone = "+12625550102"\nchannels = ["voice"]')
VOICE_COALITION = VOICE_COALITION.replace("repeat = 1", 'repeat = 1\nvoice_after = "2m"', 1)


@pytest.fixture
def night(
    database: Database, tmp_path: Path, clock: ManualClock, fake: FakeTwilio
) -> Iterator[LiveNight]:
    """The service on a coalition whose advocates take calls."""
    load_coalition(database, VOICE_COALITION)
    live = LiveNight(database, tmp_path, clock, fake, send_timeout="1s")
    yield live
    live.stop()
    assert fake.violations == [], "requests Twilio's API description rejects"


def only_call(fake: FakeTwilio, number: str) -> FakeCall:
    """The one call placed to ``number``, its TwiML checked."""
    calls = fake.calls_to(number)
    assert len(calls) == 1, calls
    check_voice(calls[0].twiml)
    return calls[0]


def need_state(night: LiveNight) -> str:
    with night.database.session_scope() as session:
        return session.scalars(sa.select(Need.state)).one()


def test_a_page_not_answered_by_text_is_followed_by_a_call_and_1_accepts(
    night: LiveNight,
) -> None:
    night.text(OFFICER, "need an advocate for a juvenile named Maria")
    night.tick()
    code = code_of(night)
    assert code in night.last(ANA) and night.fake.calls == []
    night.advance(minutes=1, seconds=59)
    assert night.fake.calls == []
    night.advance(seconds=1)
    call = only_call(night.fake, ANA)
    said = spoken(call.twiml)
    assert "Racine Police Department" in said and ", ".join(code) in said
    assert "juvenile" in said and "Maria" not in said  # tags, never the officer's words
    assert "Press 1 to accept" in said
    answer = night.fake.press(call.sid, "1")
    assert answer.status_code == 200
    assert (
        "You accepted" in spoken(answer.text)
        and check_voice(answer.text).find("Hangup") is not None
    )
    night.tick()
    assert need_state(night) == "accepted"
    assert f"Ana (advocate) accepted {code}" in night.last(OFFICER)
    assert night.last(ANA).startswith(f"You accepted {code}")
    night.advance(minutes=1)
    assert len(night.fake.calls) == 1  # the follow-up went out once


def test_an_answer_by_text_stops_the_follow_up_call(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.text(ANA, "1")
    night.advance(minutes=3)
    assert night.fake.calls == []


def test_a_person_whose_first_channel_is_voice_is_called_and_2_passes(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    code = code_of(night)
    night.text(ANA, f"2 {code}")
    night.tick()
    assert night.inbox(BEN) == []  # no text: Ben takes calls only
    call = only_call(night.fake, BEN)
    answer = night.fake.press(call.sid, "2")
    assert f"You passed on {', '.join(code)}" in spoken(answer.text)
    night.tick()
    with night.database.session_scope() as session:
        states = session.scalars(sa.select(Page.state).order_by(Page.id)).all()
    assert states[:2] == ["declined", "declined"]
    assert code in night.last("+12625550103")  # Cruz, the rest of the pool, at once


def test_no_key_is_no_answer_and_the_call_record_is_deleted(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.advance(minutes=2)
    call = only_call(night.fake, ANA)
    answer = night.fake.press(call.sid, "9")  # a stray key counts as no key
    assert "No answer was taken" in spoken(answer.text)
    assert night.fake.end_call(call.sid, "completed").status_code == 204
    night.tick()
    assert call.sid in night.fake.deleted_calls
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Page.state)).one() == "open"
    night.advance(minutes=3)  # the step times out as for an unanswered text
    assert len(night.fake.calls_to(BEN)) == 1  # Ben, next, takes calls only


def test_first_accept_wins_across_channels(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.advance(minutes=2)
    call = only_call(night.fake, ANA)
    night.text(ANA, "1")  # Ana accepted by text while her phone rang
    answer = night.fake.press(call.sid, "1")
    assert "no longer open" in spoken(answer.text)
    night.tick()
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Need.accepted_by_id)).one() is not None
    assert sum("accepted" in t for t in night.inbox(OFFICER)) == 1


def test_a_person_who_texted_stop_is_called_not_texted(night: LiveNight) -> None:
    assert night.text(ANA, "STOP") is None
    night.tick()
    sent = len(night.inbox(ANA))
    night.text(OFFICER, "need an advocate")
    night.tick()
    assert len(night.inbox(ANA)) == sent
    call = only_call(night.fake, ANA)
    night.fake.press(call.sid, "1")
    night.tick()
    assert need_state(night) == "accepted"


def test_a_person_who_texted_stop_hears_the_details_in_the_call_as_no_text_follows(
    night: LiveNight,
) -> None:
    assert night.text(ANA, "STOP") is None
    night.tick()
    sent = len(night.inbox(ANA))
    night.text(OFFICER, "need an advocate, she is 16 and at the Main St lobby")
    night.tick()
    code = code_of(night)
    call = only_call(night.fake, ANA)
    answer = night.fake.press(call.sid, "1")
    said = spoken(answer.text)
    assert check_voice(answer.text).find("Hangup") is not None
    assert f"You accepted {', '.join(code)}" in said and "Racine Police Department" in said
    assert "The officer wrote: need an advocate, she is 16 and at the Main St lobby" in said
    assert "follow by text" not in said and "Text START to the hotline" in said
    night.tick()
    assert len(night.inbox(ANA)) == sent  # indeed no text
    assert f"Ana (advocate) accepted {code}" in night.last(OFFICER)
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Need.state)).one() == "accepted"
        assert session.scalars(sa.select(Request.note)).one() is None  # wiped as by text


def test_a_person_who_texted_stop_hears_the_details_in_spanish(night: LiveNight) -> None:
    with night.database.session_scope() as session:
        ana = session.scalars(sa.select(Person).where(Person.phone == ANA)).one()
        ana.opted_out, ana.language = True, "es"
    night.text(OFFICER, "need an advocate")
    night.tick()
    call = only_call(night.fake, ANA)
    answer = night.fake.press(call.sid, "1")
    assert 'language="es-MX"' in answer.text
    said = spoken(answer.text)
    assert "Usted aceptó" in said and "START" in said


def test_a_landline_is_called_instead(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    page = [m for m in night.fake.messages if m.to == ANA][-1]
    night.fake.deliver(page.sid, "undelivered", error_code=30006)
    night.tick()
    only_call(night.fake, ANA)
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Page.state)).one() == "open"
        assert session.scalars(sa.select(Page.follow_up_at)).one() is None
    night.advance(minutes=3)
    assert len(night.fake.calls_to(ANA)) == 1  # the call was the follow-up


def test_a_call_that_cannot_be_placed_moves_on_and_blames_nobody(night: LiveNight) -> None:
    night.fake.fail_with_code(code=21215, status=400, to=BEN, times=5)  # no permission there
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.text(ANA, "2")
    night.tick()
    night.advance(seconds=5)  # a slow first answer (a timeout) is looked up, then retried
    night.advance(seconds=5)
    with night.database.session_scope() as session:
        states = session.scalars(sa.select(Page.state).order_by(Page.id)).all()
        failures = session.scalars(
            sa.select(OutboxMessage.failure).where(OutboxMessage.channel == "voice")
        ).all()
    assert states[:2] == ["declined", "unsent"] and set(failures) == {"rejected"}


def test_forged_or_altered_voice_webhooks_change_nothing(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.advance(minutes=2)
    call = only_call(night.fake, ANA)
    path = gather_action(call.twiml).removeprefix(PUBLIC)
    params = {"CallSid": call.sid, "From": "+12625550100", "To": ANA, "Digits": "1"}
    assert night.post(path, params, token="wrong-token").status_code == 403
    # The signature of the real URL does not cover another row named in the query.
    headers = {"X-Twilio-Signature": signature(PUBLIC + path, params, night.fake.auth_token)}
    altered = path.replace("o=", "o=1")
    with requests.Session() as session:
        session.trust_env = False
        answer = session.post(night.base_url + altered, data=params, headers=headers, timeout=15)
    assert answer.status_code == 403
    status = {"CallSid": call.sid, "CallStatus": "completed"}
    assert night.post("/voice/status?o=2", status, token="wrong-token").status_code == 403
    night.tick()
    assert need_state(night) == "paging"
    assert call.sid not in night.fake.deleted_calls
    assert night.fake.press(call.sid, "1").status_code == 200  # the real one still counts
    night.tick()
    assert need_state(night) == "accepted"


def test_opted_out_people_stay_in_the_pool(night: LiveNight) -> None:
    with night.database.session_scope() as session:
        ana = session.scalars(sa.select(Person).where(Person.phone == ANA)).one()
        ana.opted_out = True
    night.text(OFFICER, "need an advocate")
    night.tick()
    assert night.fake.calls_to(ANA)
