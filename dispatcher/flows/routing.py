"""Live call routing: an officer's call rings advocates one at a time until one accepts.

While the call rings, its advocate need is held (``Need.held_until``): the engine leaves it
alone and the call's routing moves it through the policy, one person per leg, each leg a
page. Each advocate hears a screen (agency, need, tags; never the officer's words) and
presses 1 to take the call (the same conditional accept as a text, so the first accept
wins across channels) or 2 to pass; no key, a voicemail or a hang-up ends that leg only.
When the ring budget is spent, or the officer hangs up, the hold is released and the SMS
escalation continues at once from where the calls left off: the current step's targets
the call did not reach are texted first; whoever passed by voice is never paged again. A
hold also ends by itself (``HOLD_SLACK`` after the budget), so a call whose end is never
reported cannot stall the request: that Twilio requests the ``<Dial>`` action when the
caller hangs up is not in the Twilio facts this project keeps, so it is not relied on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from dispatcher.flows import needs, paging
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.languages import reader_language
from dispatcher.flows.models import Need, Page, Request
from dispatcher.flows.policy import Policy, Position, depth_of, next_leg
from dispatcher.flows.vocabulary import NeedKind, NeedState, PageState
from dispatcher.flows.voicetexts import CallNeedAdded, RouteAccepted, RouteTexting, VoiceScreen
from dispatcher.rosters.models import Officer, Person

log = logging.getLogger("dispatcher.routing")
# A hold outlives the ring budget by this much, in case the call's end is never reported.
HOLD_SLACK = timedelta(seconds=30)
# How long one advocate's phone rings, and the shortest ring worth starting, in seconds.
LEG_RING = 20
MIN_LEG = 5
# Keys an officer may press during the greeting, and what each adds.
KEYPAD_NEEDS = {"2": NeedKind.ROOM, "3": NeedKind.RIDE}


@dataclass(frozen=True)
class Leg:
    """Ring ``number`` for ``ring_seconds``; its answer is page ``page_id``."""

    page_id: int
    number: str
    ring_seconds: int


@dataclass(frozen=True)
class Routing:
    """What an officer's call does next: ring ``leg``, or say ``reply`` and end."""

    leg: Leg | None = None
    reply: Reply | None = None


def advocate_need(request: Request) -> Need | None:
    """The request's advocate need, if it has one."""
    return next((n for n in request.needs if n.kind == NeedKind.ADVOCATE), None)


def start(session: Session, ctx: FlowContext, request: Request) -> Leg | None:
    """Hold the request's advocate need for the ring budget and ring the first person.

    None (and no hold) when there is nobody to ring: the SMS escalation pages at once.
    """
    need = advocate_need(request)
    if need is None or need.state != NeedState.PAGING:
        return None
    need.held_until = ctx.now + ctx.settings.voice_ring_budget + HOLD_SLACK
    leg = ring_next(session, ctx, need)
    if leg is None:
        release(session, ctx, need)
    return leg


def ring_next(session: Session, ctx: FlowContext, need: Need) -> Leg | None:
    """The next leg of a held need within what is left of the budget, or None."""
    if need.state != NeedState.PAGING or need.held_until is None:
        return None
    left = int((need.held_until - HOLD_SLACK - ctx.now).total_seconds())
    if left < MIN_LEG:
        return None
    policy = Policy.from_json(need.policy)
    tags = tuple(need.request.tags)
    pool = paging.need_pool(session, ctx, need).pool  # mutual aid included, as by text
    position = None if need.step_index < 0 else Position(need.step_index, need.round)
    pages = list(need.pages)
    never = frozenset(
        p.person_id for p in pages if p.state in (PageState.DECLINED, PageState.FAILED)
    )
    rung = frozenset(p.person_id for p in pages if p.round == need.round)
    paged = frozenset(p.person_id for p in pages)
    found = next_leg(policy, position, pool, tags, never, rung, paged)
    if found is None:
        return None
    position, person_id = found
    need.step_index, need.round = position.step_index, position.round
    need.depth = max(need.depth, depth_of(policy, position))
    need.first_paged_at = need.first_paged_at or ctx.now
    page = Page(
        need=need,
        person_id=person_id,
        step_index=position.step_index,
        round=position.round,
        state=PageState.OPEN,
        paged_at=ctx.now,
    )
    session.add(page)
    session.flush()
    person = session.get_one(Person, person_id)
    log.info(
        "call.ringing request=%s member=%s step=%s", need.request.code, person_id, need.step_index
    )
    return Leg(page.id, person.phone, min(LEG_RING, left))


