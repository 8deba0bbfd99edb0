"""Paging and escalation of one need: apply the policy's decision to the database."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.flows import notify, texts
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Need, Page, Request
from dispatcher.flows.policy import (
    DEFAULT_POLICY,
    Policy,
    Pool,
    Position,
    Step,
    depth_of,
    passed_over,
    plan_contact,
    plan_next,
    traits_of,
)
from dispatcher.flows.vocabulary import NEEDS, NeedKind, NeedState, PageState
from dispatcher.flows.voicetexts import VoicePage
from dispatcher.rosters import service as rosters
from dispatcher.rosters.channels import Channel, from_stored
from dispatcher.rosters.models import Person, Roster

log = logging.getLogger("dispatcher.paging")
PROGRESS_EVERY = timedelta(minutes=10)


def add_needs(session: Session, ctx: FlowContext, request: Request, kinds: tuple[str, ...]) -> None:
    """Create the request's needs, each due now, with a snapshot of its roster's policy."""
    for kind in kinds:
        roster = _roster_for(session, kind)
        request.needs.append(
            Need(
                kind=kind,
                roster_id=roster.id if roster else None,
                state=NeedState.PAGING,
                policy=policy_of(roster).to_json() if roster else {"steps": [], "repeat": 0},
                step_index=-1,
                round=0,
                depth=0,
                next_action_at=ctx.now,
            )
        )


def policy_of(roster: Roster) -> Policy:
    """The roster's escalation policy (the default one when it has no steps)."""
    if not roster.steps:
        return replace(DEFAULT_POLICY, voice_after=roster.voice_after_seconds)
    steps = tuple(Step(s.notify, s.wait_seconds, s.person_id) for s in roster.steps)
    return Policy(
        steps=steps, repeat=roster.escalation_repeat, voice_after=roster.voice_after_seconds
    )


def escalate(session: Session, ctx: FlowContext, need: Need) -> None:
    """Page the need's next step, or declare it unfilled when the policy is spent."""
    policy = Policy.from_json(need.policy)
    position = None if need.step_index < 0 else Position(need.step_index, need.round)
    roster = session.get(Roster, need.roster_id) if need.roster_id else None
    pool = build_pool(session, roster, ctx) if roster else Pool()
    pages = list(need.pages)
    never = frozenset(
        p.person_id for p in pages if p.state in (PageState.DECLINED, PageState.FAILED)
    )
    this_round = frozenset(p.person_id for p in pages if p.state == PageState.OPEN)
    paged = frozenset(p.person_id for p in pages)
    tags = tuple(need.request.tags)
    plan = plan_next(policy, position, pool, tags, never, this_round, paged)
    log_skipped(need, policy, passed_over(policy, position, plan.position if plan else None))
    if plan is None:
        give_up(session, ctx, need)
        return
    if position is not None and plan.position.round != position.round:
        for page in pages:
            if page.state == PageState.OPEN:
                page.state = PageState.EXPIRED
    need.step_index, need.round = plan.position.step_index, plan.position.round
    need.depth = max(need.depth, depth_of(policy, plan.position))
    need.next_action_at = ctx.now + plan.wait
    need.first_paged_at = need.first_paged_at or ctx.now
    for person_id in plan.targets:
        page_person(session, ctx, need, session.get_one(Person, person_id))
    if position is not None and plan.targets:
        tell_progress(session, ctx, need)
    log.info(
        "need.escalated request=%s need=%s step=%s round=%s paged=%s",
        need.request.code,
        need.id,
        need.step_index,
        need.round,
        len(plan.targets),
    )


def log_skipped(need: Need, policy: Policy, skipped: tuple[Position, ...]) -> None:
    """Log each step that found nobody to page (``next`` with no rotation on duty, ...)."""
    for position in skipped:
        log.info(
            "need.step_skipped request=%s need=%s step=%s round=%s notify=%s reason=nobody",
            need.request.code,
            need.id,
            position.step_index,
            position.round,
            policy.steps[position.step_index].notify,
        )


def tell_progress(session: Session, ctx: FlowContext, need: Need) -> None:
    """A later step started and nobody has accepted: tell the officer how many were asked.

    At most one such text per request every PROGRESS_EVERY.
    """
    request = need.request
    last = request.progress_sent_at
    if last is not None and ctx.now - last < PROGRESS_EVERY:
        return
    request.progress_sent_at = ctx.now
    asked = len({page.person_id for page in need.pages})
    progress = texts.OfficerProgress(code=request.code, need=need.kind, asked=asked)
    notify.to_officer(session, ctx, request, progress)


