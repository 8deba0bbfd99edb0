"""Scenarios of escalation over signed webhooks and the real twilio client: decline,
silence through every step and repeat, parallel needs, STOP, and the relay."""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.flows.models import CallLogEntry, Need
from dispatcher.rosters.models import Person
from tests.night import ANA, BEN, CRUZ, HARBOR, KIM, LAKEVIEW, LEE, OFFICER, SAM
from tests.scenarios.live import LiveNight
from tests.scenarios.test_night_call import code_of


def test_a_decline_pages_the_next_person_at_once(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    code = code_of(night)
    reply = night.text(ANA, f"PASS {code}")
    assert reply is not None and code in reply
    night.tick()
    assert code in night.last(BEN)


def test_silence_runs_every_step_and_repeat_then_the_officer_gets_the_fallback(
    night: LiveNight,
) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    code = code_of(night)
    for wait in (5, 5, 10, 10, 5, 5, 10, 10):
        night.advance(minutes=wait)
    assert [len(night.inbox(n)) for n in (ANA, BEN, CRUZ)] == [2, 2, 2]
    assert all(code in text for text in night.inbox(ANA))
    assert any("could not reach" in t for t in night.inbox(OFFICER))
    assert "1-888-373-7888" in night.last(OFFICER)
    told = f"Unfilled: nobody accepted {code}"
    assert night.last(KIM).startswith(told) and night.last(LEE).startswith(told)
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Need.state)).one() == "unfilled"
    night.text(OFFICER, "DONE")  # the request stayed open for a late accept
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(CallLogEntry.outcome)).one() == "unfilled"


def test_a_room_and_a_ride_are_dispatched_in_parallel(night: LiveNight) -> None:
    night.text(OFFICER, "needs a motel room and a ride to the shelter")
    night.tick()
    code = code_of(night)
    for number in (ANA, HARBOR, LAKEVIEW, SAM):
        assert code in night.last(number)
    night.text(LAKEVIEW, "1")
    night.text(SAM, f"ok {code}")
    night.tick()
    officer = " ".join(night.inbox(OFFICER))
    assert (
        f"Lakeview (hotel) accepted {code}" in officer
        and f"Sam (driver) accepted {code}" in officer
    )
    assert f"{code} is already covered by Lakeview" in night.last(HARBOR)


def test_stop_from_a_paged_advocate_opts_them_out_and_moves_on(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    assert night.text(ANA, "STOP") is None
    night.tick()
    assert code_of(night) in night.last(BEN)
    assert "Ana Ruiz" in night.last(KIM)
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Person.opted_out_cause).where(Person.phone == ANA)).one()


def test_texts_are_relayed_between_the_officer_and_the_advocate(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.text(ANA, "1")
    night.tick()
    assert night.text(OFFICER, "We are in interview room 2") is None
    night.tick()
    assert "interview room 2" in night.last(ANA)
    assert night.text(ANA, "Parking now") is None
    night.tick()
    assert "Parking now" in night.last(OFFICER)
    reply = night.text(ANA, "DONE")
    assert reply is not None
    night.tick()
    assert "closed" in night.last(OFFICER)
