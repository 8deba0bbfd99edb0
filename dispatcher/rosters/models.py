"""Roster data: people, rosters, rotations, windows, overrides, escalation, agencies.

Local wall times of rotations and windows are stored as written (naive, in the roster's
zone) because they are rules, not instants; overrides and away-until are instants (UTC).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import DateTime as NaiveDateTime
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatcher.db import Base, UTCDateTime
from dispatcher.rosters.targets import STEP_TARGETS as STEP_TARGETS

ROSTER_KINDS = ("advocate", "hotel", "ride")
ROTATION_TYPES = ("hourly", "daily", "weekly", "monthly")
OVERRIDE_ACTIONS = ("add", "remove", "replace")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Safety check-ins of in-person needs, unless a roster says otherwise: every 45 minutes.
DEFAULT_CHECKIN_SECONDS = 2700


class Person(Base):
    """Someone who can be paged: an advocate, a hotel or ride partner, a coordinator."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # spoken, for matching
    # The language of the texts they get (one of dispatcher.languages.LANGUAGES).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    away_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_cause: Mapped[str | None] = mapped_column(String(40), default=None)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The duress word, hashed (``crypto.duress``); never stored or shown in clear.
    duress_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    # Hours before each shift to text a reminder (1-24); 0: no reminders.
    remind_hours: Mapped[int] = mapped_column(Integer, default=2, server_default="2")

    trainings: Mapped[list[Training]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Training.name"
    )
    # How a page reaches them, in order: "sms", "voice", "sms,voice" or "voice,sms"
    # (see dispatcher.rosters.channels).
    channels: Mapped[str] = mapped_column(String(16), default="sms", server_default="sms")

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name!r}>"


class NeedKindRow(Base):
    """A configured kind of need (``rosters.needkinds.NeedSpec`` as stored).

    ``labels``: ``{language: label}``; ``words``: ``{language: [intake words]}``;
    ``learns``: what its accepter learns (``needkinds.LEARNS``); ``position``: the order
    requests list needs in.
    """

    __tablename__ = "need_kinds"

    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    roster_kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(40))
    labels: Mapped[dict[str, str]] = mapped_column(JSON)
    words: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    learns: Mapped[list[str]] = mapped_column(JSON)
    in_person: Mapped[bool] = mapped_column(Boolean, default=False)


class Region(Base):
    """A jurisdiction (a county, ...): agencies belong to one, rosters serve some."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    agencies: Mapped[list[Agency]] = relationship(back_populates="region", order_by="Agency.name")
    rosters: Mapped[list[Roster]] = relationship(
        secondary="roster_regions", back_populates="regions", order_by="Roster.name"
    )


# Which regions a roster serves; a roster with none serves every region.
roster_regions = Table(
    "roster_regions",
    Base.metadata,
    Column("roster_id", ForeignKey("rosters.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
)


class Roster(Base):
    """A pool of people of one kind with rotations and an escalation policy.

    ``regions`` are the regions it serves; none means it serves every region.
    """

    __tablename__ = "rosters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    escalation_repeat: Mapped[int] = mapped_column(Integer, default=0)
    # Safety check-ins for in-person needs: every this many seconds; 0 turns them off.
    checkin_seconds: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_CHECKIN_SECONDS, server_default=str(DEFAULT_CHECKIN_SECONDS)
    )
    # Text each person "you are on call now" when their shift starts.
    handoff_notice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # A training every person paged from this roster must hold (current), and one more
    # for requests tagged juvenile; None requires none.
    requires_training: Mapped[str | None] = mapped_column(String(80), default=None)
    juvenile_training: Mapped[str | None] = mapped_column(String(80), default=None)
    # A page still open this long after its text goes out is followed by a call, for people
    # whose channels list voice after sms (None: never).
    voice_after_seconds: Mapped[int | None] = mapped_column(Integer, default=None)

    rotations: Mapped[list[Rotation]] = relationship(
        back_populates="roster", cascade="all, delete-orphan", order_by="Rotation.position"
    )
    overrides: Mapped[list[Override]] = relationship(
        back_populates="roster", cascade="all, delete-orphan", order_by="Override.starts_at"
    )
    steps: Mapped[list[EscalationStep]] = relationship(
        back_populates="roster", cascade="all, delete-orphan", order_by="EscalationStep.position"
    )
    regions: Mapped[list[Region]] = relationship(
        secondary="roster_regions", back_populates="rosters", order_by="Region.name"
    )

    def serves(self, region_id: int | None) -> bool:
        """True if the roster serves ``region_id`` (every roster serves no region)."""
        return region_id is None or not self.regions or region_id in {r.id for r in self.regions}


class Rotation(Base):
    """Participants taking turns on a fixed grid of handoffs from ``start`` (local wall time).

    ``on_now_*`` records a coordinator's "this person is on now": from that instant the
    order continues from that participant, on the same handoff grid.
    """

    __tablename__ = "rotations"
    __table_args__ = (UniqueConstraint("roster_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str] = mapped_column(String(10))
    length: Mapped[int] = mapped_column(Integer, default=1)
    start: Mapped[datetime] = mapped_column(NaiveDateTime)  # local wall time, roster zone
    on_now_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    on_now_index: Mapped[int | None] = mapped_column(Integer, default=None)

    roster: Mapped[Roster] = relationship(back_populates="rotations")
    participants: Mapped[list[RotationParticipant]] = relationship(
        back_populates="rotation",
        cascade="all, delete-orphan",
        order_by="RotationParticipant.position",
    )
    windows: Mapped[list[RotationWindow]] = relationship(
        back_populates="rotation", cascade="all, delete-orphan", order_by="RotationWindow.id"
    )


class RotationParticipant(Base):
    """One place in a rotation's order (a person may hold several places)."""

    __tablename__ = "rotation_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    rotation_id: Mapped[int] = mapped_column(ForeignKey("rotations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))

    rotation: Mapped[Rotation] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()


