"""The iCalendar text of shifts: local times across DST, stable UIDs, handoffs, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from dispatcher.rosters.ical import ShiftEvent, event_description, event_uid, render_calendar

CHICAGO = ZoneInfo("America/Chicago")
STAMP = datetime(2026, 3, 1, tzinfo=UTC)


def shift(start: datetime, end: datetime, **changes: object) -> ShiftEvent:
    values: dict[str, object] = {
        "roster_id": 1,
        "roster_name": "advocates",
        "zone": CHICAGO,
        "person_id": 2,
        "person_name": "Ana Ruiz",
        "start": start,
        "end": end,
        "takes_over_from": (),
        "hands_off_to": (),
    }
    values.update(changes)
    return ShiftEvent(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "local_start", "local_end", "hours"),
    [
        # Spring forward (2026-03-08): 20:00 CST to 08:00 CDT is 11 hours.
        ("2026-03-08T02:00", "2026-03-08T13:00", "20260307T200000", "20260308T080000", 11),
        # Fall back (2026-11-01): 20:00 CDT to 08:00 CST is 13 hours.
        ("2026-11-01T01:00", "2026-11-01T14:00", "20261031T200000", "20261101T080000", 13),
        # An ordinary night: 12 hours.
        ("2026-03-11T01:00", "2026-03-11T13:00", "20260310T200000", "20260311T080000", 12),
    ],
)
def test_shifts_keep_their_local_times_and_true_length_across_dst(
    start: str, end: str, local_start: str, local_end: str, hours: int
) -> None:
    a = datetime.fromisoformat(start).replace(tzinfo=UTC)
    b = datetime.fromisoformat(end).replace(tzinfo=UTC)
    body = render_calendar("t", [shift(a, b)], per_person=True, domain="d.test", stamp=STAMP)
    text = body.decode()
    assert f"DTSTART;TZID=America/Chicago:{local_start}" in text
    assert f"DTEND;TZID=America/Chicago:{local_end}" in text
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event.start.astimezone(UTC) == a and event.end.astimezone(UTC) == b
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(hours=hours)


def test_the_uid_depends_on_roster_person_and_start_only() -> None:
    a = datetime(2026, 3, 11, 1, tzinfo=UTC)
    one = shift(a, a + timedelta(hours=12))
    assert event_uid(one, "d.test") == "shift-1-2-20260311T010000Z@d.test"
    longer = shift(a, a + timedelta(hours=13), hands_off_to=("Ben Okafor",))
    assert event_uid(longer, "d.test") == event_uid(one, "d.test")
    assert event_uid(shift(a, a + timedelta(hours=1), person_id=3), "d.test") != event_uid(
        one, "d.test"
    )


def test_the_description_names_roster_and_partners_and_escapes_them() -> None:
    a = datetime(2026, 3, 11, 1, tzinfo=UTC)
    event = shift(
        a,
        a + timedelta(hours=12),
        roster_name="rides; north, east",
        takes_over_from=("Ben Okafor", "Cruz Lee"),
    )
    assert event_description(event) == (
        "Roster: rides; north, east\nOn call: Ana Ruiz\n"
        "Takes over from: Ben Okafor, Cruz Lee\nHands off to: nobody"
    )
    body = render_calendar("t", [event], per_person=False, domain="d.test", stamp=STAMP)
    (parsed,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["DESCRIPTION"]) == event_description(event)
    assert str(parsed["SUMMARY"]) == "Ana Ruiz on call: rides; north, east"


def test_an_empty_feed_is_a_valid_calendar() -> None:
    body = render_calendar("On call: Ana", [], per_person=True, domain="d.test", stamp=STAMP)
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "On call: Ana"
    assert calendar.walk("VEVENT") == []


def test_naive_instants_are_refused() -> None:
    naive = datetime(2026, 3, 11, 1)
    with pytest.raises(ValueError, match="aware"):
        render_calendar(
            "t",
            [shift(naive, naive + timedelta(hours=1))],
            per_person=True,
            domain="d",
            stamp=STAMP,
        )
