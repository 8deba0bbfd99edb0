"""Working state of requests (the requests, their needs and pages), the outbox and the call log.

Nothing here holds an officer's words in clear: the note and every outbox body are sealed
(``dispatcher.crypto``). Requests and their pages are purged some time after close; the
call log keeps only what DESIGN.md allows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatcher.db import Base, UTCDateTime
from dispatcher.flows.vocabulary import NEED_KINDS as NEED_KINDS
from dispatcher.flows.vocabulary import OUTCOMES as OUTCOMES
from dispatcher.flows.vocabulary import (
    CheckInState,
    DrillState,
    NeedState,
    OutboxState,
    PageState,
    RequestStatus,
)


class Request(Base):
    """One request from an officer, identified to people only by its reference code."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), default=None
    )
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officers.id", ondelete="SET NULL"), default=None
    )
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.OPEN)
    outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # juvenile, lang:es, ...
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    note: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)  # sealed
    note_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # When the officer was last told "still paging" (at most one such text per 10 minutes).
    progress_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Service keys the accepters' debriefs named so far (copied to the call log at close).
    services: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # A drill's request (``flows.drills``): no officer, no call log, no check-in or debrief.
    drill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    needs: Mapped[list[Need]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Need.id"
    )

    __table_args__ = (Index("ix_requests_open", "status", "last_activity_at"),)


class Need(Base):
    """One thing the officer needs (an advocate, a room, a ride), paged from one roster.

    ``policy`` is a snapshot of the roster's escalation policy taken when paging starts, so
    editing the roster does not disturb a request in progress. ``next_action_at`` is the
    deadline the engine claims; NULL means nothing is due.
    """

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    roster_id: Mapped[int | None] = mapped_column(
        ForeignKey("rosters.id", ondelete="SET NULL"), default=None
    )
    state: Mapped[str] = mapped_column(String(10), default=NeedState.PAGING)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    step_index: Mapped[int] = mapped_column(Integer, default=-1)  # -1: nobody paged yet
    round: Mapped[int] = mapped_column(Integer, default=0)
    depth: Mapped[int] = mapped_column(Integer, default=0)  # deepest step reached, 1-based
    next_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    first_paged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # What a partner must offer to be paged for it (``RIDE carseat``: rosters.PARTNER_FEATURES).
    requires: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    request: Mapped[Request] = relationship(back_populates="needs")
    pages: Mapped[list[Page]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="Page.id"
    )
    checkin: Mapped[CheckIn | None] = relationship(
        back_populates="need", cascade="all, delete-orphan"
    )

    # While an officer's call rings advocates one by one, the engine leaves the need alone
    # until then (the call's routing moves it); None when no call holds it.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (Index("ix_needs_due", "state", "next_action_at"),)


class CheckIn(Base):
    """The safety check-in of whoever accepted an in-person need (``flows.checkins``).

    ``due_at`` is the deadline the engine claims (NULL: nothing due). Only times and counts
    are kept: never where the person is or what they wrote. Purged with its request.
    """

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    interval_seconds: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default=CheckInState.STARTED)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)  # accept, or the latest OK
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    count: Mapped[int] = mapped_column(Integer, default=0)  # OKs (and duress words) received
    missed: Mapped[int] = mapped_column(Integer, default=0)  # coordinators told of a silence
    alarms: Mapped[int] = mapped_column(Integer, default=0)  # duress words

    need: Mapped[Need] = relationship(back_populates="checkin")

    __table_args__ = (Index("ix_checkins_due", "state", "due_at"),)