class RotationWindow(Base):
    """When a rotation is on duty: the days a window opens on, from/to local times.

    ``to`` earlier than or equal to ``from`` means the window runs past midnight into the
    next day (``20:00``-``08:00``).
    """

    __tablename__ = "rotation_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    rotation_id: Mapped[int] = mapped_column(ForeignKey("rotations.id", ondelete="CASCADE"))
    days: Mapped[list[str]] = mapped_column(JSON)  # subset of WEEKDAYS, in week order
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)

    rotation: Mapped[Rotation] = relationship(back_populates="windows")


class Override(Base):
    """Add, remove or replace a person on a roster for [starts_at, ends_at)."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), default=None
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    roster: Mapped[Roster] = relationship(back_populates="overrides")
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    replaces: Mapped[Person | None] = relationship(foreign_keys=[replaces_id])


class EscalationStep(Base):
    """One step of a roster's escalation policy: whom to page, then how long to wait.

    ``person_id`` is set for a ``person`` step, ``region_id`` for a ``mutual-aid`` step.
    """

    __tablename__ = "escalation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    notify: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), default=None
    )
    wait_seconds: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"), default=None
    )

    roster: Mapped[Roster] = relationship(back_populates="steps")
    person: Mapped[Person | None] = relationship()
    region: Mapped[Region | None] = relationship()


class Agency(Base):
    """A requesting agency (police department, ...) whose officers may text the hotline."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="police")
    enrollment_code: Mapped[str] = mapped_column(String(40), unique=True)
    # open: JOIN enrolls at once; approve: a coordinator approves each JOIN first.
    enrollment: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="SET NULL"), default=None
    )

    region: Mapped[Region | None] = relationship(back_populates="agencies")
    officers: Mapped[list[Officer]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="Officer.name"
    )


