"""Shifts offered by text: COVER to the rotation, SWAP to one person; taken by ``1 code``.

An offer is a ``ShiftOffer`` row with a code of its own (``codes.random_offer_code``, never
a request's). The first ``1 code`` wins by one conditional UPDATE and becomes a replace
override for the shift; both people and the coordinators are told. An offer still open at
``expires_at`` (``offer_wait`` after it was made, or the shift's start if sooner) is
expired by the engine and the coordinators are told the shift still needs cover.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.clock import as_utc
from dispatcher.db import rows_changed
from dispatcher.flows import notify
from dispatcher.flows.codes import random_offer_code
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.gaps import rosters_of
from dispatcher.flows.models import ShiftOffer
from dispatcher.flows.rostertexts import (
    CoverAsked,
    OfferCovered,
    OfferDeclined,
    OfferGone,
    OfferHelp,
    OfferNobody,
    OfferNoShift,
    OfferNotYours,
    OfferSent,
    OfferTaken,
    OfferUncovered,
    OfferYours,
    ShiftAt,
    SwapAsked,
    SwapUnknown,
)
from dispatcher.flows.texts import Declined
from dispatcher.rosters import service
from dispatcher.rosters.changes import add_override, audited
from dispatcher.rosters.models import Person, Roster
from dispatcher.rosters.schedule import Shift, local_to_utc

log = logging.getLogger("dispatcher.offers")

OPEN, TAKEN, DECLINED, EXPIRED = "open", "taken", "declined", "expired"
# Withdrawn by a coordinator on the person's page: a later ``1 code`` hears it is closed.
CANCELLED = "cancelled"
# An offer whose shift was no longer the offerer's (covered through another offer, or the
# schedule changed) when it was taken or fell due: nobody is told.
CLOSED = "closed"
# COVER NEXT and SWAP look this far ahead for the sender's next shift.
LOOK_AHEAD = timedelta(days=35)
BATCH = 100
KEEP_DONE = timedelta(days=7)


def offer_cover(session: Session, ctx: FlowContext, person: Person, day: date | None) -> Reply:
    """COVER: offer the sender's shift starting on local ``day`` (None: their next one) to
    the other members of that roster's rotations."""
    found = _own_shift(session, ctx.now, person, day)
    if found is None:
        return Reply(OfferNoShift())
    return offer_shift(session, ctx, person, *found)


def offer_shift(
    session: Session, ctx: FlowContext, person: Person, roster: Roster, shift: Shift
) -> Reply:
    """Offer ``person``'s ``shift`` on ``roster`` to the roster's other members who can be
    paged then (COVER, and the person's admin page); with nobody to ask, the coordinators
    are told at once."""
    asked = [p for p in _members(session, roster) if p.id != person.id and _askable(p, shift)]
    if not asked:
        notify.to_coordinators(session, ctx, OfferUncovered(person.name, shift_at(roster, shift)))
        return Reply(OfferNobody(shift_at(roster, shift)))
    offer = _open_offer(session, ctx, person, roster, shift, None)
    for member in asked:
        notify.to_person(
            session, ctx, member, CoverAsked(person.name, offer.code, shift_at(roster, shift))
        )
    log.info("offer.cover id=%s member=%s asked=%s", offer.id, person.id, len(asked))
    return Reply(OfferSent(offer.code, shift_at(roster, shift), len(asked)))


def offer_swap(session: Session, ctx: FlowContext, person: Person, name: str) -> Reply:
    """SWAP <name>: ask one person who rotates with the sender to take their next shift."""
    if not name.strip():
        return Reply(OfferHelp())
    found = _own_shift(session, ctx.now, person, None)
    if found is None:
        return Reply(OfferNoShift())
    roster, shift = found
    other = _named(_members(session, roster), name, person)
    if other is None or not _askable(other, shift):
        return Reply(SwapUnknown(name.strip()))
    offer = _open_offer(session, ctx, person, roster, shift, other)
    notify.to_person(
        session, ctx, other, SwapAsked(person.name, offer.code, shift_at(roster, shift))
    )
    log.info("offer.swap id=%s member=%s to=%s", offer.id, person.id, other.id)
    return Reply(OfferSent(offer.code, shift_at(roster, shift), 1, other.name))


