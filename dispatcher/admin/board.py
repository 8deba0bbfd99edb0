"""What the Now board shows: who is on call per roster, next handoffs, open requests.

Read-only queries shaped for the page, in a fixed number of queries whatever the number
of requests or rosters (no query per row). Instants are aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dispatcher.flows.intake import describe_tag
from dispatcher.flows.models import Need, Request
from dispatcher.flows.vocabulary import WANTED, NeedState, RequestStatus
from dispatcher.rosters.models import Agency, Person, Roster
from dispatcher.rosters.partners import partners_of
from dispatcher.rosters.rotation import next_handoffs, on_call_at
from dispatcher.rosters.service import specs_by_roster

HANDOFF_HORIZON = timedelta(hours=24)


@dataclass(frozen=True)
class Handoff:
    """At ``at`` the people on call become ``names`` (empty: nobody)."""

    at: datetime
    names: list[str]


@dataclass(frozen=True, order=True)
class OnCall:
    """Someone on call now, with the number the page's tap-to-call and tap-to-text use."""

    name: str
    phone: str  # E.164


@dataclass(frozen=True)
class RosterNow:
    """One roster's card: who is on call now and the handoffs of the coming hours."""

    name: str
    kind: str
    timezone: str
    roster_id: int
    on_call: list[OnCall]
    handoffs: list[Handoff]


@dataclass(frozen=True)
class PageRow:
    """One person paged for a need, and what became of the page."""

    name: str
    state: str
    paged_at: datetime


@dataclass(frozen=True)
class NeedRow:
    """One need of an open request with its escalation position and pages."""

    kind: str
    state: str
    step: int  # 1-based; 0 while nobody has been paged
    steps: int
    round: int  # 1-based
    depth: int
    roster: str | None
    accepted_by: str | None
    pages: list[PageRow]
    next_step_at: datetime | None  # when the engine runs its next step (None: nothing due)
    partner: str | None = None  # the partner the accepter answers for
    requires: tuple[str, ...] = ()  # what a partner must offer (a car seat, ...)


@dataclass(frozen=True)
class RequestRow:
    """One open request as the board shows it (no officer's words, no phone numbers)."""

    code: str
    agency: str
    opened_at: datetime
    tags: list[str]
    needs: list[NeedRow]

    @property
    def unfilled(self) -> bool:
        """True while some need has nobody who accepted (paging, or given up on)."""
        return any(need.state in WANTED for need in self.needs)

    @property
    def next_step_at(self) -> datetime | None:
        """The earliest next escalation step among the request's needs."""
        return min((n.next_step_at for n in self.needs if n.next_step_at), default=None)


def rosters_now(session: Session, now: datetime) -> list[RosterNow]:
    """Every roster, by name, with who is on call at ``now`` and the next 24 h's handoffs."""
    rosters = session.scalars(select(Roster).order_by(Roster.name)).all()
    specs = specs_by_roster(session, {roster.id: roster.timezone for roster in rosters})
    found: list[tuple[Roster, set[int], list[tuple[datetime, set[int]]]]] = []
    for roster in rosters:
        rotations, overrides = specs[roster.id]
        on_call = on_call_at(rotations, overrides, now)
        changes = next_handoffs(rotations, overrides, now, now + HANDOFF_HORIZON)
        found.append((roster, on_call, changes))
    wanted = {pid for _, ids, changes in found for pid in ids.union(*(c for _, c in changes))}
    names = _names(session, wanted)
    on_call_now: set[int] = set()
    for _, ids, _ in found:
        on_call_now |= ids
    phones = _phones(session, on_call_now)
    return [
        RosterNow(
            name=roster.name,
            kind=roster.kind,
            timezone=roster.timezone,
            roster_id=roster.id,
            on_call=sorted(OnCall(names.get(p, "?"), phones.get(p, "")) for p in on_call),
            handoffs=[Handoff(at, _sorted_names(names, ids)) for at, ids in changes],
        )
        for roster, on_call, changes in found
    ]


DRILL = "DRILL (practice, no officer)"  # shown where a real request names its agency


def open_requests(session: Session) -> list[RequestRow]:
    """Every open request with its needs and who was paged: those still unfilled first,
    oldest first within each group."""
    requests = session.scalars(
        select(Request)
        .where(Request.status == RequestStatus.OPEN)
        .options(selectinload(Request.needs).selectinload(Need.pages))
        .order_by(Request.opened_at, Request.id)
    ).all()
    needs = [need for request in requests for need in request.needs]
    people = _names(
        session,
        {p.person_id for n in needs for p in n.pages}
        | {n.accepted_by_id for n in needs if n.accepted_by_id},
    )
    agencies = _lookup(session, Agency, {i.agency_id for i in requests if i.agency_id})
    rosters = _lookup(session, Roster, {n.roster_id for n in needs if n.roster_id})
    holders = partners_of(session, {n.accepted_by_id for n in needs if n.accepted_by_id})
    held = {person_id: partner.name for person_id, partner in holders.items()}
    rows = [
        RequestRow(
            code=request.code,
            agency=DRILL
            if request.drill
            else agencies.get(request.agency_id or 0, "unknown agency"),
            opened_at=request.opened_at,
            tags=[describe_tag(tag) for tag in request.tags],
            needs=[_need_row(n, people, rosters, held) for n in request.needs],
        )
        for request in requests
    ]
    return sorted(rows, key=lambda row: not row.unfilled)  # stable: oldest first within


def _need_row(
    need: Need, people: dict[int, str], rosters: dict[int, str], held: dict[int, str]
) -> NeedRow:
    """One need as the board shows it (``held``: partner names by accepter's id)."""
    accepted = people.get(need.accepted_by_id) if need.accepted_by_id else None
    return NeedRow(
        kind=need.kind,
        state=need.state,
        step=need.step_index + 1,
        steps=len(need.policy.get("steps", [])),
        round=need.round + 1,
        depth=need.depth,
        roster=rosters.get(need.roster_id) if need.roster_id else None,
        accepted_by=accepted,
        pages=[PageRow(people.get(p.person_id, "?"), p.state, p.paged_at) for p in need.pages],
        next_step_at=need.next_action_at if need.state == NeedState.PAGING else None,
        partner=held.get(need.accepted_by_id) if need.accepted_by_id else None,
        requires=tuple(need.requires or ()),
    )


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Person names by id, in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
    return {pid: name for pid, name in rows}


def _phones(session: Session, ids: set[int]) -> dict[int, str]:
    """Person phone numbers (E.164) by id, in one query."""
    if not ids:
        return {}
    rows = session.execute(select(Person.id, Person.phone).where(Person.id.in_(ids)))
    return {pid: phone for pid, phone in rows}


def _lookup(session: Session, model: type[Agency] | type[Roster], ids: set[int]) -> dict[int, str]:
    """Names of agencies or rosters by id, in one query."""
    if not ids:
        return {}
    rows = session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    return {row_id: name for row_id, name in rows}


def _sorted_names(names: dict[int, str], ids: Iterable[int]) -> list[str]:
    """The names of ``ids``, alphabetically."""
    return sorted(names.get(pid, "?") for pid in ids)
