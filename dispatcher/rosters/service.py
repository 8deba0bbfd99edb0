"""Reading rosters from the database: who is on call, shifts, whom to page next.

Services take the session first, may flush and never commit. Instants in and out are
aware UTC; the rotation maths (``rotation``) does the time arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dispatcher.clock import as_utc
from dispatcher.errors import NotFound, ValidationError
from dispatcher.rosters.models import WEEKDAYS, Person, Roster, Rotation
from dispatcher.rosters.rotation import (
    OverrideSpec,
    RotationSpec,
    Shift,
    Window,
    following_in_order,
    on_call_at,
    on_call_periods,
    on_duty_at,
)


@dataclass(frozen=True)
class Candidates:
    """Whom an escalation may page at one instant; every list holds available people only.

    ``on_call``: on call now (by name). ``next``: for each rotation on duty now (windows
    applied), the participants who follow the one on duty, in rotation order; a rotation
    off duty has no line. ``everyone``: all the roster's participants and override
    people, in rotation order, on duty or not. ``coordinators``: every coordinator (by name).
    """

    on_call: list[Person]
    next: list[list[Person]]
    everyone: list[Person]
    coordinators: list[Person]


def is_available(person: Person, at: datetime) -> bool:
    """True if ``person`` can be paged at ``at``: active and not away.

    A person who texted STOP can still be paged: by a call (``flows.policy.plan_contact``).
    """
    away = person.away_until is not None and as_utc(person.away_until) > as_utc(at)
    return person.active and not away


def get_roster(session: Session, name: str) -> Roster:
    """The roster called ``name``; raises NotFound naming the rosters that do exist."""
    roster = session.scalars(select(Roster).where(Roster.name == name)).one_or_none()
    if roster is None:
        names = ", ".join(session.scalars(select(Roster.name).order_by(Roster.name))) or "none"
        raise NotFound(f"no roster named {name!r} (rosters: {names})")
    return roster


def rosters_of_kind(session: Session, kind: str) -> list[Roster]:
    """Every roster of ``kind`` (advocate, hotel, ride), by name."""
    query = select(Roster).where(Roster.kind == kind).order_by(Roster.name)
    return list(session.scalars(query))


def roster_specs(session: Session, roster: Roster) -> tuple[list[RotationSpec], list[OverrideSpec]]:
    """The roster's rotations and overrides as values for the rotation maths."""
    zone = ZoneInfo(roster.timezone)
    rotations = session.scalars(
        select(Rotation)
        .where(Rotation.roster_id == roster.id)
        .options(selectinload(Rotation.participants), selectinload(Rotation.windows))
        .order_by(Rotation.position, Rotation.id)
    )
    specs = [_rotation_spec(rotation, zone) for rotation in rotations]
    overrides = [
        OverrideSpec(o.action, o.person_id, o.replaces_id, o.starts_at, o.ends_at)
        for o in roster.overrides
    ]
    return specs, overrides


def _rotation_spec(rotation: Rotation, zone: ZoneInfo) -> RotationSpec:
    """One stored rotation as a RotationSpec."""
    windows = tuple(
        Window(frozenset(WEEKDAYS.index(day) for day in w.days), w.starts, w.ends)
        for w in rotation.windows
    )
    return RotationSpec(
        type=rotation.type,
        length=rotation.length,
        start=rotation.start,
        zone=zone,
        participants=tuple(p.person_id for p in rotation.participants),
        windows=windows,
        on_now_at=rotation.on_now_at,
        on_now_index=rotation.on_now_index,
    )


def who_is_on_call(session: Session, roster: Roster, at: datetime) -> list[Person]:
    """Everyone the schedule has on call at ``at`` (availability not applied), by name."""
    rotations, overrides = roster_specs(session, roster)
    return _by_name(_people(session, on_call_at(rotations, overrides, at)))


def shifts(
    session: Session, roster: Roster, start: datetime, end: datetime
) -> list[tuple[Shift, Person]]:
    """Every on-call period overlapping [start, end), whole, sorted by start then name.

    Rotation shifts are cut by their windows, overrides applied, and a person's overlapping
    periods from several rotations merged into one.
    """
    rotations, overrides = roster_specs(session, roster)
    periods = on_call_periods(rotations, overrides, start, end)
    people = {p.id: p for p in _people(session, {s.person_id for s in periods})}
    found = [(shift, people[shift.person_id]) for shift in periods]
    return sorted(found, key=lambda pair: (pair[0].start, pair[1].name, pair[0].end))


def escalation_candidates(session: Session, roster: Roster, at: datetime) -> Candidates:
    """Whom to page at ``at``: on call, next in order, everyone, coordinators (available).

    Away, opted-out and inactive people are left out of every list.
    """
    rotations, overrides = roster_specs(session, roster)
    scheduled = on_call_at(rotations, overrides, at)
    following = [following_in_order(s, at) for s in rotations if on_duty_at(s, at) is not None]
    pool = [pid for spec in rotations for pid in spec.participants]
    pool += [o.person_id for o in overrides if o.action != "remove" and o.person_id is not None]
    wanted = scheduled | {pid for line in following for pid in line} | set(pool)
    people = {p.id: p for p in _people(session, wanted) if is_available(p, at)}
    coordinators = session.scalars(select(Person).where(Person.coordinator.is_(True)))
    return Candidates(
        on_call=_by_name(people[pid] for pid in scheduled if pid in people),
        next=[_pick(people, line) for line in following],
        everyone=_pick(people, pool),
        coordinators=_by_name(p for p in coordinators if is_available(p, at)),
    )


def set_on_now(session: Session, rotation: Rotation, person: Person, at: datetime) -> None:
    """Make ``person`` on now for ``rotation`` from ``at``; the order continues from them.

    Raises ValidationError if ``person`` is not a participant (their first place counts).
    """
    places = [i for i, p in enumerate(rotation.participants) if p.person_id == person.id]
    if not places:
        raise ValidationError(f"{person.name} is not a participant of rotation {rotation.name}")
    rotation.on_now_at = as_utc(at)
    rotation.on_now_index = places[0]
    session.flush()


def _people(session: Session, ids: Iterable[int | None]) -> list[Person]:
    """The people with these ids."""
    wanted = {pid for pid in ids if pid is not None}
    if not wanted:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(wanted))))


def _by_name(people: Iterable[Person]) -> list[Person]:
    """People sorted by name (then id, for equal names)."""
    return sorted(people, key=lambda p: (p.name, p.id))


def _pick(people: dict[int, Person], ids: Iterable[int | None]) -> list[Person]:
    """The available people among ``ids``, in that order, each once."""
    return [people[pid] for pid in dict.fromkeys(ids) if pid is not None and pid in people]
