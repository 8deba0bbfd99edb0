"""The engine: level-triggered, idempotent, every deadline read from the database.

``tick`` claims due needs (SKIP LOCKED on PostgreSQL), applies the escalation policy,
closes idle requests, expires notes and purges what may no longer be kept. ``deliver``
drains the outbox through the sending threads (``flows.sending``), with every network
call outside a transaction.
A process can die at any instant: whatever was due happens at the next tick.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from dispatcher.accounts import ratelimits
from dispatcher.clock import Clock
from dispatcher.crypto import Sealer
from dispatcher.db import Database
from dispatcher.flows import (
    calllog,
    checkins,
    debriefs,
    deduplication,
    drills,
    gaps,
    offers,
    officers,
    outbox,
    paging,
    redaction,
    reminders,
    signups,
    statuses,
    trainings,
    voicepages,
)
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import CheckIn, Drill, Need, OutboxMessage, Page, Request
from dispatcher.flows.ports import Kick, Sender
from dispatcher.flows.sending import Courier
from dispatcher.flows.vocabulary import FINISHED, DrillState, NeedState, RequestStatus
from dispatcher.rosters import history
from dispatcher.rosters.models import RosterUpload
from dispatcher.settings import Settings

log = logging.getLogger("dispatcher.engine")

Renderer = outbox.Renderer
# Closed requests keep their working rows this long (late replies get a sensible answer),
# then only the call log remains.
KEEP_CLOSED = timedelta(hours=24)
# Inbound sids, applied status callbacks and deleted copies are remembered this long.
KEEP_RECEIPTS = timedelta(days=7)
BATCH = 100


@dataclass
class TickReport:
    """What one tick did, for logs and tests."""

    escalated: int = 0
    drills: int = 0  # drills started
    checkins: int = 0
    shifts_recorded: int = 0
    followed_up: int = 0  # open pages sent again by the person's next channel
    closed: int = 0
    notes_expired: int = 0
    sent: int = 0
    failed: int = 0
    redacted: int = 0
    reminded: int = 0
    training_notices: int = 0
    # the earliest escalation deadline still ahead once the tick's steps were applied (now
    # when the tick took a full batch: more may be due)
    next_deadline: datetime | None = None
    # the earliest follow-up or check-in deadline (a duty the next tick must not skip)
    next_duty: datetime | None = None


@dataclass
class Engine:
    """Runs ticks against one database with one sender.

    ``background`` (set by the scheduler) makes ticks hand messages to the sending threads
    and return at once, so escalation never waits for the provider; without it, a tick
    returns once everything due was sent (tests, the CLI).
    """

    database: Database
    settings: Settings
    sealer: Sealer
    clock: Clock
    sender: Sender
    render: Renderer
    kick: Kick = field(default_factory=Kick)
    background: bool = False
    courier: Courier = field(init=False)

    def __post_init__(self) -> None:
        self.courier = Courier(
            self.database,
            self.settings,
            self.sealer,
            self.clock,
            self.sender,
            self.render,
            lambda: self.kick(),
        )

    def context(self, now: datetime | None = None) -> FlowContext:
        """A flow context at ``now`` (the clock's now by default) whose kick wakes the engine:
        for work queued outside a tick."""
        return FlowContext(self.settings, self.sealer, now or self.clock.now(), self.kick)

    def run_context(self) -> FlowContext:
        """A flow context at the clock's now for work done inside a tick or housekeeping.

        It wakes nobody: what the run queues is sent by its own ``deliver``, and a wake
        would only run another tick for nothing (or NOTIFY every other engine).
        """
        return FlowContext(self.settings, self.sealer, self.clock.now())

    def tick(self, *, duties: bool = True) -> TickReport:
        """Apply every due escalation step, then drain the outbox (the hot path).

        With ``duties`` (the default), the side duties that are due run too, each in a unit
        of work of its own: planned drills (first, so that the escalation pages them),
        check-ins, on-call changes for the shift history, shift reminders and follow-up
        calls. The scheduler passes ``duties=False`` to the ticks a
        webhook's kick asks for, so a burst of texts costs no more than its escalation;
        the duties then run on the interval (see ``scheduler.EngineRunner``).

        The report carries the next deadlines, read in the same transaction as the steps.
        """
        report = TickReport()
        if duties:  # a drill due starts before the escalation, which sends its first page
            report.drills = self.start_drills()
        with self.database.session_scope() as session:
            ctx = self.run_context()
            report.escalated = escalate_due(session, ctx)
            report.next_deadline, report.next_duty = next_deadlines(session, ctx.now)
            if report.escalated >= BATCH:
                report.next_deadline = ctx.now
        if duties:
            report.checkins = self.run_checkins()
            report.shifts_recorded = self.record_shifts()
            report.reminded = self.remind()
            report.followed_up = self.follow_up()
        return self.deliver(report)

    def start_drills(self) -> int:
        """Start the planned drills that are due; a failure is logged (the next tick tries
        again) and never stops paging."""
        try:
            with self.database.session_scope() as session:
                return drills.start_due(session, self.run_context())
        except Exception as exc:
            log.warning("engine.drills_failed error=%s", type(exc).__name__)
            return 0

    def run_checkins(self) -> int:
        """Send the safety check-in reminders and alerts that are due; a failure is logged
        (the next tick tries again) and never stops paging."""
        try:
            with self.database.session_scope() as session:
                return checkins.run_due(session, self.run_context())
        except Exception as exc:
            log.warning("engine.checkins_failed error=%s", type(exc).__name__)
            return 0

    def follow_up(self) -> int:
        """Send again, by the person's next channel, the open pages that are due (a call
        after an unanswered text); a failure is logged and never stops paging."""
        try:
            with self.database.session_scope() as session:
                return voicepages.follow_up_due(session, self.run_context())
        except Exception as exc:
            log.warning("engine.follow_up_failed error=%s", type(exc).__name__)
            return 0

    def record_shifts(self) -> int:
        """Write the on-call changes that are due to the shift history; a failure is logged
        (the next tick tries again) and never stops paging."""
        try:
            with self.database.session_scope() as session:
                return history.record_due(session, self.clock.now())
        except Exception as exc:
            log.warning("engine.shift_history_failed error=%s", type(exc).__name__)
            return 0

    def remind(self) -> int:
        """Queue the shift reminders that are due; a failure is logged, pages go on."""
        try:
            with self.database.session_scope() as session:
                return reminders.send_due(session, self.run_context())
        except Exception as exc:
            log.warning("engine.reminders_failed error=%s", type(exc).__name__)
            return 0

    def housekeeping(self) -> TickReport:
        """The slow duties: erase expired keys, close idle requests, expire notes, purge,
        tell of trainings about to expire, delete provider copies, then checkpoint SQLite's
        WAL.

        Run less often than ``tick`` so that network calls to delete copies never delay
        a page.
        """
        report = TickReport()
        self.sealer.erase_expired(self.clock.now())
        with self.database.session_scope() as session:
            ctx = self.run_context()
            report.closed = close_idle(session, ctx)
            report.notes_expired = expire_notes(session, ctx.now)
            purge(session, ctx.now)
        with self.database.session_scope() as session:
            reminders.plan(session, self.run_context())
        report.reminded = self.remind()
        self.report_gaps()
        with self.database.session_scope() as session:
            offers.expire_due(session, self.run_context())
        self.open_shifts()
        with self.database.session_scope() as session:
            report.training_notices = trainings.send_expiry_notices(session, self.run_context())
        self.deliver(report)
        report.redacted = redaction.redact_copies(
            self.database, self.sender, self.clock, ctx=self.context()
        )
        self.database.checkpoint()  # SQLite: wiped rows leave the WAL
        return report

    def open_shifts(self) -> None:
        """Open-shift sign-ups: reminders before their deadline, the close at it (each
        claimed once); a failure is logged and the other duties go on."""
        try:
            with self.database.session_scope() as session:
                signups.remind_due(session, self.run_context())
            with self.database.session_scope() as session:
                signups.close_due(session, self.run_context())
        except Exception as exc:
            log.warning("engine.open_shifts_failed error=%s", type(exc).__name__)

    def report_gaps(self) -> None:
        """The coordinators' morning gap report, once a day; a failure is logged."""
        try:
            with self.database.session_scope() as session:
                gaps.report_daily(session, self.run_context())
        except Exception as exc:
            log.warning("engine.gap_report_failed error=%s", type(exc).__name__)

    def deliver(self, report: TickReport | None = None) -> TickReport:
        """Send every due outbox message (see ``background``); failures move pages on.

        ``sent`` and ``failed`` count what was recorded meanwhile (all of this tick's
        messages unless in the background).
        """
        report = report or TickReport()
        sent, failed = self.courier.sent, self.courier.failed
        self.courier.deliver(wait_for_sends=not self.background)
        report.sent = self.courier.sent - sent
        report.failed = self.courier.failed - failed
        return report

    def close(self) -> None:
        """Stop sending once the sends in flight are done."""
        self.courier.close()


