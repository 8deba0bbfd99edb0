"""A roster member's answers: accept, decline, done, relay, away/back, opt out/in.

Acceptance is exactly-once: one conditional UPDATE decides the winner, even with several
accepts in the same millisecond on several workers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session, contains_eager

from dispatcher.flows import (
    checkins,
    debriefs,
    drills,
    gaps,
    measures,
    notify,
    officers,
    paging,
    pledges,
    texts,
)
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.models import Need, OutboxMessage, Page, Request
from dispatcher.flows.vocabulary import (
    ANSWERABLE,
    WANTED,
    NeedKind,
    NeedState,
    OutboxState,
    PageState,
    RequestStatus,
)
from dispatcher.rosters import needstore
from dispatcher.rosters.models import Officer, Person, Roster, Rotation, RotationParticipant

log = logging.getLogger("dispatcher.responses")
UNTIL_FURTHER_NOTICE = timedelta(days=3650)
RECENT = timedelta(hours=2)  # a reply without a code may be about a page this recent


@dataclass(frozen=True)
class Won:
    """This accept won: ``details`` is what the accepter is sent (texted unless they
    texted STOP; a call may speak it instead), None for a drill (a thank-you is texted)."""

    details: texts.Accepted | None


def paged_codes(session: Session, person: Person) -> list[str]:
    """Codes of the requests (open, or closed and not yet purged) this person was ever
    paged for, whatever they answered.

    Words naming one of these are never relayed to another request's officer.
    """
    query = (
        select(Request.code)
        .join(Need, Need.request_id == Request.id)
        .join(Page, Page.need_id == Need.id)
        .where(Page.person_id == person.id)
        .distinct()
    )
    return sorted(session.scalars(query))


def pending_pages(session: Session, person: Person, code: str | None) -> list[Page]:
    """The person's unanswered pages whose need is still wanted (optionally for one code).

    A need that went unfilled is still wanted while its request is open: a late accept
    is taken.
    """
    if code:
        found = session.scalars(PENDING_PAGES_OF_CODE, {"person": person.id, "code": code.upper()})
    else:
        found = session.scalars(PENDING_PAGES, {"person": person.id})
    pages = {p.need_id: p for p in found}  # latest page per need
    return list(pages.values())


# Built once, values bound at execution (most members' texts ask): building and keying
# the statement cost more CPU than running it.
PENDING_PAGES = (
    select(Page)
    .join(Need, Page.need_id == Need.id)
    .join(Request, Need.request_id == Request.id)
    .where(
        Page.person_id == bindparam("person"),
        Page.state.in_(ANSWERABLE),
        Need.state.in_(WANTED),
        Request.status == RequestStatus.OPEN,
    )
    .options(contains_eager(Page.need).contains_eager(Need.request))
    .order_by(Page.id)
)
PENDING_PAGES_OF_CODE = PENDING_PAGES.where(Request.code == bindparam("code"))


def choose_page(
    session: Session, ctx: FlowContext, person: Person, code: str | None
) -> Page | Reply:
    """The one page an answer is about, or the reply that explains why there is none."""
    pages = pending_pages(session, person, code)
    if len(pages) == 1:
        return pages[0]
    if len(pages) > 1:
        return Reply(texts.CodesNeeded(codes=tuple(sorted({p.need.request.code for p in pages}))))
    return superseded(session, ctx, person, code)


def accept(
    session: Session,
    ctx: FlowContext,
    person: Person,
    code: str | None,
    nights: int | None = None,
) -> Reply | None:
    """First accept wins; the accepter, the officer and the other paged people are told.

    ``nights``: how many nights a room is given for (``1 K7Q4 2``; one when None).
    """
    chosen = choose_page(session, ctx, person, code)
    if isinstance(chosen, Reply):
        return chosen
    answer = accept_page(session, ctx, person, chosen, nights)
    return None if isinstance(answer, Won) else answer


def accept_page(
    session: Session, ctx: FlowContext, person: Person, chosen: Page, nights: int | None = None
) -> Won | Reply:
    """Accept the need of ``chosen`` (by text or by a key press on a call): one conditional
    UPDATE decides the winner; ``Won`` when this person won, else the reply that explains."""
    need = chosen.need
    request = need.request  # held: the UPDATE below reloads the need, not its request
    late = need.state == NeedState.UNFILLED
    won = session.execute(
        update(Need)
        .where(Need.id == need.id, Need.state.in_(WANTED))
        .values(
            state=NeedState.ACCEPTED,
            accepted_by_id=person.id,
            accepted_at=ctx.now,
            next_action_at=None,
        )
        .returning(Need)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).first()
    if won is None:
        session.refresh(need)
        return what_happened(session, ctx, person, need)
    chosen.state = PageState.ACCEPTED
    chosen.answered_at = ctx.now
    if request.drill:
        drills.accepted(session, ctx, need, person)
        log.info(
            "need.accepted request=%s need=%s member=%s drill=1", request.code, need.id, person.id
        )
        return Won(None)
    if not late:  # an unfilled need's silent pages were counted when it went unfilled
        pledges.settled(session, ctx, list(need.pages), taken_by=person.id)
    # The check-in instructions go first, so that the details are the last text on the phone.
    checkins.start(session, ctx, need, person)
    details = _announce_acceptance(session, ctx, need, person)
    pledges.accepted(session, ctx, need, person, nights)
    measures.need_accepted(need, ctx.now)
    if late:
        late_accept = texts.CoordinatorLateAccept(
            code=request.code, need=need.kind, name=person.name
        )
        notify.to_coordinators(session, ctx, late_accept)
    log.info("need.accepted request=%s need=%s member=%s", request.code, need.id, person.id)
    return Won(details)


def _announce_acceptance(
    session: Session, ctx: FlowContext, need: Need, person: Person
) -> texts.Accepted:
    """Tell the accepter (with the officer's words for the advocate), the officer, the rest.

    Returns the accepter's details, which are not texted to a person who texted STOP.
    """
    request = need.request
    request.last_activity_at = ctx.now
    # Held while the officer is also texted below, so their row is read once.
    officer = session.get(Officer, request.officer_id) if request.officer_id else None
    officer_name = officer.name if officer else "the officer"
    spec = needstore.current(session).get(need.kind)
    hears = spec.hears_words if spec else need.kind == NeedKind.ADVOCATE
    notes = officers.read_note(ctx, request) if hears else []
    accepted = texts.Accepted(
        code=request.code,
        need=need.kind,
        agency=notify.agency_name(session, request),
        officer_name=officer_name,
        notes=tuple(notes),
        tags=tuple(request.tags) if spec and "tags" in spec.learns else (),
    )
    notify.to_person(session, ctx, person, accepted)
    if need.kind == NeedKind.ADVOCATE:
        officers.wipe_note(request)
    role = spec.role if spec else need.kind
    first_name = notify.first_name(person)
    notify.to_officer(
        session,
        ctx,
        request,
        texts.OfficerAccepted(code=request.code, first_name=first_name, role=role),
    )
    told = {person.id}
    covered = texts.Covered(code=request.code, first_name=first_name)
    for page in need.pages:
        if page.state in ANSWERABLE and page.person_id not in told:
            page.state = PageState.COVERED
            told.add(page.person_id)
            other = session.get_one(Person, page.person_id)
            notify.to_person(session, ctx, other, covered, page_id=page.id)
    return accepted


def decline(session: Session, ctx: FlowContext, person: Person, code: str | None) -> Reply:
    """A decline moves the need to its next target at once when nobody else is waiting."""
    chosen = choose_page(session, ctx, person, code)
    if isinstance(chosen, Reply):
        return chosen
    return decline_page(session, ctx, person, chosen)


def decline_page(session: Session, ctx: FlowContext, person: Person, chosen: Page) -> Reply:
    """Pass on ``chosen`` (an answerable page of ``person``)."""
    paging.page_answered(session, ctx, chosen, PageState.DECLINED)
    pledges.declined(session, ctx, person)
    log.info("page.declined request=%s member=%s", chosen.need.request.code, person.id)
    return Reply(texts.Declined(code=chosen.need.request.code))


def done(session: Session, ctx: FlowContext, person: Person, code: str | None) -> Reply | None:
    """The accepter is finished: their need is done; the request closes when all are."""
    needs = accepted_needs(session, person, code)
    if len(needs) > 1:
        return Reply(texts.CodesNeeded(codes=tuple(sorted({n.request.code for n in needs}))))
    if not needs:
        return Reply(texts.NothingOpen())
    need = needs[0]
    need.state = NeedState.DONE
    need.ended_at = ctx.now
    checkins.end(need.checkin, ctx)
    debriefs.ask(session, ctx, need, person)
    officers.close_if_settled(session, ctx, need.request)
    return Reply(texts.PersonClosed(code=need.request.code))


def accepted_needs(session: Session, person: Person, code: str | None = None) -> list[Need]:
    """Needs this person accepted on requests that are still open."""
    if code:
        return list(
            session.scalars(ACCEPTED_NEEDS_OF_CODE, {"person": person.id, "code": code.upper()})
        )
    return list(session.scalars(ACCEPTED_NEEDS, {"person": person.id}))


# Built once, as PENDING_PAGES.
ACCEPTED_NEEDS = (
    select(Need)
    .join(Request, Need.request_id == Request.id)
    .where(
        Need.accepted_by_id == bindparam("person"),
        Need.state == NeedState.ACCEPTED,
        Request.status == RequestStatus.OPEN,
    )
    .options(contains_eager(Need.request))
    .order_by(Need.id)
)
ACCEPTED_NEEDS_OF_CODE = ACCEPTED_NEEDS.where(Request.code == bindparam("code"))


def relay_to_officer(
    session: Session, ctx: FlowContext, person: Person, code: str, text: str
) -> Reply | None:
    """Pass an accepter's words to the officer of request ``code``, which they are on.

    The caller decides that the words are meant for that request (``sms.routing``); here
    they go nowhere unless the person accepted a need of it that is still open.
    """
    needs = accepted_needs(session, person, code)
    if not needs:
        return Reply(texts.HelpPerson())
    request = needs[0].request
    request.last_activity_at = ctx.now
    relay = texts.RelayToOfficer(code=request.code, first_name=notify.first_name(person), text=text)
    notify.to_officer(session, ctx, request, relay)
    return None


def set_away(
    person: Person, now: datetime, duration: timedelta | None, zone: str | None = None
) -> Reply:
    """AWAY [duration]: skip this person until then (or until BACK).

    The reply shows the end in ``zone`` (an IANA name: the person's own time zone).
    """
    person.away_until = now + (duration or UNTIL_FURTHER_NOTICE)
    shown = person.away_until.isoformat(timespec="minutes") if duration else None
    return Reply(texts.AwayAck(until=shown, zone=zone))


def person_zone(session: Session, ctx: FlowContext, person: Person) -> str:
    """The person's time zone: that of the first roster they rotate on, else the service's."""
    query = (
        select(Roster.timezone)
        .join(Rotation, Rotation.roster_id == Roster.id)
        .join(RotationParticipant, RotationParticipant.rotation_id == Rotation.id)
        .where(RotationParticipant.person_id == person.id)
        .order_by(Roster.id)
    )
    return session.scalars(query).first() or ctx.settings.timezone


def set_back(person: Person) -> Reply:
    """BACK: page this person again."""
    person.away_until = None
    return Reply(texts.BackAck())


def opt_out(session: Session, ctx: FlowContext, person: Person, cause: str) -> None:
    """STOP (or error 21610): no more texts to this person; the coordinators are told."""
    if person.opted_out:
        return
    person.opted_out, person.opted_out_cause, person.opted_out_at = True, cause, ctx.now
    for page in session.scalars(
        select(Page).where(Page.person_id == person.id, Page.state == PageState.OPEN)
    ):
        paging.page_answered(session, ctx, page, PageState.FAILED)
    notify.to_coordinators(session, ctx, texts.CoordinatorOptedOut(name=person.name, cause=cause))
    log.warning("person.opted_out member=%s cause=%s", person.id, cause)
    gaps.report_after_leaving(session, ctx, person, "stopped")


def opt_in(session: Session, ctx: FlowContext, person: Person) -> None:
    """START: the person receives texts again; the coordinators are told."""
    if not person.opted_out:
        return
    person.opted_out, person.opted_out_cause, person.opted_out_at = False, None, None
    notify.to_coordinators(session, ctx, texts.CoordinatorOptedIn(name=person.name))
    log.info("person.opted_in member=%s", person.id)


def superseded(session: Session, ctx: FlowContext, person: Person, code: str | None) -> Reply:
    """Why nothing waits on this person: their latest page (for ``code``, or recent) and
    what became of it; "nothing open" when there is none.
    """
    query = (
        select(Page)
        .join(Need, Page.need_id == Need.id)
        .join(Request, Need.request_id == Request.id)
        .where(Page.person_id == person.id)
        .order_by(Page.id.desc())
    )
    if code:
        query = query.where(Request.code == code.upper())
    else:
        query = query.where(Page.paged_at >= ctx.now - RECENT)
    page = session.scalars(query).first()
    if page is None:
        return Reply(texts.NothingOpen())
    return what_happened(session, ctx, person, page.need)


def what_happened(session: Session, ctx: FlowContext, person: Person, need: Need) -> Reply:
    """The reply to an answer that came too late for ``need``: who covered it, or that it
    was dropped or closed. A "covered" notice not yet sent to this person is withdrawn,
    so that they are told once.
    """
    code = need.request.code
    if need.accepted_by_id == person.id:
        return Reply(texts.AlreadyYours(code=code))
    if need.accepted_by_id is not None:
        _withdraw_notice(session, person, need)
        accepter = session.get(Person, need.accepted_by_id)
        name = notify.first_name(accepter) if accepter else "someone else"
        return Reply(texts.AlreadyCovered(code=code, first_name=name))
    if need.request.status != RequestStatus.OPEN or need.state == NeedState.DONE:
        return Reply(texts.PageClosed(code=code))
    if need.state == NeedState.CANCELLED:
        return Reply(texts.NeedDropped(code=code, need=need.kind))
    return Reply(texts.NothingOpen())


def _withdraw_notice(session: Session, person: Person, need: Need) -> None:
    """Delete this person's "covered" notices for ``need`` that have not left yet."""
    pages = [page.id for page in need.pages if page.person_id == person.id]
    session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.page_id.in_(pages),
            OutboxMessage.template == texts.Covered.template,
            OutboxMessage.state == OutboxState.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