def page_person(session: Session, ctx: FlowContext, need: Need, person: Person) -> Page:
    """Record a page and queue its SMS (one segment: agency, need, code, how to answer)."""
    page = Page(
        need=need,
        person_id=person.id,
        step_index=need.step_index,
        round=need.round,
        state=PageState.OPEN,
        paged_at=ctx.now,
    )
    session.add(page)
    session.flush()
    voice_after = Policy.from_json(need.policy).voice_after
    plan = plan_contact(from_stored(person.channels), person.opted_out, voice_after)
    send_page(session, ctx, page, person, plan.first)
    if plan.then is not None and plan.after is not None:
        page.follow_up_at = ctx.now + timedelta(seconds=plan.after)
    log.info(
        "page.queued request=%s member=%s step=%s channel=%s",
        need.request.code,
        person.id,
        need.step_index,
        plan.first,
    )
    return page


def send_page(session: Session, ctx: FlowContext, page: Page, person: Person, by: Channel) -> None:
    """Queue ``page`` to ``person`` as a text or as a call (agency, need, tags, code)."""
    request = page.need.request
    code, agency = request.code, notify.agency_name(session, request)
    tags, open_codes = tuple(request.tags), open_page_count(session, person.id)
    if by == Channel.VOICE:
        spoken = VoicePage(code, page.need.kind, agency, tags, open_codes)
        notify.call_person(session, ctx, person, spoken, page_id=page.id)
    else:
        text = texts.Page(code, page.need.kind, agency, tags, open_codes)
        notify.to_person(session, ctx, person, text, page_id=page.id)


def build_pool(session: Session, roster: Roster, ctx: FlowContext) -> Pool:
    """Who could be paged from ``roster`` now, as ids, with the tags each one matches."""
    found = rosters.escalation_candidates(session, roster, ctx.now)
    following = [p for line in found.next for p in line]
    people = {p.id: p for p in (*found.on_call, *following, *found.everyone, *found.coordinators)}
    return Pool(
        on_call=tuple(p.id for p in found.on_call),
        next=tuple(tuple(p.id for p in line) for line in found.next),
        everyone=tuple(p.id for p in found.everyone),
        coordinators=tuple(p.id for p in found.coordinators),
        traits={i: traits_of(p.languages or [], p.skills or []) for i, p in people.items()},
    )


def give_up(session: Session, ctx: FlowContext, need: Need) -> None:
    """Every step and repeat is spent: mark unfilled, tell the officer and the coordinators.

    When no advocate is being paged any more, the officer's held words are wiped: nobody
    would ever receive them.
    """
    request = need.request
    need.state = NeedState.UNFILLED
    if not any(n.kind == NeedKind.ADVOCATE and n.state == NeedState.PAGING for n in request.needs):
        request.note, request.note_expires_at = None, None
    need.next_action_at = None
    need.ended_at = ctx.now
    for page in need.pages:
        if page.state == PageState.OPEN:
            page.state = PageState.EXPIRED
    fallback = ctx.settings.fallback_hotline
    notify.to_officer(
        session,
        ctx,
        request,
        texts.OfficerUnfilled(code=request.code, need=need.kind, fallback=fallback),
    )
    agency = notify.agency_name(session, request)
    notify.to_coordinators(
        session, ctx, texts.CoordinatorUnfilled(code=request.code, agency=agency, need=need.kind)
    )
    log.warning("need.unfilled request=%s need=%s kind=%s", request.code, need.id, need.kind)


def page_answered(session: Session, ctx: FlowContext, page: Page, state: PageState) -> None:
    """A page was declined or could not be delivered: move on at once if nobody is left."""
    page.state = state
    page.answered_at = ctx.now
    need = page.need
    if need.state != NeedState.PAGING:
        return
    waiting = [
        p
        for p in need.pages
        if p.state == PageState.OPEN and (p.step_index, p.round) == (need.step_index, need.round)
    ]
    if not waiting:
        need.next_action_at = ctx.now
        ctx.kick()


def open_page_count(session: Session, person_id: int) -> int:
    """How many requests are waiting on this person's answer."""
    query = (
        select(func.count(Page.id))
        .join(Need, Page.need_id == Need.id)
        .where(
            Page.person_id == person_id,
            Page.state == PageState.OPEN,
            Need.state == NeedState.PAGING,
        )
    )
    return session.scalar(query) or 0


def _roster_for(session: Session, need_kind: str) -> Roster | None:
    """The roster that serves a kind of need (the first by name when there are several)."""
    found = rosters.rosters_of_kind(session, NEEDS[NeedKind(need_kind)].roster_kind)
    return found[0] if found else None