def take(session: Session, ctx: FlowContext, person: Person, code: str) -> Reply:
    """``1 code``: the first eligible taker gets the shift as a replace override."""
    offer = _find(session, code)
    if offer is None or offer.state != OPEN or as_utc(offer.expires_at) <= ctx.now:
        return Reply(OfferGone(code))
    roster = session.get_one(Roster, offer.roster_id)
    if not _may_take(session, offer, roster, person):
        return Reply(OfferNotYours(code))
    offerer = session.get_one(Person, offer.from_person_id)
    if not _still_theirs(session, offer, roster, offerer):
        offer.state = CLOSED
        return Reply(OfferGone(code))
    won = session.execute(
        update(ShiftOffer)
        .where(ShiftOffer.id == offer.id, ShiftOffer.state == OPEN)
        .values(state=TAKEN, taker_id=person.id)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(won) != 1:
        return Reply(OfferGone(code))
    session.refresh(offer)
    _close_others(session, offer)
    period = (as_utc(offer.shift_start), as_utc(offer.shift_end))
    audited(
        session,
        Auditor("sms", ctx.now),
        roster,
        lambda: add_override(session, roster, "replace", (person, offerer), period),
    )
    shift = ShiftAt(roster.name, period[0].isoformat(), period[1].isoformat(), roster.timezone)
    notify.to_person(session, ctx, offerer, OfferTaken(person.name, shift))
    notify.to_coordinators(session, ctx, OfferCovered(person.name, offerer.name, shift))
    log.info("offer.taken id=%s member=%s", offer.id, person.id)
    return Reply(OfferYours(offerer.name, shift))


def decline(session: Session, ctx: FlowContext, person: Person, code: str) -> Reply:
    """``2 code``: the person asked by SWAP says no (the offerer is told); from anyone else
    asked by COVER it is only acknowledged."""
    offer = _find(session, code)
    if offer is None or offer.state != OPEN:
        return Reply(OfferGone(code))
    if offer.to_person_id is None:
        return Reply(Declined(code))
    if offer.to_person_id != person.id:
        return Reply(OfferNotYours(code))
    offer.state = DECLINED
    roster = session.get_one(Roster, offer.roster_id)
    offerer = session.get_one(Person, offer.from_person_id)
    notify.to_person(session, ctx, offerer, OfferDeclined(person.name, _shift_of(offer, roster)))
    log.info("offer.declined id=%s member=%s", offer.id, person.id)
    return Reply(Declined(code))


def cancel(session: Session, auditor: Auditor, offer: ShiftOffer) -> bool:
    """Withdraw an open offer (a coordinator, on the offerer's page), by one conditional
    UPDATE so that it cannot race a taker; recorded. False if it was no longer open."""
    won = session.execute(
        update(ShiftOffer)
        .where(ShiftOffer.id == offer.id, ShiftOffer.state == OPEN)
        .values(state=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(won) != 1:
        return False
    session.refresh(offer)
    entry = {"code": offer.code, "state": CANCELLED}
    auditor.record(session, "cancel", "shift_offer", offer.id, {"state": OPEN}, entry)
    log.info("offer.cancelled id=%s", offer.id)
    return True


def expire_due(session: Session, ctx: FlowContext) -> int:
    """Expire the open offers past their deadline; the coordinators and the offerer hear
    the shift still needs cover. One that fails is logged and moved past."""
    query = (
        select(ShiftOffer)
        .where(ShiftOffer.state == OPEN, ShiftOffer.expires_at <= ctx.now)
        .order_by(ShiftOffer.expires_at, ShiftOffer.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    due = list(session.scalars(query))
    for offer in due:
        try:
            with session.begin_nested():
                _expire(session, ctx, offer)
        except Exception as exc:  # one bad row never stops the others
            log.warning("offers.expire_failed id=%s error=%s", offer.id, type(exc).__name__)
            with session.begin_nested():
                offer.state = EXPIRED
    return len(due)


def _expire(session: Session, ctx: FlowContext, offer: ShiftOffer) -> None:
    """One offer nobody took: expired, and the coordinators and the offerer are told."""
    roster = session.get_one(Roster, offer.roster_id)
    offerer = session.get_one(Person, offer.from_person_id)
    if not _still_theirs(session, offer, roster, offerer):
        offer.state = CLOSED
        return
    offer.state = EXPIRED
    text = OfferUncovered(offerer.name, _shift_of(offer, roster))
    notify.to_coordinators(session, ctx, text)
    if not offerer.coordinator:
        notify.to_person(session, ctx, offerer, text)
    log.info("offer.expired id=%s", offer.id)


def shift_at(roster: Roster, shift: Shift) -> ShiftAt:
    """A shift of ``roster`` as the texts show it."""
    return ShiftAt(roster.name, shift.start.isoformat(), shift.end.isoformat(), roster.timezone)


def _shift_of(offer: ShiftOffer, roster: Roster) -> ShiftAt:
    """The offered shift as the texts show it."""
    start, end = as_utc(offer.shift_start), as_utc(offer.shift_end)
    return ShiftAt(roster.name, start.isoformat(), end.isoformat(), roster.timezone)


def _own_shift(
    session: Session, now: datetime, person: Person, day: date | None
) -> tuple[Roster, Shift] | None:
    """The sender's first shift starting on local ``day`` (None: after ``now``), on any
    of their rosters; None if there is none."""
    found: list[tuple[datetime, int, Roster, Shift]] = []
    for roster in session.scalars(rosters_of(person)):
        if day is None:
            lo, hi = now, now + LOOK_AHEAD
        else:
            zone = ZoneInfo(roster.timezone)
            lo = local_to_utc(datetime.combine(day, time()), zone)
            hi = local_to_utc(datetime.combine(day + timedelta(days=1), time()), zone)
        for shift, who in service.shifts(session, roster, lo, hi):
            if who.id == person.id and lo <= shift.start < hi and shift.start > now:
                found.append((shift.start, roster.id, roster, shift))
    if not found:
        return None
    _, _, roster, shift = min(found, key=lambda item: (item[0], item[1]))
    return roster, shift


def _members(session: Session, roster: Roster) -> list[Person]:
    """Everyone who rotates on ``roster``, by name."""
    ids = {p.person_id for rotation in roster.rotations for p in rotation.participants}
    if not ids:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.name)))


def _askable(person: Person, shift: Shift) -> bool:
    """True if ``person`` can be asked to take ``shift``: can be texted and paged then."""
    return service.is_available(person, shift.start) and not person.opted_out


def _named(members: list[Person], name: str, sender: Person) -> Person | None:
    """The member called ``name`` (full name, or a first name only one of them has)."""
    wanted = " ".join(name.split()).casefold()
    others = [m for m in members if m.id != sender.id]
    exact = [m for m in others if m.name.casefold() == wanted]
    first = [m for m in others if m.name.split()[0].casefold() == wanted]
    matches = exact or first
    return matches[0] if len(matches) == 1 else None


def _may_take(session: Session, offer: ShiftOffer, roster: Roster, person: Person) -> bool:
    """True if ``person`` may take ``offer``: the one asked (SWAP), or another member."""
    if person.id == offer.from_person_id:
        return False
    if offer.to_person_id is not None:
        return person.id == offer.to_person_id
    return any(m.id == person.id for m in _members(session, roster))


def _still_theirs(session: Session, offer: ShiftOffer, roster: Roster, offerer: Person) -> bool:
    """True while the schedule still has the offerer on call at the offered shift's start."""
    return offerer in service.who_is_on_call(session, roster, as_utc(offer.shift_start))


def _close_others(session: Session, taken: ShiftOffer) -> None:
    """Close the other open offers of the same shift (COVER sent twice, SWAP and COVER)."""
    session.execute(
        update(ShiftOffer)
        .where(
            ShiftOffer.state == OPEN,
            ShiftOffer.from_person_id == taken.from_person_id,
            ShiftOffer.roster_id == taken.roster_id,
            ShiftOffer.shift_start == taken.shift_start,
        )
        .values(state=CLOSED)
        .execution_options(synchronize_session=False)
    )


def _find(session: Session, code: str) -> ShiftOffer | None:
    """The offer with ``code`` (upper case), if any."""
    return session.scalars(select(ShiftOffer).where(ShiftOffer.code == code.upper())).first()


def _open_offer(
    session: Session,
    ctx: FlowContext,
    person: Person,
    roster: Roster,
    shift: Shift,
    to: Person | None,
) -> ShiftOffer:
    """A new open offer with a fresh code, due ``offer_wait`` from now or at the start."""
    code = random_offer_code()
    while _find(session, code) is not None:
        code = random_offer_code()
    offer = ShiftOffer(
        code=code,
        roster_id=roster.id,
        from_person_id=person.id,
        to_person_id=to.id if to else None,
        shift_start=shift.start,
        shift_end=shift.end,
        state=OPEN,
        created_at=ctx.now,
        expires_at=min(ctx.now + ctx.settings.offer_wait, shift.start),
    )
    session.add(offer)
    session.flush()
    return offer


def purge(session: Session, now: datetime) -> None:
    """Forget offers whose shift ended more than KEEP_DONE ago (their overrides remain)."""
    session.execute(delete(ShiftOffer).where(ShiftOffer.shift_end <= now - KEEP_DONE))


def upcoming_shifts(
    session: Session, person: Person, now: datetime, ahead: timedelta = timedelta(days=14)
) -> list[tuple[Roster, Shift]]:
    """``person``'s shifts starting within ``ahead`` of ``now``, on every roster, in order."""
    found = [
        (roster, shift)
        for roster in session.scalars(rosters_of(person))
        for shift, who in service.shifts(session, roster, now, now + ahead)
        if who.id == person.id and now < shift.start
    ]
    return sorted(found, key=lambda pair: (pair[1].start, pair[0].name))


def offers_of(session: Session, person: Person) -> list[ShiftOffer]:
    """The offers ``person`` made that are still kept, latest shift first."""
    query = select(ShiftOffer).where(ShiftOffer.from_person_id == person.id)
    return list(session.scalars(query.order_by(ShiftOffer.shift_start.desc(), ShiftOffer.id)))