def release(session: Session, ctx: FlowContext, need: Need) -> None:
    """The call stops ringing: the SMS escalation continues at once from where it was,
    texting first the current step's targets the call did not reach."""
    if need.held_until is None:
        return
    need.held_until = None
    if need.state == NeedState.PAGING:
        paging.resume_after_call(session, ctx, need)
        ctx.kick()
        log.info("call.released request=%s step=%s", need.request.code, need.step_index)


def dial_ended(
    session: Session, ctx: FlowContext, request_id: int, caller_gone: bool, bridged: bool
) -> Routing:
    """One leg ended without a bridge, or a bridged call ended: ring the next person,
    or end the call (the SMS escalation takes over). Replies are in the officer's language.
    """
    request = session.get(Request, request_id)
    need = advocate_need(request) if request is not None else None
    if request is None or need is None:
        return Routing(reply=Reply(RouteTexting()))
    officer = session.get(Officer, request.officer_id) if request.officer_id else None
    language = reader_language(officer, "")
    if caller_gone or bridged:
        release(session, ctx, need)
        return Routing()  # the officer hung up, or the bridged call is over
    if need.state != NeedState.PAGING:
        release(session, ctx, need)
        return Routing(reply=Reply(RouteAccepted(), language))  # taken by text
    leg = ring_next(session, ctx, need)
    if leg is not None:
        return Routing(leg=leg)
    release(session, ctx, need)
    return Routing(reply=Reply(RouteTexting(), language))


def leg_bridged(session: Session, page_id: int | None, dial_status: str) -> bool:
    """True when the ended leg of page ``page_id`` was put through: its advocate took the
    call (the page was accepted) and the leg ``completed``. Our own record, for when
    Twilio's ``DialBridged`` is absent."""
    page = session.get(Page, page_id) if page_id is not None else None
    return page is not None and page.state == PageState.ACCEPTED and dial_status == "completed"


def keypad_need(
    session: Session, ctx: FlowContext, request_id: int, page_id: int, digits: str
) -> Routing:
    """The officer's key during the greeting: 2 adds a room, 3 a ride (paged by text at
    once); then the leg already planned (``page_id``) rings, or the next one.

    The reply, if any, says what was added, in the officer's language.
    """
    request = session.get(Request, request_id)
    need = advocate_need(request) if request is not None else None
    if request is None or need is None:
        return Routing(reply=Reply(RouteTexting()))
    kind = KEYPAD_NEEDS.get(digits)
    reply = None
    if kind is not None:
        added = needs.add_need(session, ctx, request, kind)
        officer = session.get(Officer, request.officer_id) if request.officer_id else None
        reply = Reply(CallNeedAdded(need=kind), reader_language(officer, ""))
        log.info("call.keypad request=%s need=%s reply=%s", request.code, kind, added.template)
    page = session.get(Page, page_id)
    if page is not None and page.need_id == need.id and page.state == PageState.OPEN:
        leg = _ring_again(session, ctx, need, page)
    else:
        leg = ring_next(session, ctx, need)
    if leg is None:
        release(session, ctx, need)
        return Routing(reply=Reply(RouteTexting(), reply.language if reply else "en"))
    return Routing(leg=leg, reply=reply)


def _ring_again(session: Session, ctx: FlowContext, need: Need, page: Page) -> Leg | None:
    """The planned leg of ``page``, within what is left of the budget."""
    if need.state != NeedState.PAGING or need.held_until is None:
        return None
    left = int((need.held_until - HOLD_SLACK - ctx.now).total_seconds())
    if left < MIN_LEG:
        return None
    person = session.get_one(Person, page.person_id)
    return Leg(page.id, person.phone, min(LEG_RING, left))


def screened_page(session: Session, page_id: int) -> tuple[Page, Person] | None:
    """The page a screen or its key names, while its call still holds its need."""
    page = session.get(Page, page_id)
    if page is None or page.need.held_until is None:
        return None
    return page, session.get_one(Person, page.person_id)


def screen_text(page: Page, agency: str) -> VoiceScreen:
    """What an advocate hears before taking a call: agency, need, tags (no words)."""
    return VoiceScreen(agency=agency, need=page.need.kind, tags=tuple(page.need.request.tags))
