"""Queueing messages to people, officers and coordinators (through the outbox)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows import outbox
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Request
from dispatcher.flows.texts import Text
from dispatcher.rosters.channels import Channel
from dispatcher.rosters.models import Agency, Officer, Person

# What a page says when the request has no agency.
NO_AGENCY = "An officer"


def to_person(
    session: Session,
    ctx: FlowContext,
    person: Person,
    text: Text,
    page_id: int | None = None,
) -> None:
    """Queue a message to a roster member, unless they opted out of texts."""
    if not person.opted_out:
        _queue_for(session, ctx, person, text, page_id, Channel.SMS)


def call_person(
    session: Session,
    ctx: FlowContext,
    person: Person,
    text: Text,
    page_id: int | None = None,
) -> None:
    """Queue a call to a roster member that speaks ``text`` (STOP does not stop calls)."""
    _queue_for(session, ctx, person, text, page_id, Channel.VOICE)


def _queue_for(
    session: Session,
    ctx: FlowContext,
    person: Person,
    text: Text,
    page_id: int | None,
    channel: Channel,
) -> None:
    """Queue ``text`` to a roster member by ``channel``, in their language, and wake the
    engine."""
    outbox.enqueue(
        session,
        ctx.sealer,
        ctx.now,
        person.phone,
        text,
        person_id=person.id,
        page_id=page_id,
        language=person.language,
        channel=channel,
    )
    ctx.kick()


def to_officer(session: Session, ctx: FlowContext, request: Request, text: Text) -> None:
    """Queue a message to the officer who opened ``request``."""
    officer = session.get(Officer, request.officer_id) if request.officer_id else None
    if officer is None or officer.revoked_at is not None:
        return
    to_enrolled(session, ctx, officer, text)


def to_enrolled(session: Session, ctx: FlowContext, officer: Officer, text: Text) -> None:
    """Queue a message to an officer, revoked or pending or not (enrollment notices)."""
    outbox.enqueue(
        session,
        ctx.sealer,
        ctx.now,
        officer.phone,
        text,
        officer_id=officer.id,
        language=officer.language,
    )
    ctx.kick()


def to_coordinators(session: Session, ctx: FlowContext, text: Text) -> int:
    """Queue a message to every active coordinator who can receive texts; return how many."""
    query = select(Person).where(
        Person.coordinator.is_(True), Person.active.is_(True), Person.opted_out.is_(False)
    )
    coordinators = session.scalars(query.order_by(Person.id)).all()
    for person in coordinators:
        to_person(session, ctx, person, text)
    return len(coordinators)


def agency_name(session: Session, request: Request) -> str:
    """The requesting agency's name, as pages show it.

    Read once per unit of work: the pages of one tick name the same few agencies.
    """
    if request.agency_id is None:
        return NO_AGENCY
    names: dict[int, str] = session.info.setdefault("agency_names", {})
    if request.agency_id not in names:
        agency = session.get(Agency, request.agency_id)
        names[request.agency_id] = agency.name if agency else NO_AGENCY
    return names[request.agency_id]


def first_name(person: Person) -> str:
    """What the officer is told: the first word of the person's name."""
    return person.name.split()[0] if person.name.strip() else person.name
