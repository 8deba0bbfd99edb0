"""Paging and escalation of one need: apply the policy's decision to the database."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.flows import notify, pledges, texts
from dispatcher.flows.context import FlowContext
from dispatcher.flows.drill_texts import DrillPage, DrillVoicePage
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
    unreached,
)
from dispatcher.flows.vocabulary import NeedKind, NeedState, PageState
from dispatcher.flows.voicetexts import VoicePage
from dispatcher.rosters import needstore, partners
from dispatcher.rosters import service as rosters
from dispatcher.rosters.channels import Channel, from_stored
from dispatcher.rosters.models import Agency, Person, Roster

log = logging.getLogger("dispatcher.paging")
PROGRESS_EVERY = timedelta(minutes=10)


def add_needs(session: Session, ctx: FlowContext, request: Request, kinds: tuple[str, ...]) -> None:
    """Create the request's needs, each due now, with a snapshot of its roster's policy.

    Each need goes to the roster of its kind that serves the region of the officer's agency.
    """
    agency = session.get(Agency, request.agency_id) if request.agency_id else None
    region_id = agency.region_id if agency else None
    table = needstore.current(session)
    for kind in kinds:
        spec = table.get(kind)
        roster = roster_for(session, spec.roster_kind, region_id) if spec else None
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
    steps = tuple(Step(s.notify, s.wait_seconds, s.person_id, s.region_id) for s in roster.steps)
    return Policy(
        steps=steps, repeat=roster.escalation_repeat, voice_after=roster.voice_after_seconds
    )


class PoolEntry(NamedTuple):
    """A roster's pool at one instant for a request's tags, the people in it by id (held,
    so paging them reads no row again), who was left out for a missing training, and the
    partners the people answer for (looked up once per pool, not per need)."""

    pool: Pool
    people: dict[int, Person]
    untrained: tuple[int, ...]
    known: partners.Known = partners.Known()


NO_POOL = PoolEntry(Pool(), {}, ())
Pools = dict[tuple[int, tuple[str, ...]], PoolEntry]


def escalate(session: Session, ctx: FlowContext, need: Need, pools: Pools | None = None) -> None:
    """Page the need's next step, or declare it unfilled when the policy is spent.

    ``pools`` keeps each roster's pool for the rest of a tick (one roster load per roster,
    not per need): nothing a tick writes changes who may be paged at ``ctx.now``.
    """
    policy = Policy.from_json(need.policy)
    position = None if need.step_index < 0 else Position(need.step_index, need.round)
    tags = tuple(need.request.tags)
    pool, people, untrained, known = need_pool(session, ctx, need, pools)
    for person_id in untrained:
        log.info(
            "need.person_skipped request=%s need=%s member=%s reason=training",
            need.request.code,
            need.id,
            person_id,
        )
    pages = list(need.pages)
    never = frozenset(
        p.person_id for p in pages if p.state in (PageState.DECLINED, PageState.FAILED)
    ) | pledges.left_out(session, ctx, need, pool, known)
    this_round = frozenset(p.person_id for p in pages if p.state == PageState.OPEN)
    paged = frozenset(p.person_id for p in pages)
    plan = plan_next(policy, position, pool, tags, never, this_round, paged)
    log_skipped(need, policy, passed_over(policy, position, plan.position if plan else None))
    if plan is None:
        give_up(session, ctx, need, known)
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
        person = people.get(person_id) or session.get_one(Person, person_id)
        page_person(session, ctx, need, person)
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


def resume_after_call(
    session: Session, ctx: FlowContext, need: Need, pools: Pools | None = None
) -> bool:
    """A live call stopped ringing (budget spent, the officer hung up, or its end was never
    reported) part way through a step: text that step's targets the call did not reach.

    Whoever was rung in this round is not texted again in it, whoever passed or could not
    be reached never is. True when someone was paged (the step then waits its full wait
    from now, as a step started by text does); False when the step has nobody left, and
    the need is due at once for its next step.
    """
    if need.state != NeedState.PAGING or need.step_index < 0:
        need.next_action_at = ctx.now
        return False
    policy = Policy.from_json(need.policy)
    position = Position(need.step_index, need.round)
    pages = list(need.pages)
    here = (need.step_index, need.round)
    before = frozenset(p.person_id for p in pages if (p.step_index, p.round) != here)
    reached = frozenset(
        p.person_id
        for p in pages
        if p.round == need.round or p.state in (PageState.DECLINED, PageState.FAILED)
    )
    pool, people, *_ = need_pool(session, ctx, need, pools)
    left = unreached(policy, position, pool, tuple(need.request.tags), before, reached)
    if not left:
        need.next_action_at = ctx.now
        return False
    for person_id in left:
        page_person(session, ctx, need, people.get(person_id) or session.get_one(Person, person_id))
    need.next_action_at = ctx.now + timedelta(seconds=policy.steps[need.step_index].wait_seconds)
    log.info(
        "need.resumed request=%s need=%s step=%s round=%s paged=%s",
        need.request.code,
        need.id,
        need.step_index,
        need.round,
        len(left),
    )
    return True


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
    agency = "" if request.drill else agency
    voice, text = (DrillVoicePage, DrillPage) if request.drill else (VoicePage, texts.Page)
    if by == Channel.VOICE:
        spoken = voice(code, page.need.kind, agency, tags, open_codes)
        notify.call_person(session, ctx, person, spoken, page_id=page.id)
    else:
        written = text(code, page.need.kind, agency, tags, open_codes)
        notify.to_person(session, ctx, person, written, page_id=page.id)


def need_pool(
    session: Session, ctx: FlowContext, need: Need, pools: Pools | None = None
) -> PoolEntry:
    """Who could be paged now for ``need``: its roster's pool for the request's tags, with
    who is on call in each region its policy's ``mutual-aid`` steps call on.

    The same for a text escalation and for a live call's next leg.
    """
    tags = tuple(need.request.tags)
    entry = pool_for(session, ctx, need.roster_id, tags, pools)
    regions = Policy.from_json(need.policy).aid_regions()
    if need.roster_id is None or not regions:
        return entry
    roster = session.get_one(Roster, need.roster_id)
    aid = aid_of(session, roster, regions, ctx, tags)
    return entry._replace(pool=replace(entry.pool, aid=aid))


def pool_for(
    session: Session,
    ctx: FlowContext,
    roster_id: int | None,
    tags: tuple[str, ...],
    pools: Pools | None,
) -> PoolEntry:
    """The pool of roster ``roster_id`` now for a request with ``tags`` (empty without a
    roster), kept in ``pools`` for the rest of the tick."""
    if roster_id is None:
        return NO_POOL
    pools = {} if pools is None else pools
    key = (roster_id, tags)
    if key not in pools:
        roster = session.get(Roster, roster_id)
        pools[key] = build_pool(session, roster, ctx, tags) if roster else NO_POOL
    return pools[key]


def build_pool(
    session: Session, roster: Roster, ctx: FlowContext, tags: tuple[str, ...] = ()
) -> PoolEntry:
    """Who could be paged from ``roster`` now for a request with ``tags`` (its own people
    only: ``need_pool`` adds mutual aid)."""
    found = rosters.escalation_candidates(session, roster, ctx.now, tags)
    following = [p for line in found.next for p in line]
    people = {p.id: p for p in (*found.on_call, *following, *found.everyone, *found.coordinators)}
    pool = Pool(
        on_call=tuple(p.id for p in found.on_call),
        next=tuple(tuple(p.id for p in line) for line in found.next),
        everyone=tuple(p.id for p in found.everyone),
        coordinators=tuple(p.id for p in found.coordinators),
        traits={i: traits_of(p.languages or [], p.skills or []) for i, p in people.items()},
    )
    untrained = tuple(p.id for p in found.untrained)
    return PoolEntry(pool, people, untrained, partners.Known(people))


def aid_of(
    session: Session,
    roster: Roster,
    regions: frozenset[int],
    ctx: FlowContext,
    tags: tuple[str, ...] = (),
) -> dict[int, tuple[int, ...]]:
    """For each region, who is on call and available now on its roster of ``roster``'s kind.

    Only a roster that names the region serves it here (never ``roster`` itself): help
    from a roster that serves every region would not be help from outside.
    """
    aid: dict[int, tuple[int, ...]] = {}
    for region_id in sorted(regions):
        helpers = [
            r
            for r in rosters.rosters_of_kind(session, roster.kind)
            if r.id != roster.id and region_id in {g.id for g in r.regions}
        ]
        if helpers:
            found = rosters.escalation_candidates(session, helpers[0], ctx.now, tags)
            aid[region_id] = tuple(p.id for p in found.on_call)
    return aid


def give_up(
    session: Session, ctx: FlowContext, need: Need, known: partners.Known | None = None
) -> None:
    """Every step and repeat is spent: mark unfilled, tell the officer and the coordinators.

    When no advocate is being paged any more, the officer's held words are wiped: nobody
    would ever receive them. A drill tells nobody (``flows.drills`` records the miss).
    """
    request = need.request
    need.state = NeedState.UNFILLED
    if not any(n.kind == NeedKind.ADVOCATE and n.state == NeedState.PAGING for n in request.needs):
        request.note, request.note_expires_at = None, None
    need.next_action_at = None
    need.ended_at = ctx.now
    pledges.settled(session, ctx, list(need.pages), known=known)
    for page in need.pages:
        if page.state == PageState.OPEN:
            page.state = PageState.EXPIRED
    if request.drill:
        log.info(
            "need.unfilled request=%s need=%s kind=%s drill=1", request.code, need.id, need.kind
        )
        return
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


def roster_for(session: Session, kind: str, region_id: int | None) -> Roster | None:
    """The roster of ``kind`` that serves ``region_id``, the first by name among several.

    A roster that names the region comes before one that serves every region; with no
    region (an agency outside every region), the first roster of the kind.
    """
    found = [r for r in rosters.rosters_of_kind(session, kind) if r.serves(region_id)]
    if region_id is not None:
        found = [r for r in found if r.regions] or found
    return found[0] if found else None
