"""Safety check-ins for whoever accepts an in-person need (``NeedSpec.in_person``).

On accept the person is told to reply OK with the code when they arrive and every
``Roster.checkin_seconds`` (45 min by default; 0 turns check-ins off for that roster), and
DONE when they leave. Each check-in row holds one deadline, ``due_at``, that the engine
claims like an escalation step (SKIP LOCKED on PostgreSQL; state and deadline change in the
claiming transaction, so nothing fires twice and a restart loses nothing):

started/arrived --due--> reminded (one text to the person) --grace--> overdue (the
coordinators, and by setting the officer, are told; no further deadline). An OK at any
point makes it ``arrived`` again with a fresh deadline; after ``overdue`` the coordinators
hear that the person checked in. DONE, a dropped need or a closed request ends it.

A duress word in any reply (``crypto.duress``) is answered exactly as an OK is, and alerts
the coordinators and the officer at once. Only counts and times are kept, never where the
person is or what they wrote; the call log keeps the counts.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.crypto import duress as duress_words
from dispatcher.errors import ValidationError
from dispatcher.flows import care_texts as ct
from dispatcher.flows import notify, texts
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.models import CheckIn, Need, Request
from dispatcher.flows.vocabulary import (
    CHECKING_IN,
    CheckInState,
    NeedState,
    RequestStatus,
    need_spec,
)
from dispatcher.phones import format_phone
from dispatcher.rosters import needstore
from dispatcher.rosters.models import Person, Roster

log = logging.getLogger("dispatcher.checkins")
BATCH = 100
# Deadlines the engine watches: an overdue check-in waits for the person, not the clock.
WATCHED = (CheckInState.STARTED, CheckInState.ARRIVED, CheckInState.REMINDED)


def start(session: Session, ctx: FlowContext, need: Need, person: Person) -> CheckIn | None:
    """Start the check-in of ``person``, who just accepted ``need``; None when the need is
    not in person or its roster has check-ins off."""
    spec = need_spec(need.kind, needstore.current(session))
    roster = session.get(Roster, need.roster_id) if need.roster_id else None
    if spec is None or not spec.in_person or roster is None or roster.checkin_seconds <= 0:
        return None
    interval = roster.checkin_seconds
    checkin = CheckIn(
        need_id=need.id,
        person_id=person.id,
        interval_seconds=interval,
        state=CheckInState.STARTED,
        started_at=ctx.now,
        last_at=ctx.now,
        due_at=ctx.now + timedelta(seconds=interval),
    )
    session.add(checkin)
    code = need.request.code
    notify.to_person(session, ctx, person, ct.CheckinStarted(code=code, minutes=interval // 60))
    log.info("checkin.started request=%s member=%s every=%ss", code, person.id, interval)
    return checkin


def running(session: Session, person: Person, code: str | None = None) -> list[CheckIn]:
    """The person's check-ins still running (on open requests), optionally for one code."""
    query = (
        select(CheckIn)
        .join(Need, CheckIn.need_id == Need.id)
        .join(Request, Need.request_id == Request.id)
        .where(
            CheckIn.person_id == person.id,
            CheckIn.state.in_(CHECKING_IN),
            Need.state == NeedState.ACCEPTED,
            Request.status == RequestStatus.OPEN,
        )
        .order_by(CheckIn.id)
    )
    if code:
        query = query.where(Request.code == code.upper())
    return list(session.scalars(query))


def check_in(session: Session, ctx: FlowContext, checkin: CheckIn) -> Reply:
    """An OK: the person is fine; the next check-in is due one interval from now."""
    was_overdue = checkin.state == CheckInState.OVERDUE
    _record(checkin, ctx)
    code = checkin.need.request.code
    if was_overdue:
        _tell_resumed(session, ctx, checkin)
    log.info("checkin.received request=%s member=%s n=%s", code, checkin.person_id, checkin.count)
    return _ack(checkin)


def _record(checkin: CheckIn, ctx: FlowContext) -> None:
    """Count one check-in and set the next deadline."""
    checkin.count += 1
    checkin.state = CheckInState.ARRIVED
    checkin.last_at = ctx.now
    checkin.due_at = ctx.now + timedelta(seconds=checkin.interval_seconds)
    checkin.need.request.last_activity_at = ctx.now


