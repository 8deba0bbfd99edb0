"""Texts before and at the start of each shift, as durable deadlines in the database.

``plan`` (housekeeping) writes a ``ShiftReminder`` row for every shift that starts within
``HORIZON``: one ``before`` row per person who wants reminders (due their lead time
before the start) and, on rosters with ``handoff_notice``, one ``handoff`` row (due at the
start). Rows are keyed by person, roster, kind and shift start, so planning again adds
nothing and no text goes out twice. ``send_due`` (each tick) claims due rows and, after
checking the person is still on call and can be texted, queues the text; each row is
handled on its own and a failure is logged and moved past.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dispatcher.clock import as_utc
from dispatcher.db import insert_ignoring_duplicates
from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Need, Request, ShiftReminder
from dispatcher.flows.rostertexts import ShiftNow, ShiftSoon
from dispatcher.flows.texts import Text
from dispatcher.flows.vocabulary import NeedState, RequestStatus
from dispatcher.rosters import service
from dispatcher.rosters.models import Person, Roster

log = logging.getLogger("dispatcher.reminders")

BEFORE, HANDOFF = "before", "handoff"
PENDING, SENT, SKIPPED = "pending", "sent", "skipped"
MAX_LEAD_HOURS = 24
# The longest lead time plus a margin: a reminder row exists well before it is due.
HORIZON = timedelta(hours=MAX_LEAD_HOURS + 1)
# A shift that began this recently (the engine was down) still gets its handoff text.
GRACE = timedelta(minutes=30)
# Finished rows are kept this long after their shift ended, then deleted.
KEEP_DONE = timedelta(days=7)
BATCH = 100


def plan(session: Session, ctx: FlowContext) -> int:
    """Write the reminder rows of every roster's shifts starting in [now - GRACE,
    now + HORIZON); return how many shifts were looked at. A roster that fails is logged
    and skipped."""
    looked = 0
    for roster_id in list(session.scalars(select(Roster.id).order_by(Roster.id))):
        try:
            with session.begin_nested():
                looked += _plan_roster(session, ctx, session.get_one(Roster, roster_id))
        except Exception as exc:  # one bad roster never stops the others
            log.warning("reminders.plan_failed roster=%s error=%s", roster_id, type(exc).__name__)
    return looked


def _plan_roster(session: Session, ctx: FlowContext, roster: Roster) -> int:
    """The rows for one roster's coming shifts; a changed lead time moves pending rows."""
    lo, hi = ctx.now - GRACE, ctx.now + HORIZON
    coming = [(s, p) for s, p in service.shifts(session, roster, lo, hi) if lo <= s.start < hi]
    for shift, person in coming:
        if roster.handoff_notice:
            _ensure(session, person, roster, HANDOFF, shift.start, shift.end, shift.start)
        if person.remind_hours > 0 and shift.start > ctx.now:
            due = shift.start - timedelta(hours=person.remind_hours)
            _ensure(session, person, roster, BEFORE, shift.start, shift.end, due)
    return len(coming)


def _ensure(
    session: Session,
    person: Person,
    roster: Roster,
    kind: str,
    start: datetime,
    end: datetime,
    due: datetime,
) -> None:
    """Insert the row unless it exists; a pending one takes the current end and due time."""
    key = {"person_id": person.id, "roster_id": roster.id, "kind": kind, "shift_start": start}
    session.execute(
        insert_ignoring_duplicates(session, ShiftReminder).values(
            **key, shift_end=end, due_at=due, state=PENDING
        )
    )
    session.execute(
        update(ShiftReminder)
        .where(*(getattr(ShiftReminder, name) == value for name, value in key.items()))
        .where(ShiftReminder.state == PENDING)
        .where((ShiftReminder.due_at != due) | (ShiftReminder.shift_end != end))
        .values(due_at=due, shift_end=end)
        .execution_options(synchronize_session=False)
    )


