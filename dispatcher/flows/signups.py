"""Open shifts each month: a coordinator publishes a roster's month of open slots with a
sign-up deadline; members claim them by their own signed link or by ``SHIFTS`` and
``TAKE n``; the first claim wins and becomes an ``add`` override, so on-call lookups,
calendars and reminders follow.

A ``Signup`` is published with its ``OpenSlot`` rows, and whoever the schedule had on call
in a slot is removed for it (an override), so that the slots are open and an unfilled one
is a coverage gap; each member gets a text with their link. Slot numbers (what ``TAKE n``
names) are unique among the slots of every open sign-up. A claim is one conditional UPDATE
(``taker_id IS NULL``). The engine sends the reminder before the deadline
(``open_shift_remind``) to members who have taken fewer than ``open_shift_minimum``, and
closes the sign-up at its deadline with a report of the unfilled slots to the
coordinators; both are claimed by conditional UPDATEs of the sign-up's row, so none goes
out twice, whatever restarts or runs alongside.

A member's link carries ``<signup id>.<person id>.<mac>``: the MAC is an HMAC-SHA256 under
the secret key of both ids and the deadline, compared in constant time, so it is good for
that person, that sign-up and until that deadline only (a later deadline makes new links).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.clock import as_utc
from dispatcher.db import rows_changed
from dispatcher.errors import ValidationError
from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.models import OpenSlot, Signup
from dispatcher.flows.signup_texts import (
    ShiftsList,
    ShiftsNone,
    ShiftsOpen,
    ShiftsReminder,
    SignupClosed,
    SlotGone,
    SlotLine,
    SlotYours,
)
from dispatcher.rosters.changes import add_override, audited
from dispatcher.rosters.models import Person, Roster, Rotation, RotationParticipant
from dispatcher.rosters.rotation import duty_periods
from dispatcher.rosters.schedule import local_to_utc
from dispatcher.rosters.service import rotation_spec, who_is_on_call

log = logging.getLogger("dispatcher.signups")

OPEN, CLOSED = "open", "closed"
# SHIFTS lists this many open slots (two segments; three in Spanish), then how many more.
LISTED = 4
# The coordinators' report names this many unfilled slots, then how many more.
REPORTED = 4
# A month holds at most this many slots (a 1-hour rotation: 744).
MOST_SLOTS = 800
BATCH = 20
# Closed sign-ups are forgotten this long after they closed (the overrides remain).
KEEP_CLOSED = timedelta(days=90)
_MAC_CONTEXT = b"dispatcher open shifts\x00"
_TOKEN = re.compile(r"(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})")
_SLOT_LINE = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})")

Span = tuple[datetime, datetime]
# What a token of no sign-up is checked against, so that the answer takes as long.
_NO_DEADLINE = datetime(2000, 1, 1, tzinfo=UTC)


def month_bounds(month: date, zone: ZoneInfo) -> Span:
    """The instants of local ``month`` (its first day given), [start, end)."""
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    return (
        local_to_utc(datetime.combine(first, time()), zone),
        local_to_utc(datetime.combine(after, time()), zone),
    )


def pattern_slots(roster: Roster, month: date) -> list[Span]:
    """The shifts of the roster's rotations (their windows applied) that start in local
    ``month``, without anyone assigned: the slots a month of open shifts offers."""
    zone = ZoneInfo(roster.timezone)
    a, b = month_bounds(month, zone)
    spans: set[Span] = set()
    for rotation in roster.rotations:
        spec = rotation_spec(rotation, zone)
        if not spec.participants:  # the pattern does not depend on who rotates
            spec = replace(spec, participants=(0,))
        spans |= {(p.start, p.end) for p in duty_periods(spec, a, b) if a <= p.start < b}
    return sorted(spans)


def parse_slots(text: str, roster: Roster, month: date) -> list[Span]:
    """Explicit slots, one a line: ``2026-12-05 08:00-20:00`` (local; an end at or before
    the start is the next day). Raises ValidationError naming the first bad line."""
    zone = ZoneInfo(roster.timezone)
    a, b = month_bounds(month, zone)
    spans: set[Span] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        found = _SLOT_LINE.fullmatch(line)
        if found is None:
            raise ValidationError(f"line {number}: write a slot as 2026-12-05 08:00-20:00")
        try:
            day = date.fromisoformat(found.group(1))
            starts, ends = (
                time.fromisoformat(found.group(2).zfill(5)),
                time.fromisoformat(found.group(3).zfill(5)),
            )
        except ValueError:
            raise ValidationError(f"line {number}: no such date or time") from None
        start = local_to_utc(datetime.combine(day, starts), zone)
        end_day = day if ends > starts else day + timedelta(days=1)
        end = local_to_utc(datetime.combine(end_day, ends), zone)
        if not a <= start < b:
            raise ValidationError(f"line {number}: the slot does not start in that month")
        spans.add((start, end))
    return sorted(spans)


def publish(
    session: Session,
    ctx: FlowContext,
    auditor: Auditor,
    roster: Roster,
    month: date,
    deadline: datetime,
    spans: list[Span],
) -> Signup:
    """Publish ``spans`` of ``roster``'s local ``month`` as open slots until ``deadline``;
    every member who can be texted gets their link. Recorded."""
    deadline = as_utc(deadline)
    if not spans:
        raise ValidationError("there are no slots to publish (the roster has no rotation?)")
    if len(spans) > MOST_SLOTS:
        raise ValidationError(f"at most {MOST_SLOTS} slots a month")
    if deadline <= ctx.now:
        raise ValidationError("the sign-up deadline must be in the future")
    # Publishing takes the rotations' people off the slots: a second publication of the
    # month would take off those who signed up in the first.
    published = select(Signup.id).where(
        Signup.roster_id == roster.id, Signup.month == month.replace(day=1)
    )
    if session.scalars(published).first() is not None:
        raise ValidationError("that month was already published for this roster")
    first = _next_number(session)
    signup = Signup(
        roster_id=roster.id,
        month=month.replace(day=1),
        deadline=deadline,
        state=OPEN,
        created_at=ctx.now,
        # Published already within the reminder's lead: the publication is the reminder.
        reminded_at=ctx.now if deadline - ctx.settings.open_shift_remind <= ctx.now else None,
    )
    signup.slots = [
        OpenSlot(number=first + i, start=start, end=end) for i, (start, end) in enumerate(spans)
    ]
    session.add(signup)
    session.flush()
    audited(session, auditor, roster, lambda: _clear(session, roster, spans))
    entry = {
        "roster": roster.name,
        "month": signup.month.isoformat()[:7],
        "deadline": deadline.isoformat(),
        "slots": len(spans),
    }
    auditor.record(session, "publish", "signup", signup.id, None, entry)
    told = 0
    for member in members(session, roster):
        text = ShiftsOpen(
            roster=roster.name,
            month=signup.month.isoformat(),
            slots=len(spans),
            deadline=deadline.isoformat(),
            zone=roster.timezone,
            link=link(ctx, signup, member),
        )
        notify.to_person(session, ctx, member, text)
        told += 1
    log.info("signup.published id=%s slots=%s members=%s", signup.id, len(spans), told)
    return signup


def _clear(session: Session, roster: Roster, spans: list[Span]) -> None:
    """Leave each slot with no one assigned: whoever the schedule has on call at a slot's
    start is removed (an override) for the slot, so an unfilled slot shows as a gap."""
    for start, end in spans:
        for person in who_is_on_call(session, roster, start):
            add_override(session, roster, "remove", (person, None), (start, end))


def _next_number(session: Session) -> int:
    """The first free slot number: after every slot of the open sign-ups (1 when none)."""
    query = select(func.max(OpenSlot.number)).join(Signup).where(Signup.state == OPEN)
    return int(session.scalar(query) or 0) + 1


def members(session: Session, roster: Roster) -> list[Person]:
    """The roster's rotating members who can sign up: active, by name."""
    rotating = (
        select(RotationParticipant.person_id)
        .join(Rotation, Rotation.id == RotationParticipant.rotation_id)
        .where(Rotation.roster_id == roster.id)
    )
    query = (
        select(Person).where(Person.id.in_(rotating), Person.active.is_(True)).order_by(Person.name)
    )
    return list(session.scalars(query))


