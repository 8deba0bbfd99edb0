"""Partners on a request: who not to page (pledge used up, requirement lacking), what an
accept uses of a pledge, the partner's address for the officer and the advocate, and the
declines and unanswered pages of the month's ledger.

Only counts reach the ledger (``rosters.partners``); the address is never logged.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from dispatcher.flows import notify, officers
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Need, Page
from dispatcher.flows.partner_texts import CoordinatorPledge, PartnerAddress, PartnerThanks
from dispatcher.flows.policy import Pool
from dispatcher.flows.vocabulary import NeedKind, PageState
from dispatcher.rosters import partners
from dispatcher.rosters.models import Partner, Person

log = logging.getLogger("dispatcher.pledges")
# The most nights one accept may take (``1 K7Q4 2``); more is read as one.
MOST_NIGHTS = 30


def left_out(
    session: Session, ctx: FlowContext, need: Need, pool: Pool, known: partners.Known | None = None
) -> frozenset[int]:
    """People of ``pool`` not to page for ``need`` now: their partner's pledge for the
    month is used up, or what the need requires is lacking (coordinators excepted).
    ``known`` holds the partners of the pool's people if they were looked up already."""
    everyone = {*pool.on_call, *(i for line in pool.next for i in line), *pool.everyone}
    everyone |= {*pool.coordinators, *(i for ids in pool.aid.values() for i in ids)}
    month = partners.month_of(ctx.now, ctx.settings.zone)
    found = partners.unavailable(
        session, everyone, need.requires or (), month, exempt=pool.coordinators, known=known
    )
    for reason, ids in (("pledge", found.pledge), ("requirement", found.requirement)):
        for person_id in sorted(ids):
            log.info(
                "need.person_skipped request=%s need=%s member=%s reason=%s",
                need.request.code,
                need.id,
                person_id,
                reason,
            )
    return found.everyone


def require(session: Session, ctx: FlowContext, need: Need, requires: tuple[str, ...]) -> None:
    """Add ``requires`` to a need being paged: the open pages of people who lack them are
    withdrawn (their answer no longer takes it; coordinators keep theirs), and when none
    is left the next step runs at once."""
    need.requires = sorted({*need.requires, *requires})
    waiting = [p for p in need.pages if p.state == PageState.OPEN]
    if not waiting:
        return
    coordinators = {
        p.person_id for p in waiting if session.get_one(Person, p.person_id).coordinator
    }
    month = partners.month_of(ctx.now, ctx.settings.zone)
    ids = {p.person_id for p in waiting}
    lacking = partners.unavailable(session, ids, need.requires, month, coordinators).requirement
    for page in waiting:
        if page.person_id in lacking:
            page.state = PageState.DROPPED
            log.info(
                "page.withdrawn request=%s member=%s reason=requirement",
                need.request.code,
                page.person_id,
            )
    if all(p.state != PageState.OPEN for p in waiting):
        need.next_action_at = ctx.now
        ctx.kick()


def nights_of(need: Need, asked: int | None) -> int:
    """The units an accept of ``need`` uses: the nights asked for a room (1 to MOST_NIGHTS,
    else 1), one for anything else."""
    if need.kind != NeedKind.ROOM or asked is None or not 1 <= asked <= MOST_NIGHTS:
        return 1
    return asked


def accepted(
    session: Session, ctx: FlowContext, need: Need, person: Person, asked: int | None
) -> None:
    """``person`` took ``need``: count the use for their partner, tell the coordinators at
    80% and 100% of the pledge (once each), and give the partner's address to the officer
    and to the request's accepting advocate."""
    partner = partners.partner_of(session, person.id)
    if partner is None:
        return
    used = nights_of(need, asked)
    month = partners.month_of(ctx.now, ctx.settings.zone)
    row = partners.count(session, partner, month, used=used, accepted=1)
    level = partners.alert_level(row)
    if level and partners.claim_alert(session, row, level):
        notice = CoordinatorPledge(
            partner=partner.name, need=need.kind, used=row.used, pledged=row.pledged, level=level
        )
        notify.to_coordinators(session, ctx, notice)
        log.info("pledge.alert partner=%s level=%s", partner.id, level)
    log.info("pledge.used partner=%s units=%s", partner.id, used)
    if not partner.address:
        return
    request = need.request
    nights = used if need.kind == NeedKind.ROOM else 0
    where = PartnerAddress(
        code=request.code,
        need=need.kind,
        partner=partner.name,
        address=partner.address,
        nights=nights,
    )
    notify.to_officer(session, ctx, request, where)
    advocate = officers.accepted_advocate(session, request)
    if advocate is not None and advocate.id != person.id:
        notify.to_person(session, ctx, advocate, where)


def declined(session: Session, ctx: FlowContext, person: Person) -> None:
    """``person`` declined a page: one more decline on their partner's month."""
    partner = partners.partner_of(session, person.id)
    if partner is not None:
        partners.count(session, partner, partners.month_of(ctx.now, ctx.settings.zone), declined=1)


def settled(
    session: Session,
    ctx: FlowContext,
    pages: list[Page],
    taken_by: int | None = None,
    known: partners.Known | None = None,
) -> None:
    """A need was taken (by ``taken_by``) or went unfilled: the pages of everyone else still
    unanswered count as unanswered on their partners' months (each person once). ``known``
    holds the partners of the roster's pool if they were looked up already."""
    silent = {
        p.person_id
        for p in pages
        if p.answered_at is None
        and p.state in (PageState.OPEN, PageState.EXPIRED)
        and p.person_id != taken_by
    }
    if not silent:
        return
    month = partners.month_of(ctx.now, ctx.settings.zone)
    by_partner: dict[int, int] = {}
    found = partners.partners_of(session, silent, known)
    for partner in found.values():
        by_partner[partner.id] = by_partner.get(partner.id, 0) + 1
    held = {p.id: p for p in found.values()}
    for partner_id, n in by_partner.items():
        partners.count(session, held[partner_id], month, unanswered=n)


def thank(
    session: Session, ctx: FlowContext, partner: Partner, period: str, accepted: int, units: int
) -> int:
    """Text ``partner``'s contacts its thank-you summary for ``period``; how many were
    texted (those who texted STOP are not)."""
    thanks = PartnerThanks(
        partner=partner.name, need=partner.need, period=period, accepted=accepted, units=units
    )
    reached = [p for p in partner.contacts if p.active and not p.opted_out]
    for person in reached:
        notify.to_person(session, ctx, person, thanks)
    log.info("partner.thanked partner=%s texted=%s", partner.id, len(reached))
    return len(reached)