def _ack(checkin: CheckIn) -> Reply:
    """What the person's phone shows after an OK (and after the duress word)."""
    code = checkin.need.request.code
    return Reply(ct.CheckinAck(code=code, minutes=checkin.interval_seconds // 60))


def duress(session: Session, ctx: FlowContext, person: Person) -> Reply:
    """The duress word: counted as a check-in on every running check-in (so the phone shows
    the OK answer), and the coordinators and the officers of the person's requests are
    alerted at once. With no check-in running the reply is the one a bare OK gets."""
    checkins = running(session, person)
    requests = {c.need.request.code: c.need for c in checkins}
    for need in _accepted_needs(session, person):
        requests.setdefault(need.request.code, need)
    last = last_known(checkins[0]) if checkins else "accepted"
    for checkin in checkins:
        _record(checkin, ctx)
        checkin.alarms += 1
    at = ctx.now.isoformat()
    notify.to_coordinators(
        session,
        ctx,
        ct.CoordinatorDuress(
            name=person.name,
            codes=tuple(sorted(requests)),
            at=at,
            zone=ctx.settings.timezone,
            last=last,
            phone=format_phone(person.phone, ctx.settings.default_region),
        ),
    )
    for code, need in sorted(requests.items()):
        role = needstore.current(session).role(need.kind)
        text = ct.OfficerDuress(role=role, code=code, at=at, zone=ctx.settings.timezone)
        notify.to_officer(session, ctx, need.request, text)
    for code in sorted(requests) or ["-"]:  # logged as a missed check-in is, no more
        log.warning("checkin.alert request=%s member=%s", code, person.id)
    return _ack(checkins[0]) if checkins else Reply(texts.NothingOpen())


def _accepted_needs(session: Session, person: Person) -> list[Need]:
    """Needs the person accepted on open requests (check-ins or not)."""
    query = (
        select(Need)
        .join(Request, Need.request_id == Request.id)
        .where(
            Need.accepted_by_id == person.id,
            Need.state == NeedState.ACCEPTED,
            Request.status == RequestStatus.OPEN,
        )
        .order_by(Need.id)
    )
    return list(session.scalars(query))


# Words of the reply grammar and the carrier's, which cannot be a duress word (a test
# checks that this covers ``sms.commands``).
RESERVED_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "start", "yes", "unstop"}
    | {"help", "info", "accept", "decline", "pass", "done", "status", "room", "ride"}
    | {"advocate", "back", "who", "away", "join", "new", "approve", "deny", "duress", "ok"}
    | {"omw", "coming", "voy", "cover", "swap", "shifts", "take"}
)


def new_duress_hash(word: str) -> str:
    """The stored form of a new duress word; ValidationError (naming no value) when it is
    not one word of 3 to 30 letters or digits, or is a command word."""
    checked = duress_words.check_word(word)
    if checked in RESERVED_WORDS:
        raise ValidationError("a command word of the hotline cannot be a duress word")
    return duress_words.hash_word(checked)


def set_duress_word(person: Person, word: str) -> Reply:
    """DURESS <word> sets (or replaces) the person's duress word, hashed; DURESS alone
    removes it. The word is never stored, logged or repeated in the reply."""
    if not word.strip():
        person.duress_hash = None
        log.info("person.duress_cleared member=%s", person.id)
        return Reply(ct.DuressCleared())
    try:
        person.duress_hash = new_duress_hash(word)
    except ValidationError:
        return Reply(ct.DuressRefused())
    log.info("person.duress_set member=%s", person.id)
    return Reply(ct.DuressSet())


def has_duress_word(person: Person, text: str) -> bool:
    """True when ``text`` (a reply, in memory only) contains the person's duress word."""
    return person.duress_hash is not None and duress_words.contains_word(person.duress_hash, text)


