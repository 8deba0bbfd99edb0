"""The officer's side of a request: open, add words, status, close.

The officer's words arrive here only to be sealed into the note or relayed; they are never
stored in clear, logged or put in an exception.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import Session

from dispatcher.crypto import Unreadable
from dispatcher.flows import calllog, checkins, codes, notify, paging, texts
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.intake import Wanted, read_request
from dispatcher.flows.models import CallLogEntry, Need, Request
from dispatcher.flows.vocabulary import (
    SETTLED,
    NeedKind,
    NeedState,
    Outcome,
    PageState,
    RequestStatus,
)
from dispatcher.rosters import needstore
from dispatcher.rosters.models import Officer, Person

log = logging.getLogger("dispatcher.requests")


def open_request_of(session: Session, officer: Officer) -> Request | None:
    """The officer's latest open request, if any."""
    found = open_requests_of(session, officer)
    return found[-1] if found else None


def open_requests_of(session: Session, officer: Officer) -> list[Request]:
    """The officer's open requests, oldest first."""
    return list(session.scalars(OPEN_REQUESTS_OF, {"officer": officer.id}))


# Built once, the officer bound at execution (every officer's text asks).
OPEN_REQUESTS_OF = (
    select(Request)
    .where(Request.officer_id == bindparam("officer"), Request.status == RequestStatus.OPEN)
    .order_by(Request.id)
)


def open_request(
    session: Session, ctx: FlowContext, officer: Officer, text: str, channel: str = "sms"
) -> Reply:
    """Open a request from an officer's first text; page from now on. The reply names its
    code and the needs being paged."""
    request = start_request(session, ctx, officer, text, channel)
    return Reply(texts.OfficerOpened(code=request.code, needs=tuple(n.kind for n in request.needs)))


def start_request(
    session: Session,
    ctx: FlowContext,
    officer: Officer,
    text: str,
    channel: str = "sms",
    wanted: Wanted | None = None,
) -> Request:
    """Open a request from an officer's words (held for whoever accepts); page from now on.

    ``wanted`` gives the needs and tags when they come already structured (the API);
    otherwise they are read from ``text``.
    """
    wanted = wanted or read_request(text, needstore.current(session))
    request = Request(
        code=new_code(session),
        agency_id=officer.agency_id,
        officer_id=officer.id,
        channel=channel,
        status=RequestStatus.OPEN,
        tags=list(wanted.tags),
        opened_at=ctx.now,
        last_activity_at=ctx.now,
        needs=[],  # new: nothing to load
    )
    session.add(request)
    if text.strip():
        hold_words(ctx, request, text)
    paging.add_needs(session, ctx, request, wanted.needs)
    session.flush()
    ctx.kick()
    log.info(
        "request.opened request=%s agency=%s needs=%s",
        request.code,
        request.agency_id,
        ",".join(wanted.needs),
    )
    return request


def officer_wrote(session: Session, ctx: FlowContext, request: Request, text: str) -> Reply | None:
    """Relay the officer's words to the accepted advocate, or hold them until someone accepts.

    Words are held only while an advocate is being paged; otherwise nobody would ever
    receive them, and the officer is told so (nothing is kept).
    """
    request.last_activity_at = ctx.now
    advocate = accepted_advocate(session, request)
    if advocate is not None:
        notify.to_person(session, ctx, advocate, texts.RelayToPerson(code=request.code, text=text))
        return None
    if not any(n.kind == NeedKind.ADVOCATE and n.state == NeedState.PAGING for n in request.needs):
        return Reply(texts.OfficerNotKept(code=request.code))
    hold_words(ctx, request, text)
    return Reply(texts.OfficerHeld(code=request.code))


def hold_words(ctx: FlowContext, request: Request, text: str) -> None:
    """Add the officer's words to the sealed note.

    The note expires ``note_max_age`` after its first words and the expiry never moves:
    later words are kept no longer than the first ones. Words past their expiry that the
    engine has not purged yet are dropped here.
    """
    expires = request.note_expires_at
    if expires is None or expires <= ctx.now:
        held, expires = [], ctx.now + ctx.settings.note_max_age
    else:
        held = read_note(ctx, request)
    held.append(text)
    request.note = ctx.sealer.seal(json.dumps(held))
    request.note_expires_at = expires