class Officer(Base):
    """A person allowed to open requests; listed by a coordinator or enrolled by SMS."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164
    enrolled_by: Mapped[str] = mapped_column(String(10), default="file")  # file|sms|admin
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Enrolled by JOIN with an agency that approves enrollments, and not approved yet.
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The language of the texts they get; None until set, or until they write in Spanish.
    language: Mapped[str | None] = mapped_column(String(8), default=None)

    agency: Mapped[Agency] = relationship(back_populates="officers")

    @property
    def active(self) -> bool:
        """True until a coordinator revokes the officer, once approved."""
        return self.revoked_at is None and not self.pending


# What a partner's resource may offer, and a need may require (``RIDE carseat``).
PARTNER_FEATURES = ("carseat", "wheelchair")

# Which people answer a partner's pages; a person answers for one partner at most.
partner_contacts = Table(
    "partner_contacts",
    Base.metadata,
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, unique=True),
)


class Partner(Base):
    """An organisation that gives a resource (a hotel's rooms, a company's rides).

    ``need`` is the need kind it serves (room, ride, ...); ``pledge`` how many units
    (room-nights, rides) it gives a month, 0 for no set limit; ``unit_value`` what one unit
    is worth in whole dollars, for the in-kind report. ``address`` goes only to the
    accepting advocate and the officer of a request it takes; never logged.
    """

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    need: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    pledge: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unit_value: Mapped[int | None] = mapped_column(Integer, default=None)
    features: Mapped[list[str]] = mapped_column(JSON, default=list)

    contacts: Mapped[list[Person]] = relationship(
        secondary="partner_contacts", order_by="Person.name"
    )


class PartnerMonth(Base):
    """One partner's ledger for one month (``month``: its first day, in the service's zone).

    Counts only, nothing per request: ``used`` units (nights, rides), ``accepted`` pages
    taken (guests, rides), ``declined`` and ``unanswered`` pages; ``pledged`` is the pledge
    for the month; ``alerted`` the share (80, 100) the coordinators were last told of.
    """

    __tablename__ = "partner_months"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    pledged: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    declined: Mapped[int] = mapped_column(Integer, default=0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0)
    alerted: Mapped[int] = mapped_column(Integer, default=0)


class CalendarFeed(Base):
    """An iCal feed of one person's or one roster's shifts, at an unguessable address.

    ``public_id`` is random and names the feed; the address also carries a MAC of it under
    the service's secret key (``rosters.calendars``), so the stored row alone opens nothing.
    A revoked feed keeps its row (``revoked_at``) and answers 404 from then on.
    """

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (roster_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), default=None, index=True
    )
    roster_id: Mapped[int | None] = mapped_column(
        ForeignKey("rosters.id", ondelete="CASCADE"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    person: Mapped[Person | None] = relationship()
    roster: Mapped[Roster | None] = relationship()


class Training(Base):
    """A training a person completed, current until ``expires`` (a local date; None never).

    Current on day ``d`` when ``completed <= d < expires`` (see ``targets.is_current``).
    """

    __tablename__ = "trainings"
    __table_args__ = (UniqueConstraint("person_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    completed: Mapped[date] = mapped_column(Date)
    expires: Mapped[date | None] = mapped_column(Date, default=None)

    person: Mapped[Person] = relationship(back_populates="trainings")


class TrainingNotice(Base):
    """The "your training expires soon" notice for one training and one expiry date.

    Inserted in the same transaction as the texts it queues; the unique pair makes the
    notice once-only even with two engines, and a renewed training (a new ``expires``)
    gets a notice of its own.
    """

    __tablename__ = "training_notices"
    __table_args__ = (UniqueConstraint("training_id", "expires"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"))
    expires: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShiftRecord(Base):
    """Who was actually on call: ``person_id`` on ``roster_id`` from ``starts_at``.

    Written as on-call changes happen, never recomputed: ``ends_at`` is None while the
    shift is under way. The past is read from these rows, the future from the rotations.
    """

    __tablename__ = "shift_history"
    __table_args__ = (UniqueConstraint("roster_id", "person_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    person: Mapped[Person] = relationship()


class ShiftLedger(Base):
    """How far a roster's shift history is written: from ``since`` up to ``checked_at``.

    ``due_at`` is when the engine looks again (the next handoff, or sooner).
    """

    __tablename__ = "shift_ledgers"

    roster_id: Mapped[int] = mapped_column(
        ForeignKey("rosters.id", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RosterUpload(Base):
    """The last roster file applied, with the data as it was before, so it can be undone.

    ``before`` is the roster file exported just before the upload (emptied once undone);
    ``created`` lists the ``[entity, id]`` pairs the upload created; ``version_after`` is
    the data version right after it (an undo is refused once anything else changed).
    Only the last upload is kept.
    """

    __tablename__ = "roster_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text)
    created: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    version_after: Mapped[int] = mapped_column(Integer)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
