"""The drill report: response times by roster and by person over the last 12 months, and
who missed a drill page.

Read from the ``Drill`` rows only (the result each drill recorded when it ended), so a
drill counts here and nowhere else: not in the statistics, the call log or an export.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows.drills import MISSED
from dispatcher.flows.models import Drill
from dispatcher.flows.vocabulary import DrillState, PageState
from dispatcher.rosters.models import Person, Roster

PERIOD = timedelta(days=365)
ENDED = (DrillState.PASSED, DrillState.MISSED)


@dataclass(frozen=True)
class Ended:
    """One drill that ran to its end, as the report reads it."""

    roster: str
    started_at: datetime
    passed: bool
    seconds_to_accept: int | None
    depth: int
    steps: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class RosterLine:
    """A roster's drills: how many, passed, missed, the median and slowest time to accept."""

    roster: str
    drills: int
    passed: int
    missed: int
    median_seconds: int | None
    slowest_seconds: int | None
    median_depth: float | None


@dataclass(frozen=True)
class PersonLine:
    """One person's drill pages: how many, accepted, declined, missed, and their median time
    from the page to their accept."""

    name: str
    pages: int
    accepted: int
    declined: int
    missed: int
    median_seconds: int | None


@dataclass(frozen=True)
class Miss:
    """A drill page not answered in its step: when, which roster, who, at which step."""

    started_at: datetime
    roster: str
    name: str
    step: int


@dataclass(frozen=True)
class DrillReport:
    """The report since ``since``: by roster, by person, and the misses (newest first)."""

    since: datetime
    rosters: tuple[RosterLine, ...]
    people: tuple[PersonLine, ...]
    misses: tuple[Miss, ...]


def drill_report(session: Session, now: datetime) -> DrillReport:
    """The report of the drills started in the 12 months before ``now``."""
    since = now - PERIOD
    ended = ended_between(session, since, now)
    names = {row.id: row.name for row in session.execute(select(Person.id, Person.name))}
    return summarize(since, ended, names)


def ended_between(session: Session, start: datetime, end: datetime) -> list[Ended]:
    """The drills started in ``[start, end)`` that ran to their end, oldest first."""
    query = (
        select(Drill, Roster.name)
        .join(Roster, Drill.roster_id == Roster.id)
        .where(Drill.state.in_(ENDED), Drill.started_at >= start, Drill.started_at < end)
        .order_by(Drill.started_at, Drill.id)
    )
    return [
        Ended(
            roster=name,
            started_at=drill.started_at,
            passed=drill.state == DrillState.PASSED,
            seconds_to_accept=drill.seconds_to_accept,
            depth=drill.depth,
            steps=tuple(drill.steps or ()),
        )
        for drill, name in session.execute(query)
        if drill.started_at is not None
    ]


def summarize(since: datetime, ended: Iterable[Ended], names: Mapping[int, str]) -> DrillReport:
    """The report of ``ended`` (pure): people are named by ``names`` (a removed person is
    "someone removed")."""
    by_roster: dict[str, list[Ended]] = defaultdict(list)
    pages: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    misses = []
    for drill in ended:
        by_roster[drill.roster].append(drill)
        for step in drill.steps:
            name = names.get(step.get("member_id") or -1, "someone removed")
            pages[name].append(step)
            if step.get("answer") == MISSED:
                misses.append(Miss(drill.started_at, drill.roster, name, int(step["step"])))
    return DrillReport(
        since=since,
        rosters=tuple(_roster_line(r, d) for r, d in sorted(by_roster.items())),
        people=tuple(_person_line(n, p) for n, p in sorted(pages.items())),
        misses=tuple(sorted(misses, key=lambda m: m.started_at, reverse=True)),
    )


def _roster_line(roster: str, drills: list[Ended]) -> RosterLine:
    """One roster's line of the report."""
    times = [d.seconds_to_accept for d in drills if d.passed and d.seconds_to_accept is not None]
    depths = [d.depth for d in drills if d.passed]
    return RosterLine(
        roster=roster,
        drills=len(drills),
        passed=sum(1 for d in drills if d.passed),
        missed=sum(1 for d in drills if not d.passed),
        median_seconds=int(median(times)) if times else None,
        slowest_seconds=max(times) if times else None,
        median_depth=float(median(depths)) if depths else None,
    )


def _person_line(name: str, steps: list[Mapping[str, Any]]) -> PersonLine:
    """One person's line: their pages and how they answered them."""
    answers = [s.get("answer") for s in steps]
    times = [
        int(s["answered_after"]) - int(s["paged_after"])
        for s in steps
        if s.get("answer") == PageState.ACCEPTED and s.get("answered_after") is not None
    ]
    return PersonLine(
        name=name,
        pages=len(steps),
        accepted=answers.count(PageState.ACCEPTED),
        declined=answers.count(PageState.DECLINED),
        missed=answers.count(MISSED),
        median_seconds=int(median(times)) if times else None,
    )


def passed_between(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """(drills passed, drills that ran to their end) among those started in ``[start, end)``."""
    ended = ended_between(session, start, end)
    return sum(1 for d in ended if d.passed), len(ended)
