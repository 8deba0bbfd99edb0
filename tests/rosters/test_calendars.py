"""Calendar feeds on both databases: addresses that open one feed, revoking, the shifts.

The coalition's advocates roster (nightly 20:00-08:00, America/Chicago, Dee replacing Ana
on 2026-03-10) gives the shifts; ``DAYS`` drops the window so shifts hand off directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.db import Database
from dispatcher.rosters.calendars import (
    current_feed,
    feed_events,
    feed_for_token,
    feed_range,
    feed_token,
    regenerate_feed,
    revoke_feed,
)
from dispatcher.rosters.models import CalendarFeed, Person, Roster
from dispatcher.rosters.service import get_roster, shifts
from tests.support.coalition import COALITION, apply_text

KEY = "test-secret-key-at-least-32-characters-long"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
AUDITOR = Auditor("coord@coalition.test", NOW)
WINDOW = (
    'windows = [{ days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], '
    'from = "20:00", to = "08:00" }]\n'
)
# Dee replaces Ana on a night Ana is on (2026-03-09), so the override shows.
COVERED = COALITION.replace(
    'from = "2026-03-10T20:00"\nto = "2026-03-11T08:00"',
    'from = "2026-03-09T20:00"\nto = "2026-03-10T08:00"',
)
# Whole days from 20:00 to 20:00: each shift hands off to the next.
DAYS = COVERED.replace(WINDOW, "")
assert COVERED != COALITION and DAYS != COVERED


def person(session: Session, name: str) -> Person:
    return session.scalars(select(Person).where(Person.name == name)).one()


@pytest.fixture
def loaded(database: Database) -> Session:
    """The coalition (Dee covering Ana's 03-09 night), and a session on it."""
    apply_text(database, COVERED)
    session = database.sessions()
    yield session  # type: ignore[misc]
    session.close()


def test_a_new_feed_opens_with_its_token_and_nothing_else(loaded: Session) -> None:
    roster = get_roster(loaded, "advocates")
    feed = regenerate_feed(loaded, AUDITOR, roster)
    token = feed_token(feed, KEY)
    assert feed_for_token(loaded, token, KEY) is feed
    public_id, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for wrong in (
        f"{public_id}.{flipped}",
        f"{public_id}.{mac}x",
        public_id,
        f"{public_id}.",
        "",
        "../../etc/passwd",
        f"{'A' * 22}.{mac}",
    ):
        assert feed_for_token(loaded, wrong, KEY) is None, wrong
    assert feed_for_token(loaded, token, KEY.upper()) is None


def test_regenerating_retires_the_old_address(loaded: Session) -> None:
    ana = person(loaded, "Ana Ruiz")
    first = feed_token(regenerate_feed(loaded, AUDITOR, ana), KEY)
    second_feed = regenerate_feed(loaded, AUDITOR, ana)
    second = feed_token(second_feed, KEY)
    assert first != second
    assert feed_for_token(loaded, first, KEY) is None
    assert feed_for_token(loaded, second, KEY) is second_feed
    assert current_feed(loaded, ana) is second_feed


def test_revoking_closes_the_address_and_says_when_there_was_none(loaded: Session) -> None:
    roster = get_roster(loaded, "advocates")
    assert revoke_feed(loaded, AUDITOR, roster) is False
    token = feed_token(regenerate_feed(loaded, AUDITOR, roster), KEY)
    assert revoke_feed(loaded, AUDITOR, roster) is True
    assert feed_for_token(loaded, token, KEY) is None
    assert current_feed(loaded, roster) is None
    kept = loaded.scalars(select(CalendarFeed)).one()
    assert kept.revoked_at == NOW


def test_feeds_are_audited_without_their_address(loaded: Session) -> None:
    ana = person(loaded, "Ana Ruiz")
    token = feed_token(regenerate_feed(loaded, AUDITOR, ana), KEY)
    regenerate_feed(loaded, AUDITOR, ana)
    revoke_feed(loaded, AUDITOR, ana)
    entries = loaded.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity) for e in entries if e.entity == "calendar_feed"] == [
        ("create", "calendar_feed"),
        ("revoke", "calendar_feed"),
        ("regenerate", "calendar_feed"),
        ("revoke", "calendar_feed"),
    ]
    logged = repr([(e.old, e.new) for e in entries])
    assert token.split(".")[0] not in logged and token.split(".")[1] not in logged
    assert "Ana Ruiz" in logged


def test_a_feed_goes_with_its_owner(loaded: Session) -> None:
    regenerate_feed(loaded, AUDITOR, get_roster(loaded, "advocates"))
    loaded.delete(get_roster(loaded, "advocates"))
    loaded.flush()
    assert loaded.scalars(select(CalendarFeed)).all() == []


