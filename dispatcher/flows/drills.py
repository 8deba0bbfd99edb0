"""Readiness drills: plan, start, measure and cancel; and "skip the wait" on the simulator.

A drill pages a roster exactly as a request would (the roster's policy, its steps and
waits, ``1 CODE`` to accept) with pages marked DRILL. Its request has no officer, no agency
and no words; it never reaches the call log, the statistics or an officer, and accepting it
starts no check-in and no debrief. The result, kept on the ``Drill`` row, is who was paged
at which step, who answered how, and how long each took.

Skip the wait: bring the next escalation deadline forward.

A trainer should not wait five real minutes for the backup to be paged. The engine's
deadlines are the needs' ``next_action_at`` in the database; "skip the wait" moves the
earliest one still ahead to ``now`` and the engine's next tick applies that step exactly as
it would have at the deadline (claimed, idempotent, the next deadline set from then on).
The service's clock is never moved: every other time (the request's age, the call log's
durations) stays true, so the call log of a drill shows the wait as it really was.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.errors import ValidationError
from dispatcher.flows import notify, officers, paging
from dispatcher.flows.context import FlowContext
from dispatcher.flows.drill_texts import DrillAccepted, DrillOver
from dispatcher.flows.models import Drill, Need, Page, Request
from dispatcher.flows.vocabulary import (
    DrillState,
    NeedState,
    Outcome,
    PageState,
    RequestStatus,
)
from dispatcher.rosters import needstore
from dispatcher.rosters.models import Person, Roster

log = logging.getLogger("dispatcher.flows.drills")
# A drill request's channel (it came from no officer).
DRILL_CHANNEL = "drill"
# A page of a drill not answered within its step (see ``answer_of``).
MISSED = "missed"


@dataclass(frozen=True)
class Skipped:
    """What "skip the wait" moved: how many needs, and by how much (zero when none)."""

    needs: int
    skipped: timedelta


def skip_to_next_deadline(session: Session, now: datetime) -> Skipped:
    """Bring the earliest escalation deadline after ``now`` forward to ``now``.

    Every paging need that shares that earliest deadline moves; later ones keep theirs, so
    each skip runs one step. A deadline already due is left for the engine (nothing moves).
    The caller commits and then wakes the engine.
    """
    due = (Need.state == NeedState.PAGING, Need.next_action_at.is_not(None))
    earliest = session.scalar(
        select(Need.next_action_at).where(*due).order_by(Need.next_action_at).limit(1)
    )
    if earliest is None or earliest <= now:
        return Skipped(0, timedelta(0))
    needs = list(
        session.scalars(select(Need).where(*due, Need.next_action_at == earliest).with_for_update())
    )
    for need in needs:
        need.next_action_at = now
        log.info("drill.skipped need=%s seconds=%d", need.id, (earliest - now).total_seconds())
    session.flush()
    return Skipped(len(needs), earliest - now)


class DrillRefused(ValidationError):
    """A drill that cannot be planned or cancelled (no such roster, a roster that pages for
    no need, a window out of bounds, a drill already over)."""


# The longest window a drill may be planned in, so that a forgotten drill does not surprise
# anyone months later.
LONGEST_WINDOW = timedelta(days=14)
NOW = timedelta(0)  # no window: the drill starts at the next tick
# Drills the engine starts per tick (more wait for the next tick).
BATCH = 20


def need_kind_for(session: Session, roster: Roster) -> str:
    """The need a drill of ``roster`` pages for (``advocate`` for an advocate roster, ...),
    from the configured needs."""
    for spec in needstore.current(session).specs:
        if spec.roster_kind == roster.kind:
            return spec.key
    raise DrillRefused(f"a {roster.kind} roster pages for no need")


def check_window(within: timedelta) -> None:
    """DrillRefused unless ``within`` is between zero (now) and LONGEST_WINDOW."""
    if within < timedelta(0) or within > LONGEST_WINDOW:
        raise DrillRefused("the window must be between 0 and 14 days")


def due_within(now: datetime, within: timedelta, rng: random.Random) -> datetime:
    """A random instant in ``[now, now + within]``, to the second (``now`` for no window)."""
    check_window(within)
    return now + timedelta(seconds=rng.randint(0, int(within.total_seconds())))


def plan(
    session: Session,
    ctx: FlowContext,
    auditor: Auditor,
    roster_id: int,
    within: timedelta = NOW,
    rng: random.Random | None = None,
) -> Drill:
    """Plan a drill of roster ``roster_id`` at a random instant within ``within`` from now.

    The instant is drawn once and stored: the engine starts the drill when it is due (a
    restart neither loses it nor runs it twice). DrillRefused for an unknown roster or one
    that pages for no need.
    """
    roster = session.get(Roster, roster_id)
    if roster is None:
        raise DrillRefused("no such roster")
    need_kind_for(session, roster)
    due = due_within(ctx.now, within, rng or random.SystemRandom())
    drill = Drill(
        roster_id=roster.id,
        state=DrillState.SCHEDULED,
        created_at=ctx.now,
        window_end=ctx.now + within,
        due_at=due,
        depth=0,
        steps=[],
    )
    session.add(drill)
    session.flush()
    window = int(within.total_seconds() // 60)
    auditor.record(
        session,
        "create",
        "drill",
        drill.id,
        None,
        {"roster": roster.name, "window_minutes": window},
    )
    if due <= ctx.now:
        ctx.kick()
    log.info("drill.planned drill=%s roster=%s window=%d", drill.id, roster.id, window)
    return drill


def start_due(session: Session, ctx: FlowContext) -> int:
    """Start every planned drill that is due (claimed, so two engines never start one twice).

    A drill that cannot start (its roster changed kind) is cancelled and logged; the others
    start.
    """
    query = (
        select(Drill)
        .where(Drill.state == DrillState.SCHEDULED, Drill.due_at <= ctx.now)
        .order_by(Drill.due_at, Drill.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    started = 0
    for drill in session.scalars(query):
        try:
            with session.begin_nested():
                start(session, ctx, drill)
            started += 1
        except Exception as exc:
            drill.state, drill.due_at, drill.ended_at = DrillState.CANCELLED, None, ctx.now
            log.warning("drill.not_started drill=%s error=%s", drill.id, type(exc).__name__)
    return started


def start(session: Session, ctx: FlowContext, drill: Drill) -> Request:
    """Open the drill's request (no officer, no agency, no words) and page from now on.

    The need's policy is a snapshot of the roster's, as for a real request.
    """
    roster = session.get_one(Roster, drill.roster_id)
    kind = need_kind_for(session, roster)
    request = Request(
        code=officers.new_code(session),
        drill=True,
        channel=DRILL_CHANNEL,
        status=RequestStatus.OPEN,
        tags=[],
        opened_at=ctx.now,
        last_activity_at=ctx.now,
        needs=[],
    )
    request.needs.append(
        Need(
            kind=kind,
            roster_id=roster.id,
            state=NeedState.PAGING,
            policy=paging.policy_of(roster).to_json(),
            step_index=-1,
            round=0,
            depth=0,
            next_action_at=ctx.now,
        )
    )
    session.add(request)
    session.flush()
    drill.state, drill.due_at = DrillState.RUNNING, None
    drill.started_at, drill.request_id = ctx.now, request.id
    ctx.kick()
    log.info("drill.started drill=%s roster=%s request=%s", drill.id, roster.id, request.code)
    return request


def accepted(session: Session, ctx: FlowContext, need: Need, person: Person) -> None:
    """Someone accepted the drill's page: thank them, tell the others, record the result.

    Nothing a real accept starts (details, check-ins, the officer's text, a debrief)
    happens.
    """
    request = need.request
    started = request.opened_at
    minutes = int((ctx.now - started).total_seconds() // 60)
    notify.to_person(session, ctx, person, DrillAccepted(code=request.code, minutes=minutes))
    finish(session, ctx, request)


def finish(session: Session, ctx: FlowContext, request: Request) -> Drill | None:
    """End a drill's request: record each page's answer on the drill, close the request
    (never in the call log), tell whoever is still paged that it is over."""
    drill = session.scalar(select(Drill).where(Drill.request_id == request.id))
    if request.status == RequestStatus.CLOSED:
        return drill
    winner = next((n for n in request.needs if n.accepted_by_id is not None), None)
    request.status, request.closed_at = RequestStatus.CLOSED, ctx.now
    request.outcome = Outcome.ACCEPTED if winner else Outcome.UNFILLED
    for need in request.needs:
        need.next_action_at = None
        if need.state in (NeedState.PAGING, NeedState.UNFILLED) and need.accepted_by_id is None:
            need.state = NeedState.CANCELLED
        need.ended_at = need.ended_at or ctx.now
        tell_over(session, ctx, need)
    if drill is None:
        return None
    if drill.state == DrillState.RUNNING:
        drill.state = DrillState.PASSED if winner else DrillState.MISSED
    drill.ended_at = ctx.now
    if winner is not None and winner.accepted_at is not None:
        drill.accepted_by_id = winner.accepted_by_id
        drill.seconds_to_accept = int((winner.accepted_at - request.opened_at).total_seconds())
    drill.depth = max((n.depth for n in request.needs), default=0)
    drill.steps = [
        entry for need in request.needs for entry in results_of(need.pages, request.opened_at)
    ]
    log.info(
        "drill.ended drill=%s state=%s depth=%s pages=%d",
        drill.id,
        drill.state,
        drill.depth,
        len(drill.steps),
    )
    return drill


def tell_over(session: Session, ctx: FlowContext, need: Need) -> None:
    """Close the need's open pages, telling each person paged that the drill is over."""
    for page in need.pages:
        if page.state == PageState.OPEN:
            page.state = PageState.COVERED if need.accepted_by_id else PageState.EXPIRED
            page.follow_up_at = None
            person = session.get(Person, page.person_id)
            if person is not None:
                over = DrillOver(code=need.request.code)
                notify.to_person(session, ctx, person, over, page_id=page.id)


def results_of(pages: list[Page], started: datetime) -> list[dict[str, Any]]:
    """Each page of a drill as the result keeps it: step (1-based), round, who, seconds
    from the start to the page and to the answer, and the answer.

    ``missed``: not answered while a later step was paged, or at all when nobody accepted;
    ``covered``: still within its step when someone else accepted; ``unsent`` pages never
    count against the person.
    """
    won = any(p.state == PageState.ACCEPTED for p in pages)
    results = []
    for page in pages:
        later = any((p.round, p.step_index) > (page.round, page.step_index) for p in pages)
        results.append(
            {
                "step": page.step_index + 1,
                "round": page.round,
                "member_id": page.person_id,
                "paged_after": _seconds(started, page.paged_at),
                "answer": answer_of(page.state, page.answered_at is not None, later, won),
                "answered_after": _seconds(started, page.answered_at),
            }
        )
    return results


def answer_of(state: str, answered: bool, later_step: bool, won: bool) -> str:
    """What a drill's result says of one page (see ``results_of``)."""
    if state in (PageState.ACCEPTED, PageState.DECLINED, PageState.FAILED, PageState.UNSENT):
        return str(state)
    if answered:
        return str(state)
    if later_step or not won:
        return MISSED
    return str(PageState.COVERED)


def _seconds(start: datetime, end: datetime | None) -> int | None:
    """Whole seconds from ``start`` to ``end`` (None without an end)."""
    return None if end is None else int((end - start).total_seconds())


def cancel(session: Session, ctx: FlowContext, auditor: Auditor, drill_id: int) -> Drill:
    """Cancel a planned or running drill (a running one's pages are told it is over).

    DrillRefused when there is no such drill or it is already over.
    """
    drill = session.get(Drill, drill_id, with_for_update=True)
    if drill is None or drill.state not in (DrillState.SCHEDULED, DrillState.RUNNING):
        raise DrillRefused("this drill is already over")
    running = drill.state == DrillState.RUNNING
    auditor.record(
        session,
        "cancel",
        "drill",
        drill.id,
        {"state": drill.state},
        {"state": DrillState.CANCELLED},
    )
    drill.state, drill.due_at, drill.ended_at = DrillState.CANCELLED, None, ctx.now
    request = session.get(Request, drill.request_id) if drill.request_id else None
    if running and request is not None:
        finish(session, ctx, request)
    log.info("drill.cancelled drill=%s", drill.id)
    return drill
