"""Open shifts on both databases: publishing a month, SHIFTS and TAKE n, the first claim
wins and becomes an override, the reminder before the deadline and the report at it, each
sent once across restarts, and the signed links."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from dispatcher.audit import Auditor
from dispatcher.errors import ValidationError
from dispatcher.flows import signups
from dispatcher.flows.models import OpenSlot, Signup
from dispatcher.rosters import service
from dispatcher.rosters.calendars import feed_events
from dispatcher.rosters.models import CalendarFeed, Override, Person, Roster
from tests.night import ANA, BEN, CRUZ, DEE, KIM, World

APRIL = date(2026, 4, 1)
# Fri 20 Mar 17:00 in Chicago (CDT).
DEADLINE = datetime(2026, 3, 20, 22, 0, tzinfo=UTC)


def publish(world: World, month: date = APRIL, deadline: datetime = DEADLINE) -> int:
    """Publish the advocates' month from their rotation's pattern; the sign-up's id."""
    with world.session() as session:
        roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
        spans = signups.pattern_slots(roster, month)
        auditor = Auditor("kim@coalition.test", world.clock.now())
        found = signups.publish(session, world.context(), auditor, roster, month, deadline, spans)
        return found.id


def slots(world: World) -> list[OpenSlot]:
    with world.session() as session:
        found = list(session.scalars(select(OpenSlot).order_by(OpenSlot.number)))
        session.expunge_all()
        return found


def person_id(world: World, name: str) -> int:
    with world.session() as session:
        return session.scalars(select(Person.id).where(Person.name == name)).one()


def test_a_published_month_is_the_rotations_shifts_with_nobody_on_them(world: World) -> None:
    publish(world)
    found = slots(world)
    # The daily 08:00 handoffs of April in Chicago: 30 slots, numbered from 1.
    assert [s.number for s in found] == list(range(1, 31))
    assert found[0].start == datetime(2026, 4, 1, 13, tzinfo=UTC)
    assert found[-1].end == datetime(2026, 5, 1, 13, tzinfo=UTC)
    with world.session() as session:
        roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
        assert service.who_is_on_call(session, roster, datetime(2026, 4, 2, 3, tzinfo=UTC)) == []
        assert service.who_is_on_call(session, roster, datetime(2026, 3, 31, 3, tzinfo=UTC))
    world.tick()
    # Every member is texted their own link; the coordinators are not members.
    for number in (ANA, BEN, CRUZ):
        text = world.last(number)
        assert text.startswith("advocates has 30 open shifts for April 2026.")
        assert "Sign up by Fri 20 Mar 17:00: https://dispatch.test/shifts/" in text
    assert world.inbox(DEE) == [] and world.inbox(KIM) == []
    links = {world.last(n).split(": ")[1].split(" ")[0] for n in (ANA, BEN, CRUZ)}
    assert len(links) == 3


def test_shifts_lists_the_open_slots_and_take_claims_one_as_an_override(world: World) -> None:
    publish(world)
    listing = world.text(BEN, "shifts")
    assert listing is not None
    lines = listing.splitlines()
    assert lines[:3] == ["Open shifts:", "advocates:", "1 Wed 01 Apr 08:00-Thu 02 Apr 08:00"]
    assert lines[-2:] == ["and 26 more (see your link)", "Text TAKE and a number to take one."]
    assert world.text(BEN, "TAKE 2") == (
        "Shift 2 is yours: advocates Thu 02 Apr 08:00-Fri 03 Apr 08:00. Thank you."
    )
    assert world.text(CRUZ, "take 2") == (
        "Shift 2 is taken, closed or not open to you. Text SHIFTS for the open ones."
    )
    assert world.text(DEE, "TAKE 3").startswith("Shift 3 is taken, closed or not open to you")
    assert "\n2 " not in world.text(CRUZ, "SHIFTS")
    ben = person_id(world, "Ben Okafor")
    assert [s.number for s in slots(world) if s.taker_id == ben] == [2]
    with world.session() as session:
        roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
        on = service.who_is_on_call(session, roster, datetime(2026, 4, 2, 20, tzinfo=UTC))
        assert [p.name for p in on] == ["Ben Okafor"]
        adds = session.scalars(select(Override).where(Override.action == "add")).all()
        assert [(o.person_id, o.starts_at) for o in adds] == [
            (ben, datetime(2026, 4, 2, 13, tzinfo=UTC))
        ]


