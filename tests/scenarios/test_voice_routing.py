"""Scenarios: an officer's call is routed live to advocates, one leg at a time.

Twilio's part is played by ``tests.support.calls.OfficerCall`` (signed webhooks, every
TwiML answer checked); texts go through the fake Twilio.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dispatcher.cli.rosters import DEMO_FILE
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import CallLogEntry, Need, Page
from tests.fakes import FakeTwilio
from tests.flows.test_regions import CHICAGO, DEPUTY, GIA, HAL
from tests.night import (
    ANA,
    BEN,
    COALITION,
    CRUZ,
    HARBOR,
    KIM,
    LAKEVIEW,
    LEE,
    OFFICER,
    load_coalition,
)
from tests.scenarios.live import PUBLIC, LiveNight
from tests.scenarios.test_night_call import code_of
from tests.support.calls import OfficerCall
from tests.support.twiml import spoken


@pytest.fixture
def tight(
    database: Database, tmp_path: Path, clock: ManualClock, fake: FakeTwilio
) -> Iterator[LiveNight]:
    """The service with a 30-second ring budget."""
    load_coalition(database)
    live = LiveNight(database, tmp_path, clock, fake, send_timeout="1s", voice_ring_budget="30s")
    yield live
    live.stop()
    assert fake.violations == []


# The advocates' policy is everyone on the roster (Ana, Ben, Cruz), then the coordinators,
# so a call can stop part way through a step.
ALL_FIRST = COALITION.replace(
    '{ notify = "on-call", wait = "5m" },\n  { notify = "next", wait = "5m" },\n'
    '  { notify = "all", wait = "10m" },',
    '{ notify = "all", wait = "5m" },',
)


@pytest.fixture
def everyone_first(
    database: Database, tmp_path: Path, clock: ManualClock, fake: FakeTwilio
) -> Iterator[LiveNight]:
    """The service with a 30-second ring budget and a first step of everyone."""
    assert ALL_FIRST != COALITION
    load_coalition(database, ALL_FIRST)
    live = LiveNight(database, tmp_path, clock, fake, send_timeout="1s", voice_ring_budget="30s")
    yield live
    live.stop()
    assert fake.violations == []


@pytest.fixture
def kenosha(
    database: Database, tmp_path: Path, clock: ManualClock, fake: FakeTwilio
) -> Iterator[LiveNight]:
    """The demo coalition at 02:05 on Tue 10 March (Hal on call in Kenosha, Gia next;
    Kenosha's third step is mutual aid from Racine County, where Ana is on call)."""
    load_coalition(database, DEMO_FILE.read_text())
    clock.set(datetime(2026, 3, 10, 2, 5, tzinfo=CHICAGO))
    live = LiveNight(database, tmp_path, clock, fake, send_timeout="1s")
    yield live
    live.stop()
    assert fake.violations == []


def states(night: LiveNight) -> list[str]:
    with night.database.session_scope() as session:
        return list(session.scalars(sa.select(Page.state).order_by(Page.id)))


def need(night: LiveNight) -> tuple[str, int | None]:
    with night.database.session_scope() as session:
        found = session.scalars(sa.select(Need)).one()
        return found.state, found.accepted_by_id


def test_the_first_leg_accepts_and_is_bridged(night: LiveNight) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    assert ", ".join(code) in call.heard and "Connecting you to an advocate" in call.heard
    assert call.ringing == ANA
    screen = call.answer_leg()
    assert "Racine Police Department" in screen and "Press 1 to take this call" in screen
    call.press("1")
    assert call.bridged
    night.tick()
    assert need(night)[0] == "accepted"
    assert f"Ana (advocate) accepted {code}" in night.last(OFFICER)
    assert night.last(ANA).startswith(f"You accepted {code}")  # the details, by text
    assert not any("Reply 1" in text for text in night.inbox(ANA))  # never paged by text
    leg = call.leg_sid
    call.leg_ends("completed", bridged=True)
    assert call.ringing is None and call.heard == ""
    night.advance(minutes=1)
    assert {call.sid, leg} <= set(night.fake.deleted_calls)  # Twilio's records, both legs


def test_a_bridged_call_is_known_as_such_without_twilios_dial_bridged(night: LiveNight) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    call.answer_leg()
    call.press("1")
    assert call.bridged
    call.leg_ends("completed", says_bridged=False)  # our own record: the leg's page won
    assert call.ringing is None and call.heard == ""


def test_an_advocate_who_texted_stop_hears_the_details_before_the_bridge(
    night: LiveNight,
) -> None:
    assert night.text(ANA, "STOP") is None
    night.tick()
    sent = len(night.inbox(ANA))
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    call.answer_leg()
    said = spoken(call.press("1"))
    assert call.bridged
    assert f"You accepted {', '.join(code)}" in said and "Putting you through now" in said
    assert "Text START to the hotline" in said
    night.tick()
    assert len(night.inbox(ANA)) == sent
    assert need(night)[0] == "accepted"


def test_a_long_routed_call_is_not_deleted_while_it_may_still_be_on(night: LiveNight) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    call.answer_leg()
    call.press("1")
    night.advance(minutes=30)  # a long conversation, still bridged
    assert call.sid not in night.fake.deleted_calls
    call.leg_ends("completed", bridged=True)
    night.advance(minutes=1)
    assert call.sid in night.fake.deleted_calls


def test_the_second_leg_takes_the_call_after_the_first_passed(night: LiveNight) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    call.answer_leg()
    assert "You passed" in call.press("2")
    call.leg_ends("completed")
    assert call.ringing == BEN
    call.answer_leg()
    call.press("1")
    assert call.bridged
    night.tick()
    assert states(night) == ["declined", "accepted"]
    night.text(BEN, "DONE")
    night.tick()
    with night.database.session_scope() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert entry.channel == "voice" and entry.outcome == "accepted"
        assert entry.depth == 2  # Ana on call, then Ben next
        kept = " ".join(str(getattr(entry, c.key)) for c in CallLogEntry.__table__.columns)
        assert OFFICER not in kept and BEN not in kept


def test_a_voicemail_or_no_key_ends_that_leg_only(night: LiveNight) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    call.answer_leg()  # a voicemail greeting "answers"; the screen waits for a key in vain
    call.leg_ends("completed")
    assert call.ringing == BEN
    assert states(night) == ["open", "open"]  # no answer is not a decline


def test_the_officer_hanging_up_does_not_cancel_the_sms_escalation_continues(
    night: LiveNight,
) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    call.hang_up()
    night.tick()
    assert code in night.last(BEN)  # the next step, by text, at once
    assert night.inbox(ANA) == []  # rung already in this round
    assert need(night)[0] == "paging"


def test_the_ring_budget_runs_out_and_sms_takes_over_without_whoever_passed(
    tight: LiveNight,
) -> None:
    night = tight
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    call.answer_leg()
    call.press("2")  # Ana passes by voice
    night.advance(seconds=5)
    call.leg_ends("completed")
    assert call.ringing == BEN
    night.advance(seconds=25)  # Ben's phone rings out, the budget with it
    call.leg_ends("no-answer")
    assert call.ringing is None
    assert "Advocates are being texted now" in call.heard and "9 1 1" in call.heard
    night.tick()
    assert code in night.last(CRUZ)  # the step after the calls: everyone left
    for wait in (10, 10, 5, 5, 10, 10):  # coordinators, then the repeat round
        night.advance(minutes=wait)
    assert night.inbox(ANA) == []  # she passed by voice: never paged again
    assert any(code in text for text in night.inbox(BEN))  # rung, no answer: texted later


def test_a_hold_whose_call_never_reports_ends_by_itself(tight: LiveNight) -> None:
    night = tight
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    night.advance(seconds=59)
    assert night.inbox(BEN) == []
    night.advance(seconds=2)  # budget 30 s + 30 s of slack
    assert code in night.last(BEN)


def test_an_accept_by_text_while_the_call_rings_wins_once(night: LiveNight) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    call.leg_ends("no-answer")  # Ana's phone rang out: her page stays open
    assert call.ringing == BEN
    call.answer_leg()
    barrier = threading.Barrier(2)
    answers: dict[str, object] = {}

    def ben_presses() -> None:
        barrier.wait()
        answers["ben"] = call.press("1")

    def ana_texts() -> None:
        barrier.wait()
        answers["ana"] = night.text(ANA, f"1 {code}")

    threads = [threading.Thread(target=ben_presses), threading.Thread(target=ana_texts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    night.tick()
    state, _ = need(night)
    assert state == "accepted"
    with night.database.session_scope() as session:
        won = session.scalars(sa.select(Page.state).where(Page.state == "accepted")).all()
    assert len(won) == 1
    assert sum("accepted" in text for text in night.inbox(OFFICER)) == 1
    call.leg_ends("completed", bridged=call.bridged)
    if not call.bridged:
        assert "An advocate accepted your request" in call.heard


def test_the_officer_asks_for_a_room_on_the_keypad_while_the_advocate_rings(
    night: LiveNight,
) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    assert "If you also need a room, press 2" in call.heard
    call.keypad("2")
    assert "Also requesting a room" in call.heard and call.ringing == ANA
    night.tick()
    assert code in night.last(HARBOR) and code in night.last(LAKEVIEW)  # hotels, by text
    call.answer_leg()
    call.press("1")
    assert call.bridged


def test_forged_or_altered_routing_webhooks_change_nothing(night: LiveNight) -> None:
    call = OfficerCall(night, OFFICER)
    call.dial()
    call.answer_leg()
    key_url = PUBLIC + "/voice/screen/key?p=1"
    params = {"CallSid": call.sid, "Digits": "1"}
    assert night.post(key_url.removeprefix(PUBLIC), params, token="forged").status_code == 403
    assert night.post("/voice/dial?r=1", call.params(), token="forged").status_code == 403
    assert night.post("/voice/screen?p=1", call.params(), token="forged").status_code == 403
    keypad = call.params(Digits="2")
    assert night.post("/voice/needs?r=1&p=1", keypad, token="forged").status_code == 403
    night.tick()
    assert need(night) == ("paging", None)


def test_the_budget_running_out_mid_step_texts_the_rest_of_that_step(
    everyone_first: LiveNight,
) -> None:
    night = everyone_first
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    first = call.ringing
    call.answer_leg()
    call.press("2")  # the first advocate passes by voice
    night.advance(seconds=5)
    call.leg_ends("completed")
    second = call.ringing
    night.advance(seconds=25)  # the second one's phone rings out, the budget with it
    call.leg_ends("no-answer")
    assert "Advocates are being texted now" in call.heard
    night.tick()
    (third,) = {ANA, BEN, CRUZ} - {first, second}
    assert code in night.last(third)  # the step's target the calls never reached
    assert night.inbox(first or "") == night.inbox(second or "") == []
    assert night.inbox(KIM) == night.inbox(LEE) == []  # the step waits before moving on
    night.advance(minutes=5)
    assert code in night.last(KIM)  # then the next step, coordinators
    assert night.inbox(first or "") == []  # passed by voice: never paged again


def test_an_officer_hanging_up_mid_step_leaves_the_rest_of_it_to_texts(
    everyone_first: LiveNight,
) -> None:
    night = everyone_first
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    rung = call.ringing
    call.hang_up()
    night.tick()
    for other in {ANA, BEN, CRUZ} - {rung}:
        assert code in night.last(other)
    assert night.inbox(rung or "") == []  # rung in this round: the next round reminds
    assert night.inbox(KIM) == []


def test_a_hold_that_ends_by_itself_mid_step_texts_the_rest_of_it(
    everyone_first: LiveNight,
) -> None:
    night = everyone_first
    call = OfficerCall(night, OFFICER)
    call.dial()
    code = code_of(night)
    rung = call.ringing
    night.advance(seconds=61)  # budget 30 s + 30 s of slack: the call's end never came
    for other in {ANA, BEN, CRUZ} - {rung}:
        assert code in night.last(other)
    assert night.inbox(rung or "") == []
    assert night.inbox(KIM) == []


def test_live_calls_ring_mutual_aid_steps_as_texts_page_them(kenosha: LiveNight) -> None:
    night = kenosha
    call = OfficerCall(night, DEPUTY)
    call.dial()
    assert call.ringing == HAL  # Kenosha's on call
    call.leg_ends("no-answer")
    assert call.ringing == GIA  # Kenosha's next
    call.leg_ends("no-answer")
    assert call.ringing == ANA  # mutual aid: Racine County's advocate on call
    screen = call.answer_leg()
    assert "Kenosha County" in screen
    call.press("1")
    assert call.bridged
    night.tick()
    assert need(night)[0] == "accepted"
    assert night.inbox(BEN) == night.inbox(CRUZ) == []
