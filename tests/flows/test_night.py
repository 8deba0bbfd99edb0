"""A night on call, service level: the flows on SQLite and PostgreSQL with simulated phones."""

from __future__ import annotations

import re

import sqlalchemy as sa

from dispatcher.flows.models import CallLogEntry, Need, Page, Request
from dispatcher.rosters.models import Person
from dispatcher.sms.messages import segments
from tests.night import ANA, BEN, CRUZ, HARBOR, KIM, LAKEVIEW, LEE, OFFICER, ROSA, SAM, World


def code_in(text: str | None) -> str:
    """The reference code quoted in a text."""
    assert text is not None
    found = re.search(r"\b([ACDEFGHJKMNPQRTUVWXY34679]{4})\b", text.split("Ref", 1)[-1])
    assert found, text
    return found.group(1)


def open_request(world: World, body: str = "Need an advocate at the station") -> str:
    """The officer texts; the engine pages; return the reference code."""
    reply = world.text(OFFICER, body)
    code = code_in(reply)
    world.tick()
    return code


def test_an_officer_text_opens_a_request_and_pages_whoever_is_on_call(world: World) -> None:
    reply = world.text(OFFICER, "Woman at the truck stop needs help")
    assert reply is not None
    code = code_in(reply)
    assert code in reply and "STATUS" in reply
    world.tick()
    page = world.last(ANA)
    assert code in page and "Racine" in page and "1 " + code in page
    assert segments(page) == 1
    assert "truck stop" not in page
    assert world.inbox(BEN) == [] and world.inbox(CRUZ) == []


def test_accept_tells_the_accepter_the_officer_and_wipes_the_note(world: World) -> None:
    code = open_request(world, "Woman at the truck stop needs help")
    assert world.text(ANA, "1") is None
    world.tick()
    accepted = world.last(ANA)
    assert "Inv. N. Lofy" in accepted and "truck stop" in accepted
    assert world.last(OFFICER).startswith(f"Ana (advocate) accepted {code}.")
    with world.session() as session:
        request = session.scalars(sa.select(Request)).one()
        assert request.note is None and request.needs[0].state == "accepted"


def test_nobody_answers_escalation_runs_every_step_and_repeat_then_gives_up(world: World) -> None:
    code = open_request(world)
    assert len(world.inbox(ANA)) == 1
    world.advance(minutes=5)
    assert len(world.inbox(BEN)) == 1  # next in order
    world.advance(minutes=5)
    assert len(world.inbox(CRUZ)) == 1  # everyone: only Cruz had no page yet
    world.advance(minutes=10)
    assert len(world.inbox(KIM)) == 1 and len(world.inbox(LEE)) == 1
    world.advance(minutes=10)  # round two reminds the on-call person
    assert len(world.inbox(ANA)) == 2
    for wait in (5, 5, 10):
        world.advance(minutes=wait)
    assert len(world.inbox(KIM)) == 2
    assert all(text.startswith(f"Still paging for {code}") for text in world.inbox(OFFICER))
    world.advance(minutes=10)
    officer = world.last(OFFICER)
    assert code in officer and "1-888-373-7888" in officer
    assert any("nobody" in t.lower() or "unfilled" in t.lower() for t in world.inbox(KIM))
    with world.session() as session:
        assert session.scalars(sa.select(Need.state)).one() == "unfilled"
        assert session.scalars(sa.select(Request.status)).one() == "open"  # for a late accept
    world.advance(minutes=60 * 13)  # idles out
    with world.session() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert entry.outcome == "unfilled" and entry.code == code and entry.depth == 8


def test_a_decline_moves_to_the_next_target_at_once(world: World) -> None:
    code = open_request(world)
    reply = world.text(ANA, f"2 {code}")
    assert reply is not None and code in reply
    world.tick()
    assert code in world.last(BEN)


def test_room_and_ride_are_paged_in_parallel_with_the_advocate(world: World) -> None:
    code = open_request(world, "juvenile needs a hotel room and a ride")
    assert code in world.last(ANA)
    assert "room" in world.last(HARBOR) and "room" in world.last(LAKEVIEW)
    assert "ride" in world.last(SAM)  # on call this week
    assert world.inbox(ROSA) == []
    world.text(HARBOR, "1")
    world.tick()
    assert world.last(OFFICER).startswith(f"Harbor (hotel) accepted {code}.")
    assert f"{code} is already covered by Harbor" in world.last(LAKEVIEW)