def _is_member(session: Session, roster_id: int, person: Person) -> bool:
    """True if ``person`` rotates on the roster and is active."""
    if not person.active:
        return False
    query = (
        select(RotationParticipant.id)
        .join(Rotation, Rotation.id == RotationParticipant.rotation_id)
        .where(Rotation.roster_id == roster_id, RotationParticipant.person_id == person.id)
    )
    return session.scalars(query.limit(1)).first() is not None


# Links.


def token(signup_id: int, person_id: int, deadline: datetime, key: str) -> str:
    """The secret part of a member's link: ``<signup id>.<person id>.<mac>``."""
    return f"{signup_id}.{person_id}.{_mac(signup_id, person_id, deadline, key)}"


def _mac(signup_id: int, person_id: int, deadline: datetime, key: str) -> str:
    """HMAC-SHA256 of both ids and the deadline under ``key``, URL-safe base64."""
    message = _MAC_CONTEXT + f"{signup_id}:{person_id}:{as_utc(deadline).isoformat()}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link(ctx: FlowContext, signup: Signup, person: Person) -> str:
    """The member's own sign-up page for ``signup``."""
    base = ctx.settings.public_base_url.rstrip("/")
    return f"{base}/shifts/{token(signup.id, person.id, signup.deadline, ctx.settings.secret_key)}"


