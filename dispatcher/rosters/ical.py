"""Calendar events of on-call shifts, and their iCalendar (RFC 5545) text.

Pure: values in, bytes out. Event times are written in the roster's zone (``TZID``) with a
``VTIMEZONE`` for each zone used, so a shift across a DST change shows its true local start
and end in any calendar; a client without zone data still gets the right instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//dispatcher//on-call calendar//EN"
# How often calendar clients should fetch the feed again.
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class ShiftEvent:
    """One person on call on one roster for [start, end) (aware UTC), and the handoffs.

    ``takes_over_from``: who is on call on the roster until ``start``; ``hands_off_to``:
    who is on call from ``end`` (names, empty when nobody is). Nothing about requests.
    """

    roster_id: int
    roster_name: str
    zone: ZoneInfo
    person_id: int
    person_name: str
    start: datetime
    end: datetime
    takes_over_from: tuple[str, ...]
    hands_off_to: tuple[str, ...]


@dataclass(frozen=True)
class Labels:
    """The words of a feed's events, as ``str.format`` patterns (English by default; the
    feed's address gives them in the person's language)."""

    mine: str = "On call: {roster}"
    theirs: str = "{name} on call: {roster}"
    roster: str = "Roster: {roster}"
    on_call: str = "On call: {name}"
    takes_over: str = "Takes over from: {names}"
    hands_off: str = "Hands off to: {names}"
    nobody: str = "nobody"


ENGLISH = Labels()


def event_uid(event: ShiftEvent, domain: str) -> str:
    """A UID that stays the same for the same person, roster and start on every fetch."""
    stamp = event.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"shift-{event.roster_id}-{event.person_id}-{stamp}@{domain}"


def event_summary(event: ShiftEvent, per_person: bool, labels: Labels = ENGLISH) -> str:
    """``On call: advocates`` in a person's feed, ``Ana Ruiz on call: advocates`` in a
    roster's feed."""
    pattern = labels.mine if per_person else labels.theirs
    return pattern.format(roster=event.roster_name, name=event.person_name)


def event_description(event: ShiftEvent, labels: Labels = ENGLISH) -> str:
    """The roster and the handoff partners, one per line."""
    before = ", ".join(event.takes_over_from) or labels.nobody
    after = ", ".join(event.hands_off_to) or labels.nobody
    return "\n".join(
        [
            labels.roster.format(roster=event.roster_name),
            labels.on_call.format(name=event.person_name),
            labels.takes_over.format(names=before),
            labels.hands_off.format(names=after),
        ]
    )


def render_calendar(
    title: str,
    events: Sequence[ShiftEvent],
    *,
    per_person: bool,
    domain: str,
    stamp: datetime,
    labels: Labels = ENGLISH,
) -> bytes:
    """The iCalendar text of ``events`` (a feed called ``title``), ``stamp`` as DTSTAMP.

    Raises ValueError if an event's instants are naive.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for event in events:
        calendar.add_component(_vevent(event, per_person, domain, stamp, labels))
    if events:
        first = min(e.start for e in events).date() - timedelta(days=366)
        last = max(e.end for e in events).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    body: bytes = calendar.to_ical()
    return body


def _vevent(
    event: ShiftEvent, per_person: bool, domain: str, stamp: datetime, labels: Labels
) -> icalendar.Event:
    """One shift as a VEVENT: local times in the roster's zone, transparent (not busy)."""
    if event.start.tzinfo is None or event.end.tzinfo is None:
        raise ValueError("shift instants must be aware")
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event, domain))
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(event.zone))
    vevent.add("dtend", event.end.astimezone(event.zone))
    vevent.add("summary", event_summary(event, per_person, labels))
    vevent.add("description", event_description(event, labels))
    vevent.add("categories", [event.roster_name])
    vevent.add("transp", "TRANSPARENT")
    return vevent
