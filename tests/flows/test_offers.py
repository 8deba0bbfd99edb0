"""Shifts offered by text (COVER, SWAP) on both databases, with the clock moved."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.flows.models import CallLogEntry, Debrief
from dispatcher.rosters import service
from dispatcher.rosters.models import Roster
from tests.flows.test_night import open_request
from tests.night import ANA, BEN, CRUZ, KIM, OFFICER, World

DEE = "+12625550104"
# At START (Tue 10 Mar 07:00 in Chicago) the daily advocates rotation has Ben from 08:00,
# then Cruz (Wed), Ana (Thu), Ben (Fri), Cruz (Sat).
SATURDAY = "advocates Sat 14 Mar 08:00-Sun 15 Mar 08:00"


def offer_code(text: str | None) -> str:
    """The offer code a text names."""
    assert text is not None
    found = re.search(r"\b(S[A-Z0-9]{3})\b", text)
    assert found, text
    return found.group(1)


def on_call(world: World, at: datetime) -> list[str]:
    """Who the advocates roster has on call at ``at``."""
    with world.session() as session:
        roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
        return [p.name for p in service.who_is_on_call(session, roster, at)]


def test_the_first_taker_gets_a_covered_shift_and_everyone_is_told(world: World) -> None:
    reply = world.text(CRUZ, "COVER SAT")
    code = offer_code(reply)
    assert reply == f"Asked 2 people to cover {SATURDAY} ({code}). You will hear who takes it."
    world.tick()
    asked = f"Cruz Lee asks for cover: {SATURDAY}. Reply 1 {code} to take it."
    assert asked in world.inbox(ANA) and asked in world.inbox(BEN)
    assert world.text(BEN, f"1 {code} sure thing") == (
        f"You are covering {SATURDAY} for Cruz Lee. Thank you."
    )
    assert world.text(ANA, f"1 {code}") == f"{code} is already taken or closed. Thank you."
    world.tick()
    assert world.last(CRUZ) == f"Ben Okafor will cover your shift: {SATURDAY}."
    assert world.last(KIM) == f"Ben Okafor covers Cruz Lee: {SATURDAY}."
    assert on_call(world, datetime(2026, 3, 14, 15, tzinfo=UTC)) == ["Ben Okafor"]
    assert on_call(world, datetime(2026, 3, 15, 15, tzinfo=UTC)) == ["Ana Ruiz"]
    with world.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and (entry.actor, entry.entity) == ("sms", "roster")


def test_an_offer_nobody_takes_goes_to_the_coordinators(world: World) -> None:
    code = offer_code(world.text(CRUZ, "COVER NEXT"))  # Wed 08:00; waits 12 hours
    world.advance(minutes=60 * 12 - 1)
    assert not [t for t in world.inbox(KIM) if "still needs cover" in t]
    world.engine = world.new_engine()  # a restart loses no deadline
    world.advance(minutes=1)
    told = (
        "Nobody took Cruz Lee's shift: advocates Wed 11 Mar 08:00-Thu 12 Mar 08:00. It still "
        "needs cover."
    )
    assert world.last(KIM) == told and world.last(CRUZ) == told
    world.advance(minutes=5)
    assert len([t for t in world.inbox(KIM) if "still needs cover" in t]) == 1
    assert world.text(ANA, f"1 {code}") == f"{code} is already taken or closed. Thank you."


def test_swap_asks_one_person_who_may_decline(world: World) -> None:
    reply = world.text(CRUZ, "SWAP ana")
    code = offer_code(reply)
    shift = "advocates Wed 11 Mar 08:00-Thu 12 Mar 08:00"
    assert reply == f"Asked Ana Ruiz to take {shift} ({code}). You will hear who takes it."
    world.tick()
    assert world.last(ANA) == (
        f"Cruz Lee asks you to take their shift: {shift}. Reply 1 {code} to take it, 2 {code} "
        "to say no."
    )
    assert world.text(BEN, f"1 {code}") == f"{code} was not offered to you."
    assert world.text(ANA, f"2 {code}") == f"You passed on {code}. Thank you."
    world.tick()
    assert world.last(CRUZ) == f"Ana Ruiz cannot take your shift: {shift}."
    assert world.text(ANA, f"1 {code}") == f"{code} is already taken or closed. Thank you."


def test_offers_that_cannot_be_made_say_why(world: World) -> None:
    assert world.text(DEE, "COVER NEXT") == (
        "You have no shift to offer then. Text COVER NEXT to offer your next one."
    )
    assert "no shift" in (world.text(CRUZ, "COVER MON") or "")
    assert "COVER SAT" in (world.text(CRUZ, "COVER whenever") or "")
    assert world.text(CRUZ, "SWAP Dee") == (
        "Nobody called Dee rotates with you. Text SWAP and a first or full name."
    )
    assert world.text(BEN, "1 S4K7") == "S4K7 is already taken or closed. Thank you."


def test_an_offer_code_is_never_relayed_to_an_officer(world: World) -> None:
    world.text(OFFICER, "Need an advocate at the station")
    world.tick()
    request_code = world.last(ANA).split("Ref ")[1][:4]
    world.text(ANA, f"1 {request_code}")
    world.tick()
    before = len(world.inbox(OFFICER))
    world.text(ANA, "S4K7 she is with me")
    world.text(ANA, "S4K7")
    world.tick()
    assert len(world.inbox(OFFICER)) == before


def test_a_shift_offered_twice_is_taken_once(world: World) -> None:
    first = offer_code(world.text(CRUZ, "COVER SAT"))
    second = offer_code(world.text(CRUZ, "SWAP ana"))  # Wed, a different shift
    third = offer_code(world.text(CRUZ, "cover saturday"))
    assert second != first != third
    assert world.text(BEN, f"1 {first}") is not None
    assert world.text(ANA, f"1 {third}") == f"{third} is already taken or closed. Thank you."
    world.advance(minutes=60 * 13)  # past offer_wait: only the SWAP is still open
    uncovered = [t for t in world.inbox(KIM) if "still needs cover" in t]
    assert uncovered == [
        "Nobody took Cruz Lee's shift: advocates Wed 11 Mar 08:00-Thu 12 Mar 08:00. It still "
        "needs cover."
    ]
    assert on_call(world, datetime(2026, 3, 14, 15, tzinfo=UTC)) == ["Ben Okafor"]


def test_an_offer_answer_and_a_debrief_answer_are_never_mistaken(world: World) -> None:
    code = open_request(world, "Need an advocate at the station")
    assert world.text(ANA, "1") is None
    world.tick()
    world.text(ANA, f"DONE {code}")  # the debrief waits for numbers
    offer = offer_code(world.text(CRUZ, "COVER SAT"))
    world.tick()
    assert world.text(ANA, f"1 {offer}") == f"You are covering {SATURDAY} for Cruz Lee. Thank you."
    with world.session() as session:
        assert len(session.scalars(select(Debrief)).all()) == 1  # not taken as its answer
    assert world.text(ANA, "1") == f"Thank you. Recorded for {code}."
    assert world.text(BEN, f"1 {offer}") == f"{offer} is already taken or closed. Thank you."
    with world.session() as session:
        assert session.scalars(select(Debrief)).all() == []
        assert session.scalars(select(CallLogEntry.services)).one() == ["crisis_support"]