def read_note(ctx: FlowContext, request: Request) -> list[str]:
    """The officer's held words (empty when there are none or they expired).

    A note that cannot be opened (its key was erased, or the secret key changed) counts
    as expired: it is wiped and nothing is raised.
    """
    if request.note is None:
        return []
    try:
        words: list[str] = json.loads(ctx.sealer.open(request.note))
    except Unreadable:
        log.warning("note.unreadable request=%s", request.code)
        wipe_note(request)
        return []
    return words


def wipe_note(request: Request) -> None:
    """Forget the officer's words."""
    request.note = None
    request.note_expires_at = None


def status(session: Session, requests: list[Request]) -> Reply:
    """Progress of each need of each request, for the officer's STATUS."""
    listed = tuple(_progress(session, request) for request in requests)
    if len(listed) == 1:
        return Reply(listed[0])
    return Reply(texts.OfficerStatusList(requests=listed))


def _progress(session: Session, request: Request) -> texts.OfficerStatus:
    """One request's code and the state of each of its needs (with the accepter's name)."""
    needs = []
    for need in request.needs:
        person = session.get(Person, need.accepted_by_id) if need.accepted_by_id else None
        first_name = notify.first_name(person) if person else None
        needs.append(texts.NeedLine(kind=need.kind, state=need.state, first_name=first_name))
    return texts.OfficerStatus(code=request.code, needs=tuple(needs))


def close(session: Session, ctx: FlowContext, request: Request, by: str) -> None:
    """Close a request: wipe the note, stop paging, log the call.

    ``by`` is ``officer`` (DONE), ``person`` (every need is done or dropped) or ``idle`` (no
    activity for ``idle_close``; an unfilled request ends this way unless the officer
    closes it).
    """
    if request.status != RequestStatus.OPEN:
        return
    accepted = [n for n in request.needs if n.accepted_by_id]
    if accepted:
        request.outcome = Outcome.ACCEPTED
    elif any(n.state == NeedState.UNFILLED for n in request.needs):
        request.outcome = Outcome.UNFILLED
    elif by == "officer":
        request.outcome = Outcome.CLOSED_BY_OFFICER
    else:
        request.outcome = Outcome.EXPIRED
    request.status = RequestStatus.CLOSED
    request.closed_at = ctx.now
    wipe_note(request)
    for need in request.needs:
        _end_need(need, ctx)
    for need in accepted:
        if by != "person" or need.state != NeedState.DONE:
            person = session.get(Person, need.accepted_by_id)
            if person is not None:
                notify.to_person(session, ctx, person, texts.PersonClosed(code=request.code))
    if by in ("person", "idle"):
        notify.to_officer(session, ctx, request, texts.OfficerClosed(code=request.code))
    if not request.drill:  # a drill's result is its own (``flows.drills``)
        calllog.log_closed(session, request, ctx.now)
    log.info("request.closed request=%s outcome=%s by=%s", request.code, request.outcome, by)


def _end_need(need: Need, ctx: FlowContext) -> None:
    """Stop any paging of a need whose request closed."""
    need.next_action_at = None
    if need.state == NeedState.PAGING:
        need.state = NeedState.CANCELLED
    need.ended_at = need.ended_at or ctx.now
    checkins.end(need.checkin, ctx)
    for page in need.pages:
        if page.state == PageState.OPEN:
            page.state = PageState.EXPIRED


def close_if_settled(session: Session, ctx: FlowContext, request: Request) -> None:
    """Close a request once every need is done or dropped.

    A need that went unfilled keeps its request open for a late accept, until the officer
    closes it or it idles out (``idle_close``).
    """
    if request.status != RequestStatus.OPEN or any(n.state not in SETTLED for n in request.needs):
        return
    close(session, ctx, request, by="person")


def accepted_advocate(session: Session, request: Request) -> Person | None:
    """The person who accepted the advocate need, while they are on it."""
    for need in request.needs:
        if (
            need.kind == NeedKind.ADVOCATE
            and need.state == NeedState.ACCEPTED
            and need.accepted_by_id
        ):
            return session.get(Person, need.accepted_by_id)
    return None


def new_code(session: Session) -> str:
    """A code used by no request and no call log entry."""
    while True:
        code = codes.random_code()
        taken = session.scalar(
            select(
                or_(
                    exists().where(Request.code == code),
                    exists().where(CallLogEntry.code == code),
                )
            )
        )
        if not taken:
            return code
