"""Reading rosters from the database: who is on call, shifts, whom to page next.

Services take the session first, may flush and never commit. Instants in and out are
aware UTC; the rotation maths (``rotation``) does the time arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from dispatcher.clock import as_utc
from dispatcher.errors import NotFound, ValidationError
from dispatcher.rosters.gaps import uncovered
from dispatcher.rosters.models import (
    WEEKDAYS,
    Override,
    Person,
    Roster,
    Rotation,
    RotationParticipant,
    RotationWindow,
    Training,
)
from dispatcher.rosters.rotation import (
    OverrideSpec,
    RotationSpec,
    Shift,
    Window,
    duty_periods,
    following_in_order,
    on_call_at,
    on_call_periods,
    on_duty_at,
)
from dispatcher.rosters.schedule import Span
from dispatcher.rosters.targets import missing_trainings, required_trainings

# A roster's rotations and overrides as values for the rotation maths (``roster_specs``).
RosterSpecs = tuple[list[RotationSpec], list[OverrideSpec]]


@dataclass(frozen=True)
class Candidates:
    """Whom an escalation may page at one instant; every list holds available people only.

    ``on_call``: on call now (by name). ``next``: for each rotation on duty now (windows
    applied), the participants who follow the one on duty, in rotation order; a rotation
    off duty has no line. ``everyone``: all the roster's participants and override
    people, in rotation order, on duty or not. ``coordinators``: every coordinator (by name).
    ``untrained``: the roster's available people left out of the first three lists because
    a training the roster requires for this request is missing or expired (by name).
    """

    on_call: list[Person]
    next: list[list[Person]]
    everyone: list[Person]
    coordinators: list[Person]
    untrained: list[Person] = field(default_factory=list)


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


def roster_specs(session: Session, roster: Roster) -> RosterSpecs:
    """The roster's rotations and overrides as values for the rotation maths."""
    return specs_by_roster(session, {roster.id: roster.timezone})[roster.id]


class _RotationColumns(Protocol):
    """The columns of a rotation the rotation maths reads: a stored ``Rotation`` or one of
    ``ROTATION_ROWS``."""

    @property
    def type(self) -> str: ...
    @property
    def length(self) -> int: ...
    @property
    def start(self) -> datetime: ...
    @property
    def on_now_at(self) -> datetime | None: ...
    @property
    def on_now_index(self) -> int | None: ...


def rotation_spec(rotation: Rotation, zone: ZoneInfo) -> RotationSpec:
    """One stored rotation as a RotationSpec (``zone`` is its roster's)."""
    windows = [_window(w.days, w.starts, w.ends) for w in rotation.windows]
    return _spec(rotation, zone, [p.person_id for p in rotation.participants], windows)


def _spec(
    rotation: _RotationColumns,
    zone: ZoneInfo,
    participants: Iterable[int],
    windows: Iterable[Window],
) -> RotationSpec:
    """The RotationSpec of a rotation's columns, its participants' ids in order and its
    windows: the one place a stored rotation becomes a value for the rotation maths."""
    return RotationSpec(
        type=rotation.type,
        length=rotation.length,
        start=rotation.start,
        zone=zone,
        participants=tuple(participants),
        windows=tuple(windows),
        on_now_at=rotation.on_now_at,
        on_now_index=rotation.on_now_index,
    )


def _window(days: Iterable[str], starts: time, ends: time) -> Window:
    """A stored duty window (weekday names) as a Window (weekday numbers, Monday 0)."""
    return Window(frozenset(WEEKDAYS.index(day) for day in days), starts, ends)


def who_is_on_call(
    session: Session, roster: Roster, at: datetime, specs: RosterSpecs | None = None
) -> list[Person]:
    """Everyone the schedule has on call at ``at`` (availability not applied), by name.

    ``specs``: the roster's ``roster_specs`` when the caller has them (read otherwise)."""
    rotations, overrides = specs if specs is not None else roster_specs(session, roster)
    return _by_name(_people(session, on_call_at(rotations, overrides, at)))


def on_call_everywhere(session: Session, at: datetime) -> list[tuple[str, list[str]]]:
    """``who_is_on_call`` for every roster, as names: (roster name, the names of those on
    call, by name then id), by roster name, in a fixed number of queries.

    Read as plain rows (WHO needs only the names): no mapped objects are loaded.
    """
    rosters = session.execute(ROSTER_ROWS).all()
    specs = specs_by_roster(session, {roster.id: roster.timezone for roster in rosters})
    on_call = [on_call_at(*specs[roster.id], at) for roster in rosters]
    wanted = [pid for pid in set().union(*on_call) if pid is not None]
    names: dict[int, str] = {}
    if wanted:
        names = {pid: name for pid, name in session.execute(PERSON_NAMES, {"ids": wanted})}
    return [
        (
            roster.name,
            [names[pid] for pid in sorted(ids & names.keys(), key=lambda p: (names[p], p))],
        )
        for roster, ids in zip(rosters, on_call, strict=True)
    ]