class Drill(Base):
    """A readiness drill of one roster (``flows.drills``): due, run by the engine, measured.

    ``due_at`` is the deadline the engine claims while ``scheduled`` (a random instant in
    the coordinator's window, drawn once when the drill was planned), so a restart neither
    loses a drill nor runs it twice. ``steps`` is the result: one entry per page, as
    ``{"step", "round", "member_id", "paged_after", "answer", "answered_after"}`` with
    seconds from the start; nothing about any request or victim.
    """

    __tablename__ = "drills"
    __table_args__ = (Index("ix_drills_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default=DrillState.SCHEDULED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)  # due_at itself when "now"
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), default=None
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    seconds_to_accept: Mapped[int | None] = mapped_column(Integer, default=None)
    depth: Mapped[int] = mapped_column(Integer, default=0)  # the step that was reached
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Page(Base):
    """One person asked to cover one need, and what became of it."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    step_index: Mapped[int] = mapped_column(Integer)
    round: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(10), default=PageState.OPEN)  # see PageState
    paged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # When a page still open goes out again by the person's next channel (voice_after).
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    need: Mapped[Need] = relationship(back_populates="pages")

    __table_args__ = (Index("ix_pages_person_state", "person_id", "state"),)


class OutboxMessage(Base):
    """An SMS to send, written in the same transaction as the decision that caused it.

    ``body`` holds the message's parameters, sealed; the text is rendered only when sent,
    and the body is blanked (set to NULL) once the provider has every part of the message.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_number: Mapped[str] = mapped_column(String(20))  # a listed person or officer, E.164
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    page_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages.id", ondelete="SET NULL"), default=None
    )
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officers.id", ondelete="SET NULL"), default=None
    )
    template: Mapped[str] = mapped_column(String(32))  # which message (see sms.messages)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # "sms" (a text) or "voice" (a call that speaks the rendered text; see rosters.channels.Channel)
    channel: Mapped[str] = mapped_column(String(8), default="sms", server_default="sms")
    body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)  # sealed parameters
    state: Mapped[str] = mapped_column(String(12), default=OutboxState.PENDING)  # OutboxState
    # why a message failed or was dropped: a ``vocabulary.Failure``
    failure: Mapped[str | None] = mapped_column(String(32), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # parts of a long message the provider already accepted (a retry resumes after them)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    provider_status: Mapped[str | None] = mapped_column(String(16), default=None)
    error_code: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)