def test_shifts_and_take_answer_in_the_readers_language(world: World) -> None:
    publish(world)
    with world.session() as session:
        ana = session.scalars(select(Person).where(Person.name == "Ana Ruiz")).one()
        ana.language = "es"
    listing = world.text(ANA, "SHIFTS")
    assert listing is not None and listing.startswith("Turnos abiertos:")
    assert "\n1 mié 01 abr 08:00-jue 02 abr 08:00\n" in listing
    taken = world.text(ANA, "TAKE 1")
    assert taken is not None and taken.startswith("El turno 1 es suyo")


def test_only_the_first_of_two_claims_wins(world: World) -> None:
    publish(world)
    [first, *_] = slots(world)
    wins = []
    with world.session() as one, world.session() as two:
        for session, name in ((one, "Ben Okafor"), (two, "Cruz Lee")):
            person = session.scalars(select(Person).where(Person.name == name)).one()
            roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
            slot = session.get_one(OpenSlot, first.id)
            wins.append(signups.claim(session, world.context(), person, slot, roster))
            session.commit()
    assert wins == [True, False]


def test_nothing_is_claimed_after_the_deadline_and_the_coordinators_get_the_unfilled(
    world: World,
) -> None:
    publish(world)
    world.text(BEN, "TAKE 1")
    world.text(CRUZ, "TAKE 3")
    world.clock.advance(DEADLINE - world.clock.now())
    world.tick()
    assert world.text(ANA, "TAKE 2").startswith("Shift 2 is taken, closed or not open to you")
    assert world.text(ANA, "SHIFTS") == "There are no open shifts to sign up for now."
    [report] = [t for t in world.inbox(KIM) if t.startswith("Sign-up for")]
    assert report.startswith("Sign-up for advocates April 2026 closed: 2 of 30 taken. Unfilled:")
    assert "Thu 02 Apr 08:00-Fri 03 Apr 08:00, Sat 04 Apr" in report and "and 24 more." in report
    world.engine = world.new_engine()  # a restart sends nothing twice
    world.advance(minutes=60)
    assert len([t for t in world.inbox(KIM) if t.startswith("Sign-up for")]) == 1
    with world.session() as session:
        assert session.scalars(select(Signup.state)).one() == "closed"


def test_the_reminder_goes_once_to_members_with_too_few(world: World) -> None:
    publish(world)
    world.text(BEN, "TAKE 1")
    world.tick()
    before = {n: len(world.inbox(n)) for n in (ANA, BEN, CRUZ)}
    # open_shift_remind is 3 days: the reminder is due from Tue 17 Mar 17:00.
    world.clock.advance(DEADLINE - timedelta(days=3, minutes=1) - world.clock.now())
    world.tick()
    assert {n: len(world.inbox(n)) for n in (ANA, BEN, CRUZ)} == before
    world.advance(minutes=1)
    assert len(world.inbox(BEN)) == before[BEN]  # he has one: the minimum
    text = world.last(CRUZ)
    assert text.startswith("You have 0 shifts on advocates. 29 are still open until Fri 20 Mar")
    assert "https://dispatch.test/shifts/" in text
    world.engine = world.new_engine()
    world.advance(minutes=60)
    assert len(world.inbox(CRUZ)) == before[CRUZ] + 1
    assert len(world.inbox(ANA)) == before[ANA] + 1


def test_the_minimum_is_a_setting(world: World) -> None:
    world.settings = replace(world.settings, open_shift_minimum=2)
    world.engine = world.new_engine()
    publish(world, deadline=world.clock.now() + timedelta(days=5))
    world.text(BEN, "TAKE 1")
    world.advance(minutes=60 * 48 + 1)
    assert world.last(BEN).startswith("You have 1 shift on advocates.")


def test_a_month_published_inside_the_reminders_lead_is_not_reminded(world: World) -> None:
    publish(world, deadline=world.clock.now() + timedelta(days=1))
    world.tick()
    count = len(world.inbox(CRUZ))
    world.advance(minutes=60 * 20)
    assert len(world.inbox(CRUZ)) == count


def test_links_are_per_person_signed_and_expire_with_the_deadline(world: World) -> None:
    signup_id = publish(world)
    key = world.settings.secret_key
    ben, dee = person_id(world, "Ben Okafor"), person_id(world, "Dee Park")
    with world.session() as session:
        good = signups.token(signup_id, ben, DEADLINE, key)
        opened = signups.open_link(session, good, key)
        assert opened is not None and opened[1].id == ben
        other_key = signups.token(signup_id, ben, DEADLINE, "x" * 40)
        assert signups.open_link(session, other_key, key) is None
        forged = good.replace(f".{ben}.", f".{ben + 1}.", 1)
        assert signups.open_link(session, forged, key) is None
        # Dee is no member: even a rightly signed link opens nothing.
        assert signups.open_link(session, signups.token(signup_id, dee, DEADLINE, key), key) is None
        later = DEADLINE + timedelta(days=1)
        assert signups.open_link(session, signups.token(signup_id, ben, later, key), key) is None
        for damaged in ("", "1.2", "1.2.abc", good + "x", good[:-1]):
            assert signups.open_link(session, damaged, key) is None