# Every roster's id, name and zone, by name; the names of people ``ids`` (built once:
# every WHO asks).
ROSTER_ROWS = select(Roster.id, Roster.name, Roster.timezone).order_by(Roster.name, Roster.id)
PERSON_NAMES = select(Person.id, Person.name).where(Person.id.in_(bindparam("ids", expanding=True)))

# The rows the rotation maths needs, for rosters ``ids`` (built once: read as plain rows,
# they cost a fraction of loading the mapped objects).
_ROSTERS: BindParameter[int] = bindparam("ids", expanding=True)
ROTATION_ROWS = (
    select(
        Rotation.id,
        Rotation.roster_id,
        Rotation.type,
        Rotation.length,
        Rotation.start,
        Rotation.on_now_at,
        Rotation.on_now_index,
    )
    .where(Rotation.roster_id.in_(_ROSTERS))
    .order_by(Rotation.position, Rotation.id)
)
PARTICIPANT_ROWS = (
    select(RotationParticipant.rotation_id, RotationParticipant.person_id)
    .join(Rotation, RotationParticipant.rotation_id == Rotation.id)
    .where(Rotation.roster_id.in_(_ROSTERS))
    .order_by(RotationParticipant.position, RotationParticipant.id)
)
WINDOW_ROWS = (
    select(
        RotationWindow.rotation_id, RotationWindow.days, RotationWindow.starts, RotationWindow.ends
    )
    .join(Rotation, RotationWindow.rotation_id == Rotation.id)
    .where(Rotation.roster_id.in_(_ROSTERS))
    .order_by(RotationWindow.id)
)
OVERRIDE_ROWS = (
    select(
        Override.roster_id,
        Override.action,
        Override.person_id,
        Override.replaces_id,
        Override.starts_at,
        Override.ends_at,
    )
    .where(Override.roster_id.in_(_ROSTERS))
    .order_by(Override.starts_at, Override.id)
)


def specs_by_roster(session: Session, zones: dict[int, str]) -> dict[int, RosterSpecs]:
    """``roster_specs`` of every roster in ``zones`` (roster id -> IANA zone), in four
    queries whatever their number."""
    ids = {"ids": list(zones)}
    participants: dict[int, list[int]] = {}
    for rotation_id, person_id in session.execute(PARTICIPANT_ROWS, ids):
        participants.setdefault(rotation_id, []).append(person_id)
    windows: dict[int, list[Window]] = {}
    for rotation_id, days, starts, ends in session.execute(WINDOW_ROWS, ids):
        windows.setdefault(rotation_id, []).append(_window(days, starts, ends))
    specs: dict[int, RosterSpecs] = {roster_id: ([], []) for roster_id in zones}
    for row in session.execute(ROTATION_ROWS, ids):
        zone = ZoneInfo(zones[row.roster_id])
        spec = _spec(row, zone, participants.get(row.id, ()), windows.get(row.id, ()))
        specs[row.roster_id][0].append(spec)
    for o in session.execute(OVERRIDE_ROWS, ids):
        specs[o.roster_id][1].append(
            OverrideSpec(o.action, o.person_id, o.replaces_id, o.starts_at, o.ends_at)
        )
    return specs


def shifts(
    session: Session,
    roster: Roster,
    start: datetime,
    end: datetime,
    specs: RosterSpecs | None = None,
) -> list[tuple[Shift, Person]]:
    """Every on-call period overlapping [start, end), whole, sorted by start then name.

    Rotation shifts are cut by their windows, overrides applied, and a person's overlapping
    periods from several rotations merged into one. ``specs``: the roster's
    ``roster_specs`` when the caller has them (read otherwise).
    """
    rotations, overrides = specs if specs is not None else roster_specs(session, roster)
    periods = on_call_periods(rotations, overrides, start, end)
    people = {p.id: p for p in _people(session, {s.person_id for s in periods})}
    found = [(shift, people[shift.person_id]) for shift in periods]
    return sorted(found, key=lambda pair: (pair[0].start, pair[1].name, pair[0].end))