class Debrief(Base):
    """A debrief asked after an accepter's DONE and not yet answered (``flows.debriefs``).

    Holds who was asked about which code and when; deleted when answered or after a day.
    """

    __tablename__ = "debriefs"
    __table_args__ = (UniqueConstraint("person_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class InboundMessage(Base):
    """A seen MessageSid (or CallSid), to drop Twilio's repeated deliveries. No body."""

    __tablename__ = "inbound_messages"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ProviderCopy(Base):
    """A message the provider still holds (inbound, outbound or a TwiML reply), to delete.

    Only the sid is kept; the engine deletes the provider's copy once the message is final.
    """

    __tablename__ = "provider_copies"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    ready_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # the outbox row this copy was sent for, when its status callback named one
    outbox_id: Mapped[int | None] = mapped_column(Integer, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class StatusEvent(Base):
    """A seen (MessageSid, MessageStatus) pair, to drop repeated status callbacks."""

    __tablename__ = "status_events"
    __table_args__ = (UniqueConstraint("message_sid", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AnonymousCount(Base):
    """Counts of events that must leave no other trace (texts from unknown numbers)."""

    __tablename__ = "anonymous_counts"
    __table_args__ = (UniqueConstraint("day", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(Integer, default=0)


class CallLogEntry(Base):
    """What is kept of a request after it closes; nothing else about the call survives.

    ``needs`` is a list of ``{"kind", "outcome", "depth", "member_id", "time_to_accept"}``;
    ``advocate``, ``room`` and ``ride`` repeat each need's outcome (None when not asked) so
    statistics can be counted in SQL; ``more_needs`` does so for configured needs. The
    opening time is rounded down to the hour (UTC); durations are kept only as buckets
    (``buckets.DURATION_BUCKETS``), never in seconds.
    ``code`` is forgotten (None) once ``calllog.CODE_KEPT`` has passed.
    """

    __tablename__ = "call_log"
    # Covers every count of the statistics (``flows.tallies``): no table row is read.
    __table_args__ = (
        Index(
            "ix_call_log_counts",
            "opened_hour",
            "advocate",
            "room",
            "ride",
            "time_to_accept",
            "accepted_member_id",
            "more_needs",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(8), unique=True, default=None)
    opened_hour: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    time_to_first_page: Mapped[str | None] = mapped_column(String(8), default=None)
    time_to_accept: Mapped[str | None] = mapped_column(String(8), default=None)
    time_open: Mapped[str] = mapped_column(String(8))
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), default=None
    )
    channel: Mapped[str] = mapped_column(String(10))
    needs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    advocate: Mapped[str | None] = mapped_column(String(12), default=None)
    room: Mapped[str | None] = mapped_column(String(12), default=None)
    ride: Mapped[str | None] = mapped_column(String(12), default=None)
    # The outcomes of configured needs beyond those three, as ``calllog.more_needs_text``
    # writes them ("sane:accepted legal:unfilled"), so they are counted in SQL too.
    more_needs: Mapped[str | None] = mapped_column(String(240), default=None)
    tags: Mapped[list[str]] = mapped_column(JSON)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    accepted_member_id: Mapped[int | None] = mapped_column(Integer, default=None)
    outcome: Mapped[str] = mapped_column(String(20))
    # Safety check-ins of the request's in-person needs: OKs received, and how many times
    # the coordinators were alerted (a missed check-in or a duress word, not told apart).
    checkins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    checkin_alerts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Services the accepters said they provided (``care.services`` keys), nothing else.
    services: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # How many needs paged another region's roster (mutual aid); who was paged is not kept.
    mutual_aid: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Alert(Base):
    """A kind of operational trouble, counted; the coordinators are texted about it at most
    once an hour (``dispatcher.flows.alerts``). Never holds content."""

    __tablename__ = "alerts"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    unreported: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class EngineLease(Base):
    """Who runs the engine (single engine on SQLite) and when it last ticked (readiness)."""

    __tablename__ = "engine_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_tick_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class GapReport(Base):
    """The day (in the coalition's zone) whose morning gap report was sent: one a day."""

    __tablename__ = "gap_reports"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShiftReminder(Base):
    """A text due to a person about one of their shifts on one roster (``flows.reminders``).

    ``kind`` is ``before`` (``due_at`` = the shift's start less the person's lead time) or
    ``handoff`` (``due_at`` = the start). The unique key (person, roster, kind, start) makes
    planning idempotent, so no reminder is ever sent twice; ``state`` goes pending -> sent
    or skipped (opted out, away, no longer on call, too late), with ``reason`` saying why.
    """

    __tablename__ = "shift_reminders"
    __table_args__ = (
        UniqueConstraint("person_id", "roster_id", "kind", "shift_start"),
        Index("ix_shift_reminders_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    shift_start: Mapped[datetime] = mapped_column(UTCDateTime)
    shift_end: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[str | None] = mapped_column(String(20), default=None)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class ShiftOffer(Base):
    """A person's shift on a roster offered to others by text (``flows.offers``).

    COVER offers it to the roster's other members (``to_person_id`` None), SWAP to one
    person. ``code`` answers it (``1 S4K7``); the first taker wins by one conditional UPDATE
    and becomes a replace override. ``expires_at`` is the deadline the engine claims: an
    offer still open then is ``expired`` and the coordinators are told. States: open ->
    taken | declined (SWAP) | expired | closed (no longer the offerer's shift: nobody told).
    """

    __tablename__ = "shift_offers"
    __table_args__ = (Index("ix_shift_offers_open", "state", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    from_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    to_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), default=None
    )
    taker_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    shift_start: Mapped[datetime] = mapped_column(UTCDateTime)
    shift_end: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Signup(Base):
    """A month of open slots on a roster, published by a coordinator (``flows.openshifts``).

    Members claim slots until ``deadline`` (by their signed link, or ``SHIFTS`` and
    ``TAKE n``). ``reminded_at`` and ``closed_at`` are claimed by conditional UPDATEs, so
    the reminder before the deadline and the coordinators' report at it go out once.
    States: open -> closed (at the deadline, or by a coordinator).
    """

    __tablename__ = "signups"
    __table_args__ = (Index("ix_signups_open", "state", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    slots: Mapped[list[OpenSlot]] = relationship(
        back_populates="signup",
        cascade="all, delete-orphan",
        order_by="OpenSlot.number",
    )


class OpenSlot(Base):
    """One open shift of a sign-up, [start, end). ``number`` is what ``TAKE n`` names:
    unique among the slots of every open sign-up. The first claim sets ``taker_id`` by a
    conditional UPDATE and adds the taker as an override for the slot."""

    __tablename__ = "open_slots"
    __table_args__ = (UniqueConstraint("signup_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    taker_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None, index=True
    )
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    signup: Mapped[Signup] = relationship(back_populates="slots")