def escalate_due(session: Session, ctx: FlowContext) -> int:
    """Apply the next escalation step of every need whose deadline has passed."""
    query = (
        select(Need)
        .where(
            Need.state == NeedState.PAGING,
            Need.next_action_at <= ctx.now,
            or_(Need.held_until.is_(None), Need.held_until <= ctx.now),  # a call rings it
        )
        .order_by(Need.next_action_at, Need.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
        .options(selectinload(Need.request), selectinload(Need.pages))
    )
    needs = list(session.scalars(query))
    pools: paging.Pools = {}
    for need in needs:
        if need.held_until is not None:  # a hold whose call never reported its end
            need.held_until = None
            if paging.resume_after_call(session, ctx, need, pools):
                continue
        paging.escalate(session, ctx, need, pools)
        if need.state == NeedState.UNFILLED and need.request.drill:
            drills.finish(session, ctx, need.request)
        elif need.state == NeedState.UNFILLED:
            officers.close_if_settled(session, ctx, need.request)
    return len(needs)


def close_idle(session: Session, ctx: FlowContext) -> int:
    """Close open requests with no activity for ``idle_close``."""
    cutoff = ctx.now - ctx.settings.idle_close
    query = (
        select(Request)
        .where(Request.status == RequestStatus.OPEN, Request.last_activity_at <= cutoff)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    idle = list(session.scalars(query))
    for request in idle:
        if request.drill:
            drills.finish(session, ctx, request)
        else:
            officers.close(session, ctx, request, by="idle")
    return len(idle)


def expire_notes(session: Session, now: datetime) -> int:
    """Wipe officers' words held past their expiry."""
    query = select(Request).where(Request.note_expires_at <= now).with_for_update(skip_locked=True)
    expired = list(session.scalars(query))
    for request in expired:
        officers.wipe_note(request)
    return len(expired)


def purge(session: Session, now: datetime) -> None:
    """Delete closed requests' working rows and finished outbox rows after KEEP_CLOSED.

    Also forgets call-log reference codes older than ``calllog.CODE_KEPT``, and the copy
    kept to undo the last roster file upload after KEEP_RECEIPTS.
    """
    cutoff = now - KEEP_CLOSED
    session.execute(
        delete(Request).where(Request.status == RequestStatus.CLOSED, Request.closed_at <= cutoff)
    )
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.state.in_(FINISHED),
            OutboxMessage.created_at <= cutoff,
        )
    )
    receipts_cutoff = now - KEEP_RECEIPTS
    # The copy kept to undo the last roster file upload holds phone numbers: a week only.
    session.execute(delete(RosterUpload).where(RosterUpload.applied_at <= receipts_cutoff))
    for kept in (deduplication, statuses, redaction):
        kept.purge(session, receipts_cutoff)
    calllog.forget_codes(session, now)
    debriefs.purge(session, now)
    reminders.purge(session, now)
    offers.purge(session, now)
    signups.purge(session, now)
    ratelimits.purge(session, now)