def test_typed_slots_are_read_in_the_rosters_zone_and_bad_lines_named(world: World) -> None:
    with world.session() as session:
        roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
        typed = "2026-04-04 08:00-20:00\n\n2026-04-04 20:00-08:00"
        spans = signups.parse_slots(typed, roster, APRIL)
        assert spans == [
            (datetime(2026, 4, 4, 13, tzinfo=UTC), datetime(2026, 4, 5, 1, tzinfo=UTC)),
            (datetime(2026, 4, 5, 1, tzinfo=UTC), datetime(2026, 4, 5, 13, tzinfo=UTC)),
        ]
        with pytest.raises(ValidationError, match="line 2"):
            signups.parse_slots("2026-04-04 08:00-20:00\nsaturday", roster, APRIL)
        with pytest.raises(ValidationError, match="line 1: the slot does not start"):
            signups.parse_slots("2026-05-04 08:00-20:00", roster, APRIL)
        with pytest.raises(ValidationError, match="deadline"):
            signups.publish(
                session,
                world.context(),
                Auditor("kim", world.clock.now()),
                roster,
                APRIL,
                world.clock.now(),
                spans,
            )


def test_slot_numbers_stay_unique_across_open_signups(world: World) -> None:
    publish(world)
    publish(world, month=date(2026, 5, 1))
    numbers = [s.number for s in slots(world)]
    assert len(numbers) == len(set(numbers)) == 61


def test_a_month_is_published_once_so_nobody_who_signed_up_is_taken_off(world: World) -> None:
    publish(world)
    world.text(BEN, "TAKE 1")
    with pytest.raises(ValidationError, match="already published"):
        publish(world)
    ben = person_id(world, "Ben Okafor")
    assert [s.taker_id for s in slots(world) if s.number == 1] == [ben]


def test_a_taken_slot_gets_the_shift_reminder_and_shows_in_the_takers_calendar(
    world: World,
) -> None:
    publish(world)
    world.text(BEN, "TAKE 2")  # Thu 02 Apr 08:00 in Chicago
    with world.session() as session:
        ben = session.scalars(select(Person).where(Person.name == "Ben Okafor")).one()
        ben.remind_hours = 2
        feed = CalendarFeed(person_id=ben.id, public_id="p" * 22, created_at=world.clock.now())
        session.add(feed)
        session.flush()
        at = datetime(2026, 4, 1, 13, tzinfo=UTC)
        events = [(e.start, e.roster_name) for e in feed_events(session, feed, at)]
        assert (datetime(2026, 4, 2, 13, tzinfo=UTC), "advocates") in events
    world.clock.advance(datetime(2026, 4, 2, 11, tzinfo=UTC) - world.clock.now())
    world.tick()
    world.tick()
    assert world.last(BEN).startswith("You are on call for advocates today 08:00-Fri 03 Apr")


def test_closed_signups_are_forgotten_after_ninety_days_and_their_overrides_stay(
    world: World,
) -> None:
    publish(world)
    world.text(BEN, "TAKE 1")
    world.tick()
    ben = person_id(world, "Ben Okafor")
    world.clock.advance(DEADLINE - world.clock.now())
    world.tick()  # closed at the deadline
    world.clock.advance(timedelta(days=90) - timedelta(minutes=1))
    world.tick()
    assert len(slots(world)) == 30
    world.advance(minutes=1)
    with world.session() as session:
        assert session.scalars(select(Signup)).all() == []
        assert session.scalars(select(OpenSlot)).all() == []
        adds = session.scalars(select(Override.person_id).where(Override.action == "add")).all()
        assert adds == [ben]


def test_a_slot_that_has_begun_cannot_be_claimed(world: World) -> None:
    publish(world, deadline=datetime(2026, 4, 10, 12, tzinfo=UTC))  # after April began
    world.clock.advance(datetime(2026, 4, 1, 14, tzinfo=UTC) - world.clock.now())
    [first, second, *_] = slots(world)
    with world.session() as session:
        ben = session.scalars(select(Person).where(Person.name == "Ben Okafor")).one()
        roster = session.scalars(select(Roster).where(Roster.name == "advocates")).one()
        begun = session.get_one(OpenSlot, first.id)
        assert not signups.claim(session, world.context(), ben, begun, roster)
        assert signups.claim(
            session, world.context(), ben, session.get_one(OpenSlot, second.id), roster
        )
    assert world.text(CRUZ, "TAKE 1").startswith("Shift 1 is taken, closed or not open to you")