def test_a_roster_feed_has_every_shift_of_the_range(loaded: Session) -> None:
    roster = get_roster(loaded, "advocates")
    feed = regenerate_feed(loaded, AUDITOR, roster)
    span = feed_range(NOW)
    assert (span.start, span.end) == (NOW - timedelta(weeks=2), NOW + timedelta(weeks=8))
    expected = [(s.start, s.end, p.name) for s, p in shifts(loaded, roster, span.start, span.end)]
    events = feed_events(loaded, feed, NOW)
    assert [(e.start, e.end, e.person_name) for e in events] == expected
    # One a night from the rotation's start (2026-03-06 20:00) to 05-04, the last night
    # starting before the range ends (05-05 07:00 local).
    assert len(events) == 60
    assert events[0].start == datetime(2026, 3, 7, 2, tzinfo=UTC)
    assert {e.roster_name for e in events} == {"advocates"}
    # Dee's night instead of Ana's, from the override.
    night = datetime(2026, 3, 10, 1, tzinfo=UTC)
    assert [e.person_name for e in events if e.start == night] == ["Dee Park"]


def test_a_person_feed_has_their_shifts_only(loaded: Session) -> None:
    ana = person(loaded, "Ana Ruiz")
    feed = regenerate_feed(loaded, AUDITOR, ana)
    events = feed_events(loaded, feed, NOW)
    assert events and {e.person_name for e in events} == {"Ana Ruiz"}
    roster = get_roster(loaded, "advocates")
    span = feed_range(NOW)
    everyone = shifts(loaded, roster, span.start, span.end)
    assert [(e.start, e.end) for e in events] == [
        (s.start, s.end) for s, p in everyone if p.name == "Ana Ruiz"
    ]


def test_nights_apart_hand_off_to_nobody(loaded: Session) -> None:
    feed = regenerate_feed(loaded, AUDITOR, person(loaded, "Ben Okafor"))
    for event in feed_events(loaded, feed, NOW):
        assert (event.takes_over_from, event.hands_off_to) == ((), ())


def test_back_to_back_shifts_name_their_handoff_partners(database: Database) -> None:
    apply_text(database, DAYS)
    with database.session_scope() as session:
        feed = regenerate_feed(session, AUDITOR, person(session, "Ben Okafor"))
        events = {e.start: e for e in feed_events(session, feed, NOW)}
    # Ana 03-06, Ben 03-07, Cruz 03-08, Ana 03-09 (Dee until 08:00), Ben 03-10.
    ben = events[datetime(2026, 3, 8, 2, tzinfo=UTC)]  # 2026-03-07 20:00 CST
    assert ben.end == datetime(2026, 3, 9, 1, tzinfo=UTC)  # 03-08 20:00 CDT: 23 hours
    assert (ben.takes_over_from, ben.hands_off_to) == (("Ana Ruiz",), ("Cruz Lee",))
    later = events[datetime(2026, 3, 11, 1, tzinfo=UTC)]
    assert (later.takes_over_from, later.hands_off_to) == (("Ana Ruiz",), ("Cruz Lee",))
    with database.session_scope() as session:
        feed = regenerate_feed(session, AUDITOR, person(session, "Dee Park"))
        (dee,) = feed_events(session, feed, NOW)
    assert (dee.start, dee.end) == (
        datetime(2026, 3, 10, 1, tzinfo=UTC),
        datetime(2026, 3, 10, 13, tzinfo=UTC),
    )
    assert (dee.takes_over_from, dee.hands_off_to) == (("Cruz Lee",), ("Ana Ruiz",))


def test_the_feed_range_moves_with_now(loaded: Session) -> None:
    feed = regenerate_feed(loaded, AUDITOR, get_roster(loaded, "advocates"))
    later = NOW + timedelta(weeks=3)
    events = feed_events(loaded, feed, later)
    assert min(e.end for e in events) > later - timedelta(weeks=2)
    assert max(e.start for e in events) < later + timedelta(weeks=8)
    assert min(e.start for e in events) <= later - timedelta(weeks=2)


def test_an_owner_is_a_person_or_a_roster_never_both(loaded: Session) -> None:
    roster = loaded.scalars(select(Roster)).one()
    ana = person(loaded, "Ana Ruiz")
    both = CalendarFeed(public_id="B" * 22, person_id=ana.id, roster_id=roster.id, created_at=NOW)
    loaded.add(both)
    with pytest.raises(IntegrityError):
        loaded.flush()
