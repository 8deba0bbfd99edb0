"""Changing the needs of an open request: add a room, a ride or an advocate; drop one.

The officer, or the advocate who accepted (they are at the scene), may do it. An added
need pages its roster at once; a dropped one stops paging, and whoever was paged for it or
had accepted it is told that it is no longer needed.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from dispatcher.flows import checkins, notify, officers, paging, pledges, texts
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.members import accepted_needs
from dispatcher.flows.models import Need, Request
from dispatcher.flows.partner_texts import NeedRequires
from dispatcher.flows.vocabulary import ANSWERABLE, NeedKind, NeedState, PageState
from dispatcher.rosters.models import Person

log = logging.getLogger("dispatcher.needs")
ACTIVE = (NeedState.PAGING, NeedState.ACCEPTED)


def change_need(
    session: Session,
    ctx: FlowContext,
    request: Request,
    kind: str,
    *,
    add: bool,
    requires: tuple[str, ...] = (),
) -> Reply:
    """Add (``add``) or drop a need of ``kind``; the reply for whoever asked.

    ``requires`` (``RIDE carseat``) is what whoever gives it must offer.
    """
    if add:
        return add_need(session, ctx, request, kind, requires)
    return drop_need(session, ctx, request, kind)


def add_need(
    session: Session, ctx: FlowContext, request: Request, kind: str, requires: tuple[str, ...] = ()
) -> Reply:
    """Page for one more need of ``kind``, unless one is already paging or accepted.

    A need of a kind the request had before (say, an advocate that went unfilled) pages
    under that need's policy snapshot; a new kind under its roster's policy as it is now.
    Requirements for a need already paging are added to it: its later pages go only to
    those who have them.
    """
    paging_now = [n for n in request.needs if n.kind == kind and n.state == NeedState.PAGING]
    if requires and paging_now:
        need = paging_now[0]
        pledges.require(session, ctx, need, requires)
        request.last_activity_at = ctx.now
        log.info("need.requires request=%s need=%s", request.code, need.id)
        return Reply(NeedRequires(code=request.code, need=kind, requires=tuple(need.requires)))
    if any(n.kind == kind and n.state in ACTIVE for n in request.needs):
        return Reply(texts.NeedAlready(code=request.code, need=kind))
    earlier = [n.policy for n in request.needs if n.kind == kind]
    paging.add_needs(session, ctx, request, (kind,))
    request.needs[-1].requires = sorted(requires)
    if earlier:
        request.needs[-1].policy = earlier[0]
    request.last_activity_at = ctx.now
    session.flush()
    ctx.kick()
    log.info("need.added request=%s kind=%s", request.code, kind)
    if requires:
        return Reply(NeedRequires(code=request.code, need=kind, requires=tuple(sorted(requires))))
    return Reply(texts.NeedAdded(code=request.code, need=kind))


def drop_need(session: Session, ctx: FlowContext, request: Request, kind: str) -> Reply:
    """Stop paging for ``kind`` (any need but the advocate) and tell whoever was paged or
    accepted."""
    needs = [n for n in request.needs if n.kind == kind and n.state in ACTIVE]
    if kind == NeedKind.ADVOCATE or not needs:
        return Reply(texts.NeedNotOpen(code=request.code, need=kind))
    for need in needs:
        _cancel(session, ctx, need)
    request.last_activity_at = ctx.now
    log.info("need.dropped request=%s kind=%s", request.code, kind)
    officers.close_if_settled(session, ctx, request)
    return Reply(texts.NeedDroppedAck(code=request.code, need=kind))


def _cancel(session: Session, ctx: FlowContext, need: Need) -> None:
    """End one need; its open pages become ``dropped``; everyone on it is told once."""
    told = set()
    if need.accepted_by_id is not None and need.state == NeedState.ACCEPTED:
        told.add(need.accepted_by_id)
    need.state, need.next_action_at, need.ended_at = NeedState.CANCELLED, None, ctx.now
    checkins.end(need.checkin, ctx)
    for page in need.pages:
        if page.state in ANSWERABLE:
            page.state = PageState.DROPPED
            told.add(page.person_id)
    dropped = texts.NeedDropped(code=need.request.code, need=need.kind)
    for person_id in sorted(told):
        notify.to_person(session, ctx, session.get_one(Person, person_id), dropped)


def advocate_requests(session: Session, person: Person) -> list[Request]:
    """Open requests whose advocate need this person accepted (they may change its needs)."""
    return sorted(
        {n.request for n in accepted_needs(session, person) if n.kind == NeedKind.ADVOCATE},
        key=lambda request: request.id,
    )