def coverage_gaps(
    session: Session,
    roster: Roster,
    start: datetime,
    end: datetime,
    specs: RosterSpecs | None = None,
) -> list[tuple[datetime, datetime]]:
    """The spans of [start, end) the roster's rotations are on duty for (windows applied,
    plus override adds) with nobody on call who can be paged: away (from ``start`` until
    their return), opted out and inactive people do not cover. Sorted, aware UTC.

    ``specs`` are the roster's ``roster_specs`` when the caller has them; read here
    otherwise. Several rosters' gaps are ``duty_and_on_call`` of each, the people on call
    in all of them read at once (``people_with_ids``), then ``gaps_among`` of each."""
    duty, periods = duty_and_on_call(
        specs if specs is not None else roster_specs(session, roster), start, end
    )
    people = _people(session, {shift.person_id for shift in periods})
    return gaps_among(duty, periods, people, start, end)


def duty_and_on_call(
    specs: RosterSpecs, start: datetime, end: datetime
) -> tuple[list[Span], list[Shift]]:
    """The spans of [start, end) a roster's rotations are on duty for (windows applied,
    plus override adds), sorted, and the schedule's on-call periods in [start, end)."""
    rotations, overrides = specs
    duty = [(p.start, p.end) for spec in rotations for p in duty_periods(spec, start, end)]
    duty += [(o.start, o.end) for o in overrides if o.action == "add"]
    return sorted(duty), on_call_periods(rotations, overrides, start, end)


def gaps_among(
    duty: list[Span],
    periods: list[Shift],
    people: Iterable[Person],
    start: datetime,
    end: datetime,
) -> list[Span]:
    """The spans of ``duty`` with nobody on call in ``periods`` who can be paged, as
    ``coverage_gaps`` finds them; ``people`` holds at least everyone in ``periods``."""
    unavailable = {person.id: _unavailable(person, start, end) for person in people}
    return uncovered(duty, periods, unavailable, start, end)


def people_with_ids(session: Session, ids: Iterable[int | None]) -> list[Person]:
    """The people with these ids, in one query (none for no ids)."""
    return _people(session, ids)


def _unavailable(person: Person, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """When within [start, end) ``person`` cannot be paged (away is counted from ``start``)."""
    if not person.active or person.opted_out:
        return [(start, end)]
    if person.away_until is not None and as_utc(person.away_until) > start:
        return [(start, min(as_utc(person.away_until), end))]
    return []


def escalation_candidates(
    session: Session, roster: Roster, at: datetime, tags: Iterable[str] = ()
) -> Candidates:
    """Whom to page at ``at`` for a request with ``tags``: on call, next in order,
    everyone, coordinators (available).

    Away, opted-out and inactive people are left out of every list; so are, from the
    roster's lists, people without a current training the roster requires (``untrained``).
    Coordinators are the last resort and are never gated.
    """
    rotations, overrides = roster_specs(session, roster)
    scheduled = on_call_at(rotations, overrides, at)
    following = [following_in_order(s, at) for s in rotations if on_duty_at(s, at) is not None]
    pool = [pid for spec in rotations for pid in spec.participants]
    pool += [o.person_id for o in overrides if o.action != "remove" and o.person_id is not None]
    wanted = scheduled | {pid for line in following for pid in line} | set(pool)
    found = list(
        session.scalars(
            select(Person).where(
                Person.id.in_({pid for pid in wanted if pid is not None})
                | Person.coordinator.is_(True)
            )
        )
    )
    people = {p.id: p for p in found if p.id in wanted and is_available(p, at)}
    untrained = _untrained(session, roster, people, at, tags)
    for pid in untrained:
        del people[pid]
    return Candidates(
        on_call=_by_name(people[pid] for pid in scheduled if pid in people),
        next=[_pick(people, line) for line in following],
        everyone=_pick(people, pool),
        coordinators=_by_name(p for p in found if p.coordinator and is_available(p, at)),
        untrained=_by_name(untrained.values()),
    )


def _untrained(
    session: Session, roster: Roster, people: dict[int, Person], at: datetime, tags: Iterable[str]
) -> dict[int, Person]:
    """Those of ``people`` missing a training the roster requires for ``tags`` on the
    roster's local date at ``at``."""
    required = required_trainings(roster.requires_training, roster.juvenile_training, tags)
    if not required or not people:
        return {}
    rows = session.scalars(
        select(Training).where(Training.person_id.in_(people), Training.name.in_(required))
    )
    held: dict[int, dict[str, tuple[date, date | None]]] = {pid: {} for pid in people}
    for row in rows:
        held[row.person_id][row.name] = (row.completed, row.expires)
    today = as_utc(at).astimezone(ZoneInfo(roster.timezone)).date()
    return {
        pid: person
        for pid, person in people.items()
        if missing_trainings(held[pid], required, today)
    }


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
