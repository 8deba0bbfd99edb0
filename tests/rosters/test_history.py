"""The shift history: written as on-call changes happen, read for the past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.rosters import changes, history
from dispatcher.rosters.models import Rotation, ShiftLedger, ShiftRecord
from dispatcher.rosters.rotation import Shift
from tests.support.rosters import lettered_rotation

# Handoffs at 08:00 in Chicago (CST, UTC-6): 14:00 UTC every day from Monday 2 March.
FIRST = datetime(2026, 3, 2, 14, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def rotation(session: Session) -> Rotation:
    return lettered_rotation(session, "days", "daily", datetime(2026, 3, 2, 8), "ABC")


def rows(session: Session) -> list[tuple[str, datetime, datetime | None]]:
    found = session.scalars(select(ShiftRecord).order_by(ShiftRecord.starts_at))
    return [(r.person.name, r.starts_at, r.ends_at) for r in found]


def ids(rotation: Rotation) -> dict[str, int]:
    return {p.person.name: p.person_id for p in rotation.participants}


def test_the_first_record_opens_the_shift_under_way(session: Session, rotation: Rotation) -> None:
    now = FIRST + timedelta(hours=3)
    assert history.record_shifts(session, rotation.roster, now) == 1
    assert rows(session) == [("A", now, None)]


def test_a_late_record_writes_each_missed_handoff_at_its_own_time(
    session: Session, rotation: Rotation
) -> None:
    history.record_shifts(session, rotation.roster, FIRST + timedelta(hours=1))
    later = FIRST + 2 * DAY + timedelta(hours=5)  # a restart two days on
    assert history.record_shifts(session, rotation.roster, later) == 4
    assert rows(session) == [
        ("A", FIRST + timedelta(hours=1), FIRST + DAY),
        ("B", FIRST + DAY, FIRST + 2 * DAY),
        ("C", FIRST + 2 * DAY, None),
    ]


def test_recording_twice_at_the_same_instant_writes_nothing(
    session: Session, rotation: Rotation
) -> None:
    history.record_shifts(session, rotation.roster, FIRST)
    history.record_shifts(session, rotation.roster, FIRST + DAY)
    before = rows(session)
    assert history.record_shifts(session, rotation.roster, FIRST + DAY) == 0
    assert history.record_shifts(session, rotation.roster, FIRST) == 0  # an older clock
    assert rows(session) == before


def test_the_past_is_read_from_the_history_not_from_todays_order(
    session: Session, rotation: Rotation
) -> None:
    roster = rotation.roster
    history.record_shifts(session, roster, FIRST)
    now = FIRST + DAY + timedelta(hours=2)
    history.record_shifts(session, roster, now)
    # Today C is moved first: recomputed, yesterday would have been C's.
    changes.move_participant(session, rotation, rotation.participants[2], -2)
    yesterday = FIRST + timedelta(hours=2)
    people = ids(rotation)
    assert history.recorded_on_call(session, roster, yesterday) == {people["A"]}
    periods = history.recorded_periods(session, roster, FIRST, now)
    assert [(p.person_id, p.start) for p in periods] == [
        (people["A"], FIRST),
        (people["B"], FIRST + DAY),
    ]


def test_the_future_and_the_time_before_the_history_are_computed(
    session: Session, rotation: Rotation
) -> None:
    roster = rotation.roster
    now = FIRST + DAY + timedelta(hours=2)
    history.record_shifts(session, roster, now)  # the history starts today, with B
    people = ids(rotation)
    assert history.recorded_on_call(session, roster, FIRST + timedelta(hours=1)) == {people["A"]}
    assert history.recorded_on_call(session, roster, FIRST + 2 * DAY) == {people["C"]}
    periods = history.recorded_periods(session, roster, FIRST, FIRST + 3 * DAY)
    assert periods == [
        Shift(FIRST, FIRST + DAY, people["A"]),  # computed: before the history began
        Shift(FIRST + DAY, FIRST + 2 * DAY, people["B"]),  # computed, recorded, computed
        Shift(FIRST + 2 * DAY, FIRST + 3 * DAY, people["C"]),
    ]


def test_a_roster_without_history_is_computed(session: Session, rotation: Rotation) -> None:
    people = ids(rotation)
    at = FIRST + timedelta(hours=1)
    assert history.recorded_on_call(session, rotation.roster, at) == {people["A"]}


def test_record_due_looks_only_at_due_rosters(session: Session, rotation: Rotation) -> None:
    now = FIRST + timedelta(hours=1)
    assert history.record_due(session, now) == 1
    ledger = session.get(ShiftLedger, rotation.roster_id)
    assert ledger is not None and ledger.due_at == now + history.RECHECK
    assert history.due_rosters(session, now + timedelta(seconds=30)) == []
    assert history.due_rosters(session, now + history.RECHECK) == [rotation.roster_id]


def test_the_next_handoff_makes_a_roster_due(session: Session, rotation: Rotation) -> None:
    now = FIRST + DAY - timedelta(seconds=20)
    history.record_due(session, now)
    ledger = session.get(ShiftLedger, rotation.roster_id)
    assert ledger is not None and ledger.due_at == FIRST + DAY


def test_one_roster_that_fails_does_not_stop_the_others(
    session: Session, rotation: Rotation, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = changes.save_roster(session, None, "Rides", "ride", "UTC")
    real = history.record_shifts

    def broken(session: Session, roster: object, *args: object, **kwargs: object) -> int:
        if roster is rotation.roster:
            raise RuntimeError("bad row")
        return real(session, roster, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(history, "record_shifts", broken)
    history.record_due(session, FIRST)
    assert session.get(ShiftLedger, other.id) is not None
    assert session.get(ShiftLedger, rotation.roster_id) is None


def test_several_rosters_read_together_read_as_each_alone(
    session: Session, rotation: Rotation
) -> None:
    nights = changes.save_roster(session, None, "Nights", "advocate", "America/New_York")
    weeks = ("weeks", "weekly", 1, datetime(2026, 3, 2, 9))
    weekly = changes.save_rotation(session, nights, None, weeks)
    spare = changes.save_roster(session, None, "Spare", "advocate", "America/Denver")
    days = ("days", "daily", 2, datetime(2026, 3, 1, 20))
    spare_days = changes.save_rotation(session, spare, None, days)
    for rotating in (weekly, spare_days):
        for participant in rotation.participants[::-1]:
            changes.add_participant(session, rotating, participant.person)
    history.record_shifts(session, rotation.roster, FIRST)  # history from the first day
    history.record_shifts(session, nights, FIRST + 2 * DAY)  # from the third day
    now = FIRST + 3 * DAY + timedelta(hours=5)
    history.record_shifts(session, rotation.roster, now)
    history.record_shifts(session, nights, now - DAY)  # checked a day ago
    rosters = [rotation.roster, nights, spare]  # Spare: no history at all
    for start, end in [(FIRST - DAY, now + 2 * DAY), (FIRST + DAY, FIRST + 2 * DAY), (now, now)]:
        together = history.recorded_periods_of(session, rosters, start, end)
        alone = {r.id: history.recorded_periods(session, r, start, end) for r in rosters}
        assert together == alone
        assert (together[rotation.roster_id] and together[spare.id]) or start == end
