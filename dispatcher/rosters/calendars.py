"""Calendar feeds: their unguessable addresses, revoking and regenerating them, their shifts.

A feed's address carries ``<public_id>.<mac>``: ``public_id`` is random and stored, ``mac``
is an HMAC of it under the service's secret key and is never stored. The row finds the
feed; the MAC, compared in constant time, is the credential. Changing the secret key
changes every address (regenerate them after a key change).

Services take the session first, may flush and never commit. Every change is audited
(the address itself never reaches the log).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.clock import as_utc
from dispatcher.rosters.ical import ShiftEvent
from dispatcher.rosters.models import CalendarFeed, Person, Roster
from dispatcher.rosters.schedule import Shift
from dispatcher.rosters.service import shifts

WEEKS_BACK = 2
WEEKS_AHEAD = 8
# Shifts just outside the feed's range still name the handoff partners at its edges.
_MARGIN = timedelta(days=2)
_MAC_CONTEXT = b"dispatcher calendar feed\x00"
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{22}")
_MAC = re.compile(r"[A-Za-z0-9_-]{43}")

Owner = Person | Roster


@dataclass(frozen=True)
class FeedRange:
    """The instants a feed covers, [start, end), aware UTC."""

    start: datetime
    end: datetime


def feed_range(now: datetime) -> FeedRange:
    """WEEKS_BACK weeks before ``now`` to WEEKS_AHEAD weeks after it."""
    now = as_utc(now)
    return FeedRange(now - timedelta(weeks=WEEKS_BACK), now + timedelta(weeks=WEEKS_AHEAD))


def feed_token(feed: CalendarFeed, key: str) -> str:
    """The secret part of the feed's address: ``<public_id>.<mac>`` (URL-safe)."""
    return f"{feed.public_id}.{_mac(feed.public_id, key)}"


def _mac(public_id: str, key: str) -> str:
    """The HMAC-SHA256 of ``public_id`` under ``key``, URL-safe base64 without padding."""
    digest = hmac.new(key.encode(), _MAC_CONTEXT + public_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_for_token(session: Session, token: str, key: str) -> CalendarFeed | None:
    """The live feed whose address carries ``token``; None for any other token.

    The MAC is compared in constant time, and compared (against a dummy) even when no feed
    has the id, so the answer's timing says nothing about how much of a token was right.
    """
    public_id, _, mac = token.partition(".")
    if not (_PUBLIC_ID.fullmatch(public_id) and _MAC.fullmatch(mac)):
        return None
    feed = session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.public_id == public_id, CalendarFeed.revoked_at.is_(None)
        )
    ).one_or_none()
    expected = _mac(public_id, key)
    matches = hmac.compare_digest(expected.encode(), mac.encode())
    return feed if feed is not None and matches else None


def current_feed(session: Session, owner: Owner) -> CalendarFeed | None:
    """The owner's live feed, if it has one."""
    return session.scalars(
        select(CalendarFeed).where(_owned_by(owner), CalendarFeed.revoked_at.is_(None))
    ).first()


def regenerate_feed(session: Session, auditor: Auditor, owner: Owner) -> CalendarFeed:
    """Revoke the owner's live feed (if any) and give it a new one at a new address."""
    old = _revoke(session, auditor, owner)
    feed = CalendarFeed(public_id=secrets.token_urlsafe(16), created_at=as_utc(auditor.now))
    if isinstance(owner, Person):
        feed.person_id = owner.id
    else:
        feed.roster_id = owner.id
    session.add(feed)
    session.flush()
    action = "create" if old is None else "regenerate"
    auditor.record(session, action, "calendar_feed", feed.id, None, _describe(owner, feed))
    return feed


def revoke_feed(session: Session, auditor: Auditor, owner: Owner) -> bool:
    """Revoke the owner's live feed: its address answers 404 from now. False if none."""
    return _revoke(session, auditor, owner) is not None


def _revoke(session: Session, auditor: Auditor, owner: Owner) -> CalendarFeed | None:
    """Mark the owner's live feeds revoked (audited); the last one found, or None."""
    found = None
    for feed in session.scalars(
        select(CalendarFeed).where(_owned_by(owner), CalendarFeed.revoked_at.is_(None))
    ):
        feed.revoked_at = as_utc(auditor.now)
        session.flush()
        auditor.record(session, "revoke", "calendar_feed", feed.id, _describe(owner, feed), None)
        found = feed
    return found


def _owned_by(owner: Owner) -> ColumnElement[bool]:
    """The WHERE clause for the owner's feeds."""
    if isinstance(owner, Person):
        return CalendarFeed.person_id == owner.id
    return CalendarFeed.roster_id == owner.id


def _describe(owner: Owner, feed: CalendarFeed) -> dict[str, object]:
    """What the audit log says about a feed (never its address)."""
    kind = "person" if isinstance(owner, Person) else "roster"
    return {kind: owner.name, "feed": feed.public_id[:4] + "…"}


def feed_title(feed: CalendarFeed) -> str:
    """The calendar's name: ``On call: Ana Ruiz`` or ``On call: advocates``."""
    owner = feed.person if feed.person is not None else feed.roster
    assert owner is not None  # the table's check constraint
    return f"On call: {owner.name}"


def feed_events(session: Session, feed: CalendarFeed, now: datetime) -> list[ShiftEvent]:
    """The feed's shifts overlapping ``feed_range(now)``, from the same computation as
    ``rosters.service.shifts`` (windows, overrides), sorted by start, roster and name."""
    span = feed_range(now)
    if feed.roster is not None:
        return roster_events(session, feed.roster, span)
    assert feed.person is not None
    rosters = session.scalars(select(Roster).order_by(Roster.name))
    events = [
        event
        for roster in rosters
        for event in roster_events(session, roster, span)
        if event.person_id == feed.person.id
    ]
    return sorted(events, key=lambda e: (e.start, e.roster_name, e.end))


def roster_events(session: Session, roster: Roster, span: FeedRange) -> list[ShiftEvent]:
    """Every shift of ``roster`` overlapping ``span``, with its handoff partners."""
    found = shifts(session, roster, span.start - _MARGIN, span.end + _MARGIN)
    names = {person.id: person.name for _, person in found}
    periods = [shift for shift, _ in found]
    zone = ZoneInfo(roster.timezone)
    return [
        ShiftEvent(
            roster_id=roster.id,
            roster_name=roster.name,
            zone=zone,
            person_id=shift.person_id,
            person_name=names[shift.person_id],
            start=shift.start,
            end=shift.end,
            takes_over_from=_partners(periods, names, shift, before=True),
            hands_off_to=_partners(periods, names, shift, before=False),
        )
        for shift in periods
        if shift.start < span.end and shift.end > span.start
    ]


def _partners(
    periods: list[Shift], names: dict[int, str], shift: Shift, *, before: bool
) -> tuple[str, ...]:
    """The names of the others whose shifts end where ``shift`` starts (``before``) or
    start where it ends, by name."""
    if before:
        ids = {p.person_id for p in periods if p.end == shift.start}
    else:
        ids = {p.person_id for p in periods if p.start == shift.end}
    ids.discard(shift.person_id)
    return tuple(sorted(names[pid] for pid in ids))
