"""Safety check-ins on both databases, with the clock moved: a night at the scene."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from dispatcher.flows.models import CallLogEntry, CheckIn, Debrief
from dispatcher.rosters.models import Agency, Officer, Person, Roster
from tests.flows.test_engine import world_pg as world_pg  # the coalition on PostgreSQL
from tests.flows.test_night import code_in, open_request
from tests.night import ANA, BEN, HARBOR, KIM, LEE, OFFICER, ROSA, SAM, World


def accept_at_scene(world: World, body: str = "Need an advocate at the station") -> str:
    """The officer asks, Ana accepts; return the code."""
    code = open_request(world, body)
    assert world.text(ANA, "1") is None
    world.tick()
    return code


def checkin_row(world: World) -> CheckIn:
    """The first check-in, detached."""
    with world.session() as session:
        row = session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).first()
        assert row is not None
        session.expunge(row)
        return row


def test_accepting_an_advocate_need_starts_a_timer(world: World) -> None:
    code = accept_at_scene(world)
    instructions, details = world.inbox(ANA)[-2:]  # the details stay the last text
    assert instructions == (
        f"Reply OK {code} when you arrive and every 45 min; DONE {code} when you leave."
    )
    assert details.startswith(f"You accepted {code}")
    row = checkin_row(world)
    assert row.state == "started" and row.count == 0
    assert row.due_at == world.clock.now() + timedelta(minutes=45)


def test_ok_with_the_code_is_a_check_in_and_moves_the_deadline(world: World) -> None:
    code = accept_at_scene(world)
    world.advance(minutes=20)
    reply = world.text(ANA, f"OK {code}")
    assert reply == f"{code}: checked in. Next check-in within 45 min."
    row = checkin_row(world)
    assert row.state == "arrived" and row.count == 1
    assert row.due_at == world.clock.now() + timedelta(minutes=45)
    world.advance(minutes=44)
    assert not any("time to check in" in t for t in world.inbox(ANA))
    world.advance(minutes=1)
    assert "time to check in" in world.last(ANA)


def test_a_missed_check_in_reminds_once_then_tells_the_coordinators(world: World) -> None:
    code = accept_at_scene(world)
    world.advance(minutes=10)
    world.text(ANA, f"ok {code}")  # arrived at 07:10 Chicago
    world.advance(minutes=45)
    assert (
        world.last(ANA)
        == f"{code}: time to check in. Reply OK {code}, or DONE {code} if you have left."
    )
    kim_before = len(world.inbox(KIM))
    world.advance(minutes=5)
    world.advance(minutes=4)
    assert len(world.inbox(KIM)) == kim_before  # within the 10 minutes' grace
    world.advance(minutes=1)
    told = world.last(KIM)
    assert told == (
        f"Ana Ruiz has not checked in for {code} since 07:10; last known: arrived. "
        "Phone: (262) 555-0101"
    )
    assert world.last(LEE) == told
    assert not any("checked in" in t for t in world.inbox(OFFICER))  # officer: off by default
    reminders = [t for t in world.inbox(ANA) if "time to check in" in t]
    world.advance(minutes=60)
    world.advance(minutes=60)
    assert [t for t in world.inbox(ANA) if "time to check in" in t] == reminders  # once
    assert [t for t in world.inbox(KIM) if "has not checked in" in t] == [told]  # once
    # a late OK: the coordinators hear it, the timer runs again
    assert world.text(ANA, f"OK {code}") is not None
    world.tick()
    assert world.last(KIM).startswith(f"Ana Ruiz checked in for {code} at ")
    assert checkin_row(world).state == "arrived"


def test_a_restart_loses_no_deadline_and_fires_none_twice(world: World) -> None:
    code = accept_at_scene(world)
    world.clock.advance(timedelta(minutes=46))
    world.engine = world.new_engine()  # as after a restart, past the deadline
    world.tick()
    world.engine = world.new_engine()
    world.tick()
    assert [t for t in world.inbox(ANA) if "time to check in" in t] == [
        f"{code}: time to check in. Reply OK {code}, or DONE {code} if you have left."
    ]


def test_the_officer_is_told_by_setting(world: World) -> None:
    world.settings = world.settings.__class__(
        **{**world.settings.__dict__, "checkin_tell_officer": True}
    )
    world.engine = world.new_engine()
    code = accept_at_scene(world)
    world.advance(minutes=45)
    world.advance(minutes=10)
    assert world.last(OFFICER) == (
        f"The advocate on {code} has not checked in since 07:00. The coordinators are told."
    )


def test_done_ends_the_timer_and_the_call_log_keeps_counts(world: World) -> None:
    code = accept_at_scene(world)
    world.advance(minutes=10)
    world.text(ANA, f"OK {code}")
    world.advance(minutes=30)
    world.text(ANA, "OK")  # the only check-in, no page waiting
    world.advance(minutes=30)
    assert world.text(ANA, f"DONE {code}") is not None
    world.advance(minutes=120)
    assert not any("time to check in" in t for t in world.inbox(ANA))
    with world.session() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert (entry.checkins, entry.checkin_alerts) == (2, 0)
        assert session.scalars(sa.select(CheckIn.state)).one() == "ended"


def test_a_ride_is_in_person_a_room_is_not(world: World) -> None:
    open_request(world, "Needs a hotel room and a ride")
    assert world.text(HARBOR, "1") is None  # the hotel takes the room
    assert world.inbox(ROSA) == [] and world.text(SAM, "1") is None  # Sam drives this week
    world.tick()
    assert world.inbox(SAM)[-2].startswith("Reply OK")
    assert not any("when you arrive" in t for t in world.inbox(HARBOR))
    with world.session() as session:
        rows = session.scalars(sa.select(CheckIn)).all()
        sam = session.scalars(sa.select(Person.id).where(Person.phone == SAM)).one()
        assert [r.person_id for r in rows] == [sam]


def test_a_roster_can_turn_check_ins_off(world: World) -> None:
    with world.session() as session:
        session.scalars(
            sa.select(Roster).where(Roster.name == "advocates")
        ).one().checkin_seconds = 0
    accept_at_scene(world)
    with world.session() as session:
        assert session.scalars(sa.select(CheckIn)).all() == []
    assert not any("when you arrive" in t for t in world.inbox(ANA))


def test_ok_still_accepts_a_waiting_page(world: World) -> None:
    code = open_request(world)
    assert world.text(ANA, f"OK {code}") is None  # an accept, as before
    world.tick()
    assert world.inbox(ANA)[-2].startswith("Reply OK")
    assert world.text(ANA, f"OK {code}") == f"{code}: checked in. Next check-in within 45 min."


def test_a_bare_ok_with_a_page_waiting_and_a_check_in_running_asks_which(world: World) -> None:
    first = accept_at_scene(world)
    assert world.text(OFFICER, "NEW second girl, same motel") is not None
    world.tick()  # Ana is on call: the second request pages her too
    second = world.last(ANA).split("Ref ")[1][:4]
    assert second != first
    reply = world.text(ANA, "OK")
    assert reply == (
        f"Add the code: OK {min(first, second)} to check in for {min(first, second)}, 1 and "
        f"the code to accept a page. Open: {', '.join(sorted((first, second)))}."
    )
    assert checkin_row(world).count == 0  # nothing was done
    assert world.text(ANA, f"OK {first}") == f"{first}: checked in. Next check-in within 45 min."
    assert world.text(ANA, f"OK {second}") is None  # accepts the page still waiting
    world.tick()
    assert world.inbox(ANA)[-2].startswith(f"Reply OK {second}")
    assert world.text(ANA, "OK").startswith("Add the code")  # two running now
    assert checkin_row_count(world) == (1, 0)
    assert world.text(BEN, "OK") == "Nothing is open for you right now."


def checkin_row_count(world: World) -> tuple[int, ...]:
    """The count of each check-in, in order."""
    with world.session() as session:
        return tuple(session.scalars(sa.select(CheckIn.count).order_by(CheckIn.id)))


def test_a_duress_word_looks_like_ok_and_alerts_at_once(world: World, caplog) -> None:
    assert world.text(ANA, "DURESS Bluebird") == (
        "Your duress word is set. In any reply it looks like OK and quietly alerts the "
        "coordinators."
    )
    code = accept_at_scene(world)
    world.advance(minutes=12)
    plain_ok = world.text(ANA, f"OK {code}")
    world.advance(minutes=3)
    kim_before, officer_before = len(world.inbox(KIM)), len(world.inbox(OFFICER))
    under_duress = world.text(ANA, "all fine here, bluebird.")
    assert under_duress == plain_ok  # what the phone shows is an ordinary check-in
    world.tick()
    assert len(world.inbox(KIM)) == kim_before + 1
    assert world.last(KIM) == (
        f"URGENT: Ana Ruiz used their duress word at 07:15 ({code}); last known: arrived. "
        "Do not text them about it. Call 911 if you cannot reach them safely. "
        "Phone: (262) 555-0101"
    )
    assert world.last(LEE) == world.last(KIM)
    assert len(world.inbox(OFFICER)) == officer_before + 1
    assert world.last(OFFICER) == (
        f"URGENT: the advocate on {code} may be in danger (silent alarm at 07:15). "
        "Check on them; do not text them about it."
    )
    assert not any("bluebird" in t.lower() for t in world.inbox(OFFICER) + world.inbox(KIM))
    row = checkin_row(world)
    assert (row.count, row.alarms) == (2, 1)
    with world.session() as session:
        stored = session.scalars(sa.select(Person.duress_hash).where(Person.phone == ANA)).one()
    assert stored and "bluebird" not in stored.lower()
    assert "bluebird" not in caplog.text.lower()
    assert world.text(ANA, f"DONE {code}") is not None
    world.tick()
    with world.session() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert (entry.checkins, entry.checkin_alerts) == (2, 1)


def test_the_duress_word_is_never_relayed_nor_accepts(world: World) -> None:
    world.text(ANA, "DURESS bluebird")
    code = open_request(world)
    assert world.text(ANA, f"1 {code} bluebird") == "Nothing is open for you right now."
    world.tick()
    assert world.last(KIM).startswith("URGENT: Ana Ruiz used their duress word")
    with world.session() as session:
        assert session.scalars(sa.select(CheckIn)).all() == []  # nothing was accepted


def test_duress_words_are_checked_and_can_be_removed(world: World) -> None:
    refused = "Not set: a duress word is one word of 3 to 30 letters or digits, as in DURESS word."
    assert world.text(ANA, "DURESS two words") == refused
    assert world.text(ANA, "DURESS ok") == refused
    assert world.text(ANA, "DURESS done") == refused
    assert world.text(ANA, "DURESS") == "Your duress word is removed."
    with world.session() as session:
        assert (
            session.scalars(sa.select(Person.duress_hash).where(Person.phone == ANA)).one() is None
        )


def test_done_asks_one_debrief_and_keeps_only_the_service_codes(world: World) -> None:
    code = accept_at_scene(world)
    world.text(ANA, f"DONE {code}")
    world.tick()
    assert world.last(ANA) == (
        f"{code}: what did you provide? Reply with numbers: 1 crisis support, 2 hospital "
        "accompaniment, 3 shelter placed, 4 transport, 5 referral to legal, 6 referral to "
        "medical, 7 interpreter, 0 none"
    )
    officer_before = len(world.inbox(OFFICER))
    reply = world.text(ANA, "1 2 7 Maria Lopez 03/04/2009 room 212, her brother is 555-0199")
    assert reply == f"Thank you. Recorded for {code}."
    assert world.text(ANA, "3") != f"Thank you. Recorded for {code}."  # asked once
    world.tick()
    assert len(world.inbox(OFFICER)) == officer_before  # nothing relayed
    with world.session() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert entry.services == ["crisis_support", "hospital_accompaniment", "interpreter"]
        assert session.scalars(sa.select(Debrief)).all() == []


def test_a_debrief_answered_while_the_request_is_open_reaches_the_call_log(world: World) -> None:
    code = open_request(world, "Needs an advocate and a ride")
    world.text(ANA, "1")
    world.text(SAM, "1")
    world.tick()
    world.text(SAM, f"DONE {code}")  # the advocate is still there
    assert world.text(SAM, "4") == f"Thank you. Recorded for {code}."
    world.text(ANA, f"DONE {code}")
    assert world.text(ANA, "0") == f"Thank you. Recorded for {code}."
    with world.session() as session:
        assert session.scalars(sa.select(CallLogEntry.services)).one() == ["transport"]


def test_a_page_waiting_keeps_1_an_accept_and_the_debrief_expires(world: World) -> None:
    first = accept_at_scene(world)
    world.text(ANA, f"DONE {first}")
    second = open_request(world, "NEW another one")
    assert second != first
    assert world.text(ANA, "1") is None  # accepts the page, not a debrief answer
    world.tick()
    assert world.inbox(ANA)[-1].startswith(f"You accepted {second}")
    world.text(ANA, f"DONE {second}")
    world.advance(minutes=60 * 25)  # both debriefs lapse unanswered
    with world.session() as session:
        assert session.scalars(sa.select(Debrief)).all() == []
        assert [e.services for e in session.scalars(sa.select(CallLogEntry))] == [[], []]


@pytest.mark.postgres
def test_two_engines_on_postgres_never_remind_twice(world_pg: World) -> None:
    with world_pg.session() as session:
        agency = session.scalars(sa.select(Agency)).one()
        for n in range(12):
            phone = f"+1262555{1000 + n:04d}"
            session.add(Officer(agency_id=agency.id, name=f"Officer {n}", phone=phone))
    codes = [
        code_in(world_pg.text(f"+1262555{1000 + n:04d}", "need an advocate")) for n in range(12)
    ]
    world_pg.tick()
    for code in codes:
        assert world_pg.text(ANA, f"1 {code}") is None
    world_pg.tick()
    world_pg.clock.advance(timedelta(minutes=46))
    world_pg.race(engines=2, ticks=3)
    reminders = [t for t in world_pg.inbox(ANA) if "time to check in" in t]
    assert sorted(reminders) == sorted(
        f"{c}: time to check in. Reply OK {c}, or DONE {c} if you have left." for c in codes
    )