def test_first_accept_wins_and_the_others_hear_already_covered(world: World) -> None:
    code = open_request(world)
    world.advance(minutes=5)
    world.advance(minutes=5)  # everyone on the roster has now been paged
    assert world.text(CRUZ, f"A {code}") is None
    late = world.text(BEN, f"accept {code}")
    assert late is not None and "covered" in late
    world.tick()
    assert f"{code} is already covered by Cruz" in world.last(ANA)
    assert world.last(OFFICER).startswith(f"Cruz (advocate) accepted {code}.")


def test_words_before_acceptance_are_held_then_relayed_both_ways(world: World) -> None:
    code = open_request(world)
    held = world.text(OFFICER, "She is 16 and speaks Spanish")
    assert held is not None and code in held
    world.text(ANA, "1")
    world.tick()
    assert "She is 16" in world.last(ANA)
    assert world.text(OFFICER, "We are at the back entrance") is None
    world.tick()
    assert "back entrance" in world.last(ANA)
    assert world.text(ANA, "On my way, 10 minutes") is None
    world.tick()
    assert "On my way" in world.last(OFFICER) and "Ana" in world.last(OFFICER)


def test_done_from_the_officer_closes_and_logs_the_call(world: World) -> None:
    code = open_request(world)
    world.text(ANA, "1")
    world.advance(minutes=20)
    reply = world.text(OFFICER, "DONE")
    assert reply is not None and code in reply
    world.tick()
    assert code in world.last(ANA)
    with world.session() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert entry.outcome == "accepted"
        assert entry.opened_hour.minute == 0
        # Durations are kept only as buckets: accepted at once, closed 20 minutes later.
        assert (entry.time_to_first_page, entry.time_to_accept) == ("0-5", "0-5")
        assert entry.time_open == "15-30"
        assert (entry.advocate, entry.room, entry.ride) == ("accepted", None, None)
        assert entry.needs[0]["time_to_accept"] == "0-5"
        assert "seconds_to_accept" not in entry.needs[0]
        assert entry.needs[0]["member_id"] is not None
        assert session.scalars(sa.select(Request.status)).one() == "closed"


def test_stop_opts_a_person_out_skips_them_and_tells_the_coordinators(world: World) -> None:
    code = open_request(world)
    assert world.text(ANA, "STOP") is None
    world.tick()
    assert code in world.last(BEN)  # her page counted as unanswered: escalation moved on
    assert "Ana Ruiz" in world.last(KIM)
    with world.session() as session:
        ana = session.scalars(sa.select(Person).where(Person.phone == ANA)).one()
        assert ana.opted_out and ana.opted_out_cause
    assert world.text(ANA, "START") is None
    with world.session() as session:
        assert not session.scalars(sa.select(Person.opted_out).where(Person.phone == ANA)).one()


def test_away_people_are_skipped_until_back(world: World) -> None:
    assert world.text(ANA, "AWAY 8h") is not None
    code = open_request(world)
    assert world.inbox(ANA) == []
    assert code in world.last(BEN)


def test_a_person_with_two_open_pages_must_name_the_code(world: World) -> None:
    first = open_request(world)
    second = open_request(world, "NEW a second girl, same scene")
    session_reply = world.text(ANA, "1")
    assert session_reply is not None and first in session_reply and second in session_reply
    assert world.text(ANA, f"1 {second}") is None
    with world.session() as session:
        states = dict(session.execute(sa.select(Page.id, Page.state)).all())
        assert sorted(states.values()) == ["accepted", "open"]


def test_idle_requests_close_themselves(world: World) -> None:
    open_request(world)
    world.text(ANA, "1")
    world.advance(minutes=60 * 13)
    with world.session() as session:
        assert session.scalars(sa.select(Request.status)).one() == "closed"
        assert session.scalars(sa.select(CallLogEntry.outcome)).one() == "accepted"


def test_a_restarted_engine_fires_every_overdue_step_at_once(world: World) -> None:
    code = open_request(world)
    world.engine = world.new_engine()  # the old process died
    world.advance(minutes=7)
    assert code in world.last(BEN)