def next_deadlines(session: Session, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(the earliest escalation or hold deadline after ``now``, the earliest follow-up,
    check-in or drill one), for the scheduler's sleep; one statement, as every tick reads it.

    A step already due was either applied by this tick or is locked by another engine's
    tick: counting it would put the next deadline in the past, and the engine would sleep
    a whole interval instead of waking for the next step actually ahead.
    """
    row = session.execute(_NEXT_DEADLINES, {"now": now}).one()
    return earliest(row.escalation, row.held), earliest(row.follow_up, row.checkin, row.drill)


_NEXT_DEADLINES = select(
    select(func.min(Need.next_action_at))
    .where(
        Need.state == NeedState.PAGING,
        Need.held_until.is_(None),
        Need.next_action_at > bindparam("now"),
    )
    .scalar_subquery()
    .label("escalation"),
    select(func.min(Need.held_until))
    .where(
        Need.state == NeedState.PAGING,
        Need.held_until.is_not(None),
        Need.held_until > bindparam("now"),
    )
    .scalar_subquery()
    .label("held"),
    select(func.min(Page.follow_up_at))
    .where(Page.follow_up_at.is_not(None))
    .scalar_subquery()
    .label("follow_up"),
    select(func.min(CheckIn.due_at))
    .where(CheckIn.state.in_(checkins.WATCHED))
    .scalar_subquery()
    .label("checkin"),
    select(func.min(Drill.due_at))
    .where(Drill.state == DrillState.SCHEDULED)
    .scalar_subquery()
    .label("drill"),
)


def earliest(*instants: datetime | None) -> datetime | None:
    """The earliest of ``instants`` that are set, or None."""
    found = [instant for instant in instants if instant is not None]
    return min(found) if found else None