def send_due(session: Session, ctx: FlowContext) -> int:
    """Queue every due reminder that still applies; return how many rows were settled."""
    query = (
        select(ShiftReminder)
        .where(ShiftReminder.state == PENDING, ShiftReminder.due_at <= ctx.now)
        .order_by(ShiftReminder.due_at, ShiftReminder.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    due = list(session.scalars(query))
    for reminder in due:
        try:
            with session.begin_nested():
                _settle(session, ctx, reminder)
        except Exception as exc:  # one bad row never stops the others
            log.warning("reminders.failed id=%s error=%s", reminder.id, type(exc).__name__)
            with session.begin_nested():
                _finish(reminder, ctx.now, SKIPPED, "failed")
    return len(due)


def _settle(session: Session, ctx: FlowContext, reminder: ShiftReminder) -> None:
    """Send ``reminder`` or skip it, saying why."""
    person = session.get_one(Person, reminder.person_id)
    roster = session.get_one(Roster, reminder.roster_id)
    why = skip_reason(session, ctx.now, reminder, person, roster)
    if why is not None:
        _finish(reminder, ctx.now, SKIPPED, why)
        log.info("reminder.skipped id=%s member=%s reason=%s", reminder.id, person.id, why)
        return
    start, end = as_utc(reminder.shift_start).isoformat(), as_utc(reminder.shift_end).isoformat()
    shift = {"roster": roster.name, "start": start, "end": end, "zone": roster.timezone}
    text: Text
    if reminder.kind == HANDOFF:
        text = ShiftNow(**shift, sent=ctx.now.isoformat(), codes=open_codes(session, roster))
    else:
        text = ShiftSoon(**shift, sent=ctx.now.isoformat())
    notify.to_person(session, ctx, person, text)
    _finish(reminder, ctx.now, SENT, None)
    log.info("reminder.sent id=%s member=%s kind=%s", reminder.id, person.id, reminder.kind)


def skip_reason(
    session: Session, now: datetime, reminder: ShiftReminder, person: Person, roster: Roster
) -> str | None:
    """Why ``reminder`` must not be sent at ``now`` (None: send it).

    ``ended``: the shift is over; ``late``: a before-reminder whose shift began; ``off``:
    the person turned reminders off; ``stopped``/``inactive``: they cannot be texted;
    ``away``: they are away at the start; ``moved``: the schedule no longer has them on
    call at the start.
    """
    start = as_utc(reminder.shift_start)
    if now >= as_utc(reminder.shift_end):
        return "ended"
    if reminder.kind == BEFORE and now >= start:
        return "late"
    if reminder.kind == BEFORE and person.remind_hours <= 0:
        return "off"
    if person.opted_out:
        return "stopped"
    if not person.active:
        return "inactive"
    if person.away_until is not None and as_utc(person.away_until) > max(start, now):
        return "away"
    if person not in service.who_is_on_call(session, roster, start):
        return "moved"
    return None


def open_codes(session: Session, roster: Roster) -> tuple[str, ...]:
    """Codes of open requests with a need on ``roster`` that nobody has taken yet."""
    untaken = select(Need.request_id).where(
        Need.roster_id == roster.id, Need.state.in_([NeedState.PAGING, NeedState.UNFILLED])
    )
    query = (
        select(Request.code)
        .where(Request.status == RequestStatus.OPEN, Request.id.in_(untaken))
        .order_by(Request.opened_at, Request.id)
    )
    return tuple(session.scalars(query))


def _finish(reminder: ShiftReminder, now: datetime, state: str, reason: str | None) -> None:
    """Record that ``reminder`` was sent or skipped (and why)."""
    reminder.state, reminder.reason, reminder.done_at = state, reason, now


def purge(session: Session, now: datetime) -> None:
    """Delete rows whose shift ended more than KEEP_DONE ago."""
    session.execute(delete(ShiftReminder).where(ShiftReminder.shift_end <= now - KEEP_DONE))