def last_known(checkin: CheckIn) -> str:
    """``accepted`` (no OK yet), ``arrived`` (one OK) or ``checked_in`` (more)."""
    if checkin.count == 0:
        return "accepted"
    return "arrived" if checkin.count == 1 else "checked_in"


def end(checkin: CheckIn | None, ctx: FlowContext) -> None:
    """Stop a check-in (DONE, the need dropped, the request closed); its counts stay."""
    if checkin is None or checkin.state == CheckInState.ENDED:
        return
    checkin.state = CheckInState.ENDED
    checkin.due_at = None
    checkin.ended_at = ctx.now


def run_due(session: Session, ctx: FlowContext) -> int:
    """Apply every check-in deadline that has passed; return how many were handled.

    Each runs in a savepoint: one that fails is logged (no content) and moved past, and
    the others go on.
    """
    query = (
        select(CheckIn)
        .where(CheckIn.state.in_(WATCHED), CheckIn.due_at <= ctx.now)
        .order_by(CheckIn.due_at, CheckIn.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    handled = 0
    for checkin in list(session.scalars(query)):
        try:
            with session.begin_nested():
                _on_deadline(session, ctx, checkin)
            handled += 1
        except Exception as exc:  # one bad row never stops the others
            log.error("checkin.failed checkin=%s error=%s", checkin.id, type(exc).__name__)
    return handled


def _on_deadline(session: Session, ctx: FlowContext, checkin: CheckIn) -> None:
    """One passed deadline: end it, remind the person, or tell the coordinators."""
    need = checkin.need
    person = session.get(Person, checkin.person_id) if checkin.person_id else None
    active = (
        need.state == NeedState.ACCEPTED
        and need.request.status == RequestStatus.OPEN
        and need.accepted_by_id == checkin.person_id
    )
    if not active or person is None:
        end(checkin, ctx)
        return
    code = need.request.code
    if checkin.state != CheckInState.REMINDED:
        checkin.state = CheckInState.REMINDED
        checkin.due_at = ctx.now + ctx.settings.checkin_grace
        notify.to_person(session, ctx, person, ct.CheckinReminder(code=code))
        log.info("checkin.reminded request=%s member=%s", code, person.id)
        return
    checkin.state = CheckInState.OVERDUE
    checkin.due_at = None
    checkin.missed += 1
    _tell_missed(session, ctx, checkin, person)
    log.warning("checkin.alert request=%s member=%s", code, person.id)


def _tell_missed(session: Session, ctx: FlowContext, checkin: CheckIn, person: Person) -> None:
    """Coordinators get the name, the time of the last news and the phone; the officer,
    by setting, the role and the time."""
    request, zone = checkin.need.request, ctx.settings.timezone
    since = checkin.last_at.isoformat()
    notify.to_coordinators(
        session,
        ctx,
        ct.CoordinatorCheckinMissed(
            name=person.name,
            code=request.code,
            since=since,
            zone=zone,
            last=last_known(checkin),
            phone=format_phone(person.phone, ctx.settings.default_region),
        ),
    )
    if ctx.settings.checkin_tell_officer:
        role = needstore.current(session).role(checkin.need.kind)
        text = ct.OfficerCheckinMissed(role=role, code=request.code, since=since, zone=zone)
        notify.to_officer(session, ctx, request, text)


def _tell_resumed(session: Session, ctx: FlowContext, checkin: CheckIn) -> None:
    """After an alert, whoever was told hears that the person checked in."""
    person = session.get(Person, checkin.person_id) if checkin.person_id else None
    request = checkin.need.request
    text = ct.CheckinResumed(
        name=person.name if person else "?",
        code=request.code,
        at=ctx.now.isoformat(),
        zone=ctx.settings.timezone,
    )
    notify.to_coordinators(session, ctx, text)
    if ctx.settings.checkin_tell_officer:
        first = notify.first_name(person) if person else "?"
        notify.to_officer(session, ctx, request, replace(text, name=first))


def counts(need: Need) -> tuple[int, int]:
    """(check-ins received, alerts raised) of a need, for the call log."""
    checkin = need.checkin
    if checkin is None:
        return 0, 0
    return checkin.count, checkin.missed + checkin.alarms
