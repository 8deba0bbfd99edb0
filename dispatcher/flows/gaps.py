"""Coverage gaps found before they happen: the coordinators' morning text, and at once when
someone's AWAY leaves a roster uncovered.

A gap is a span a roster's rotations are on duty for with nobody on call who can be paged
(``rosters.service.coverage_gaps``). The morning report is claimed by inserting the day's
``GapReport`` row, so it goes out once a day however many engines run or restart.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from dispatcher.clock import as_utc
from dispatcher.db import insert_ignoring_duplicates
from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import GapReport
from dispatcher.flows.rostertexts import CoverageGaps, Gap, RosterGaps
from dispatcher.rosters import service
from dispatcher.rosters.gaps import overlaps
from dispatcher.rosters.models import Override, Person, Roster, Rotation, RotationParticipant
from dispatcher.rosters.schedule import Shift, Span

log = logging.getLogger("dispatcher.gaps")

AHEAD = timedelta(days=7)
Gaps = list[tuple[Roster, list[tuple[datetime, datetime]]]]


def find_gaps(session: Session, now: datetime, rosters: list[Roster] | None = None) -> Gaps:
    """Each roster (all by default) with its gaps in the next AHEAD, rosters without gaps
    left out. A roster whose schedule cannot be read is logged and left out.

    The rosters' schedules and the people on call in them are read once for all of them
    (``service.coverage_gaps`` of each, without a query per roster)."""
    chosen = list(
        rosters if rosters is not None else session.scalars(select(Roster).order_by(Roster.name))
    )
    end = now + AHEAD
    specs = _specs(session, chosen)
    planned: list[tuple[Roster, list[Span], list[Shift]]] = []
    for roster in chosen:
        try:
            given = specs.get(roster.id)
            read = given if given is not None else service.roster_specs(session, roster)
            planned.append((roster, *service.duty_and_on_call(read, now, end)))
        except Exception as exc:  # one bad roster never hides the others' gaps
            log.warning("gaps.failed roster=%s error=%s", roster.id, type(exc).__name__)
    on_call = {shift.person_id for _, _, periods in planned for shift in periods}
    people = service.people_with_ids(session, on_call)
    found: Gaps = []
    for roster, duty, periods in planned:
        try:
            spans = service.gaps_among(duty, periods, people, now, end)
        except Exception as exc:
            log.warning("gaps.failed roster=%s error=%s", roster.id, type(exc).__name__)
            continue
        if spans:
            found.append((roster, spans))
    return found


def _specs(session: Session, rosters: list[Roster]) -> dict[int, service.RosterSpecs]:
    """Every roster's rotations and overrides in four queries (not four per roster); none
    when one cannot be read, so each roster is then read, and fails, on its own."""
    try:
        return service.specs_by_roster(session, {r.id: r.timezone for r in rosters})
    except Exception as exc:
        log.warning("gaps.specs_failed rosters=%s error=%s", len(rosters), type(exc).__name__)
        return {}


def gap_text(found: Gaps, name: str = "", cause: str = "away") -> CoverageGaps:
    """The coordinators' text for ``found`` (instants as ISO-8601, each roster's zone)."""
    return CoverageGaps(
        rosters=tuple(
            RosterGaps(
                roster=roster.name,
                zone=roster.timezone,
                gaps=tuple(Gap(as_utc(a).isoformat(), as_utc(b).isoformat()) for a, b in spans),
            )
            for roster, spans in found
        ),
        name=name,
        cause=cause,
    )


def report_daily(session: Session, ctx: FlowContext) -> bool:
    """Once a day, from ``gap_report_at`` (the coalition's zone), text the coordinators the
    gaps of the next week (nothing when there are none). True if this call claimed the day."""
    at = ctx.settings.gap_report_time
    local = ctx.now.astimezone(ctx.settings.zone)
    if at is None or local.time() < at:
        return False
    claim = insert_ignoring_duplicates(session, GapReport).values(day=local.date(), sent_at=ctx.now)
    if session.execute(claim.returning(GapReport.day)).first() is None:
        return False  # already sent today (one INSERT: two engines cannot both pass)
    found = find_gaps(session, ctx.now)
    if found:
        told = notify.to_coordinators(session, ctx, gap_text(found))
        log.info("gaps.reported rosters=%s coordinators=%s", len(found), told)
    return True


def report_after_away(session: Session, ctx: FlowContext, person: Person) -> bool:
    """Text the coordinators at once if ``person`` going away leaves a gap on one of their
    rosters while they are away (within AHEAD). True if they were told."""
    if person.away_until is None:
        return False
    rosters = list(session.scalars(rosters_of(person)))
    until = as_utc(person.away_until)
    found = [(r, s) for r, s in find_gaps(session, ctx.now, rosters) if overlaps(s, ctx.now, until)]
    if not found:
        return False
    notify.to_coordinators(session, ctx, gap_text(found, person.name))
    log.info("gaps.after_away member=%s rosters=%s", person.id, len(found))
    return True


def report_after_leaving(session: Session, ctx: FlowContext, person: Person, cause: str) -> bool:
    """Text the coordinators at once if ``person`` no longer covering (``cause``: "stopped"
    after STOP, "inactive" once deactivated) leaves a gap where they were on call within
    AHEAD, as AWAY does. True if they were told."""
    rosters = list(session.scalars(rosters_of(person)))
    found = []
    for roster, spans in find_gaps(session, ctx.now, rosters):
        theirs = [
            (shift.start, shift.end)
            for shift, who in service.shifts(session, roster, ctx.now, ctx.now + AHEAD)
            if who.id == person.id
        ]
        left = [span for span in spans if overlaps(theirs, *span)]
        if left:
            found.append((roster, left))
    if not found:
        return False
    notify.to_coordinators(session, ctx, gap_text(found, person.name, cause))
    log.info("gaps.after_leaving member=%s cause=%s rosters=%s", person.id, cause, len(found))
    return True


def rosters_of(person: Person) -> Select[Roster]:
    """The rosters ``person`` rotates on or has an override on, by name."""
    rotating = (
        select(Rotation.roster_id)
        .join(RotationParticipant, RotationParticipant.rotation_id == Rotation.id)
        .where(RotationParticipant.person_id == person.id)
    )
    overridden = select(Override.roster_id).where(
        or_(Override.person_id == person.id, Override.replaces_id == person.id)
    )
    return (
        select(Roster)
        .where(or_(Roster.id.in_(rotating), Roster.id.in_(overridden)))
        .order_by(Roster.name)
    )