def open_link(session: Session, value: str, key: str) -> tuple[Signup, Person] | None:
    """The sign-up and member a link's token is for; None for any other token (malformed,
    forged, another deadline, a person who left the roster). The MAC is compared in
    constant time. Whether the sign-up is still open is the caller's to show."""
    found = _TOKEN.fullmatch(value)
    if found is None:
        return None
    signup = session.get(Signup, int(found.group(1)))
    person = session.get(Person, int(found.group(2)))
    deadline = signup.deadline if signup is not None else _NO_DEADLINE
    expected = _mac(int(found.group(1)), int(found.group(2)), as_utc(deadline), key)
    matches = hmac.compare_digest(expected.encode(), found.group(3).encode())
    if not matches or signup is None or person is None:
        return None
    if not _is_member(session, signup.roster_id, person):
        return None
    return signup, person


def is_open(signup: Signup, now: datetime) -> bool:
    """True while slots of ``signup`` can be claimed."""
    return signup.state == OPEN and as_utc(signup.deadline) > now


# Claims.


def open_slots(session: Session, person: Person, now: datetime) -> list[tuple[OpenSlot, Roster]]:
    """The slots ``person`` may claim now, on every roster they rotate on, by number."""
    rosters = (
        select(Rotation.roster_id)
        .join(RotationParticipant, RotationParticipant.rotation_id == Rotation.id)
        .where(RotationParticipant.person_id == person.id)
    )
    query = (
        select(OpenSlot, Roster)
        .join(Signup, Signup.id == OpenSlot.signup_id)
        .join(Roster, Roster.id == Signup.roster_id)
        .where(
            Signup.state == OPEN,
            Signup.deadline > now,
            Signup.roster_id.in_(rosters),
            OpenSlot.taker_id.is_(None),
            OpenSlot.start > now,
        )
        .order_by(OpenSlot.number)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def slot_line(slot: OpenSlot, roster: Roster) -> SlotLine:
    """A slot as the texts show it."""
    return SlotLine(
        slot.number, roster.name, as_utc(slot.start).isoformat(), as_utc(slot.end).isoformat()
    )


def list_open(session: Session, ctx: FlowContext, person: Person, zone: str) -> Reply:
    """SHIFTS: the first LISTED slots the sender may take, in ``zone`` (theirs)."""
    if not person.active:
        return Reply(ShiftsNone())
    found = open_slots(session, person, ctx.now)
    if not found:
        return Reply(ShiftsNone())
    lines = tuple(slot_line(slot, roster) for slot, roster in found[:LISTED])
    return Reply(ShiftsList(slots=lines, zone=zone, more=max(0, len(found) - LISTED)))


def take_number(
    session: Session, ctx: FlowContext, person: Person, number: int, zone: str
) -> Reply:
    """TAKE n: claim the open slot numbered ``n`` on one of the sender's rosters."""
    if not person.active:
        return Reply(SlotGone(number))
    found = [(s, r) for s, r in open_slots(session, person, ctx.now) if s.number == number]
    if not found:
        return Reply(SlotGone(number))
    slot, roster = found[0]
    if not claim(session, ctx, person, slot, roster):
        return Reply(SlotGone(number))
    return Reply(SlotYours(slot_line(slot, roster), zone))


def claim(
    session: Session, ctx: FlowContext, person: Person, slot: OpenSlot, roster: Roster
) -> bool:
    """Give ``slot`` to ``person`` if nobody has it (one conditional UPDATE: the first
    claim wins) and the sign-up is still open; it becomes an ``add`` override, recorded as
    the roster's change. False when someone else was first, it closed or the slot began."""
    signup = session.get_one(Signup, slot.signup_id)
    if not is_open(signup, ctx.now) or as_utc(slot.start) <= ctx.now:
        return False  # closed, or the slot has begun
    if not _is_member(session, roster.id, person):
        return False
    won = session.execute(
        update(OpenSlot)
        .where(OpenSlot.id == slot.id, OpenSlot.taker_id.is_(None))
        .values(taker_id=person.id, taken_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(won) != 1:
        return False
    session.refresh(slot)
    period = (as_utc(slot.start), as_utc(slot.end))
    audited(
        session,
        Auditor(f"signup:member {person.id}", ctx.now),
        roster,
        lambda: add_override(session, roster, "add", (person, None), period),
    )
    log.info("signup.taken slot=%s signup=%s member=%s", slot.id, signup.id, person.id)
    return True


def taken_by(session: Session, signup: Signup, person: Person) -> list[OpenSlot]:
    """The slots of ``signup`` that ``person`` has, in order."""
    query = select(OpenSlot).where(OpenSlot.signup_id == signup.id, OpenSlot.taker_id == person.id)
    return list(session.scalars(query.order_by(OpenSlot.start)))


# The engine: the reminder before the deadline, and the close at it.


def remind_due(session: Session, ctx: FlowContext) -> int:
    """Send the reminders whose time has come; the number of sign-ups reminded. Each
    sign-up is claimed by one conditional UPDATE (sent once); one that fails is logged and
    the others go on."""
    lead = ctx.settings.open_shift_remind
    query = (
        select(Signup.id)
        .where(
            Signup.state == OPEN,
            Signup.reminded_at.is_(None),
            Signup.deadline > ctx.now,
            Signup.deadline <= ctx.now + lead,
        )
        .order_by(Signup.deadline, Signup.id)
        .limit(BATCH)
    )
    done = 0
    for signup_id in list(session.scalars(query)):
        try:
            with session.begin_nested():
                done += _remind(session, ctx, signup_id)
        except Exception as exc:  # one bad sign-up never stops the others
            log.warning("signup.remind_failed id=%s error=%s", signup_id, type(exc).__name__)
            with session.begin_nested():
                _mark(session, signup_id, reminded_at=ctx.now)
    return done


def _mark(session: Session, signup_id: int, **values: datetime) -> None:
    """Set ``values`` on a sign-up whose step failed, so that it is not retried forever."""
    session.execute(update(Signup).where(Signup.id == signup_id).values(**values))


def _remind(session: Session, ctx: FlowContext, signup_id: int) -> int:
    """Claim one sign-up's reminder and text the members short of the minimum."""
    won = session.execute(
        update(Signup)
        .where(Signup.id == signup_id, Signup.reminded_at.is_(None), Signup.state == OPEN)
        .values(reminded_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(won) != 1:
        return 0
    signup = session.get_one(Signup, signup_id)
    roster = session.get_one(Roster, signup.roster_id)
    still_open = sum(1 for s in signup.slots if s.taker_id is None and as_utc(s.start) > ctx.now)
    if still_open == 0:
        return 1
    told = 0
    for member in members(session, roster):
        taken = sum(1 for s in signup.slots if s.taker_id == member.id)
        if taken >= ctx.settings.open_shift_minimum:
            continue
        text = ShiftsReminder(
            roster=roster.name,
            deadline=as_utc(signup.deadline).isoformat(),
            zone=roster.timezone,
            taken=taken,
            open=still_open,
            link=link(ctx, signup, member),
        )
        notify.to_person(session, ctx, member, text)
        told += 1
    log.info("signup.reminded id=%s members=%s", signup.id, told)
    return 1


def close_due(session: Session, ctx: FlowContext) -> int:
    """Close the sign-ups whose deadline has passed, each with its report of unfilled slots
    to the coordinators (claimed by one conditional UPDATE: sent once)."""
    query = (
        select(Signup.id)
        .where(Signup.state == OPEN, Signup.deadline <= ctx.now)
        .order_by(Signup.deadline, Signup.id)
        .limit(BATCH)
    )
    done = 0
    for signup_id in list(session.scalars(query)):
        try:
            with session.begin_nested():
                done += _close(session, ctx, signup_id, report=True)
        except Exception as exc:  # one bad sign-up never stops the others
            log.warning("signup.close_failed id=%s error=%s", signup_id, type(exc).__name__)
            with session.begin_nested():
                session.execute(
                    update(Signup)
                    .where(Signup.id == signup_id)
                    .values(state=CLOSED, closed_at=ctx.now)
                )
    return done


def close(session: Session, ctx: FlowContext, auditor: Auditor, signup: Signup) -> bool:
    """A coordinator closes ``signup`` before its deadline (no text: they see the page).
    Recorded; False if it was closed already."""
    if not _close(session, ctx, signup.id, report=False):
        return False
    session.refresh(signup)
    auditor.record(session, "close", "signup", signup.id, {"state": OPEN}, {"state": CLOSED})
    return True


def _close(session: Session, ctx: FlowContext, signup_id: int, *, report: bool) -> int:
    """Claim one sign-up's close; with ``report``, the coordinators hear what is unfilled."""
    won = session.execute(
        update(Signup)
        .where(Signup.id == signup_id, Signup.state == OPEN)
        .values(state=CLOSED, closed_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(won) != 1:
        return 0
    if report:
        signup = session.get_one(Signup, signup_id)
        notify.to_coordinators(session, ctx, closed_text(session, signup))
    log.info("signup.closed id=%s report=%s", signup_id, report)
    return 1


def closed_text(session: Session, signup: Signup) -> SignupClosed:
    """The coordinators' report of ``signup``: taken of total, the first unfilled slots."""
    roster = session.get_one(Roster, signup.roster_id)
    unfilled = [slot_line(s, roster) for s in signup.slots if s.taker_id is None]
    return SignupClosed(
        roster=roster.name,
        month=signup.month.isoformat(),
        zone=roster.timezone,
        taken=len(signup.slots) - len(unfilled),
        total=len(signup.slots),
        unfilled=tuple(unfilled[:REPORTED]),
        more=max(0, len(unfilled) - REPORTED),
    )


def purge(session: Session, now: datetime) -> None:
    """Forget sign-ups closed more than KEEP_CLOSED ago, with their slots (the overrides
    the claims made remain on the roster)."""
    session.execute(
        delete(Signup).where(Signup.state == CLOSED, Signup.closed_at <= now - KEEP_CLOSED)
    )
