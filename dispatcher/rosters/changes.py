"""Edits the roster pages make: rosters, rotations, windows, participants, overrides, steps.

Each function takes the session first, checks its input (ValidationError or Conflict
naming the problem), changes the rows and their in-memory lists together (so a snapshot
taken right after sees the change), flushes, and never commits. ``create_roster``,
``delete_roster`` and ``audited`` (around any other edit) record the roster's change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.errors import Conflict, ValidationError
from dispatcher.rosters import needstore
from dispatcher.rosters.file.export import roster_table
from dispatcher.rosters.file.fields import zone_or_none
from dispatcher.rosters.history import record_shifts
from dispatcher.rosters.models import (
    ROSTER_KINDS,
    ROTATION_TYPES,
    STEP_TARGETS,
    WEEKDAYS,
    EscalationStep,
    Override,
    Person,
    Region,
    Roster,
    Rotation,
    RotationParticipant,
    RotationWindow,
)
from dispatcher.rosters.rotation import OverrideSpec
from dispatcher.rosters.targets import StepTarget

T = TypeVar("T")


def audited(session: Session, auditor: Auditor, roster: Roster, edit: Callable[[], T]) -> T:
    """Run ``edit`` (one of the edits below, on ``roster``) and record the roster's change.

    The shift history is brought up to the edit's instant, before and after, so a change
    of who is on call now is written when it happens. Whatever ``edit`` raises passes
    through, and nothing is recorded then.
    """
    old = roster_table(roster)
    record_shifts(session, roster, auditor.now)
    result = edit()
    auditor.record(session, "update", "roster", roster.id, old, roster_table(roster))
    record_shifts(session, roster, auditor.now)
    return result


def create_roster(
    session: Session, auditor: Auditor, name: str, kind: str, timezone: str
) -> Roster:
    """A new roster (``save_roster``'s checks), recorded as created."""
    roster = save_roster(session, None, name, kind, timezone)
    auditor.record(session, "create", "roster", roster.id, None, roster_table(roster))
    return roster


def delete_roster(session: Session, auditor: Auditor, roster: Roster) -> None:
    """Delete a roster with its rotations, overrides and policy, recorded whole."""
    old, roster_id = roster_table(roster), roster.id
    session.delete(roster)
    session.flush()
    auditor.record(session, "delete", "roster", roster_id, old, None)


def roster_kinds(session: Session) -> tuple[str, ...]:
    """The kinds a roster may have: the built-in ones and those configured needs name."""
    return tuple(dict.fromkeys([*ROSTER_KINDS, *needstore.current(session).roster_kinds()]))


def save_roster(
    session: Session, roster: Roster | None, name: str, kind: str, timezone: str
) -> Roster:
    """Create a roster (``roster`` None) or change its name, kind and zone."""
    name = name.strip()
    if not name:
        raise ValidationError("a roster needs a name")
    kinds = roster_kinds(session)
    if kind not in kinds:
        raise ValidationError(f"kind must be one of {', '.join(kinds)}")
    if zone_or_none(timezone.strip()) is None:
        raise ValidationError(f"{timezone!r} is not a known time zone (e.g. America/Chicago)")
    taken = select(Roster.id).where(Roster.name == name)
    if roster is not None:
        taken = taken.where(Roster.id != roster.id)
    if session.scalar(taken) is not None:
        raise Conflict(f"a roster called {name} exists already")
    if roster is None:
        roster = Roster(name=name, kind=kind, timezone=timezone.strip(), escalation_repeat=0)
        session.add(roster)
    roster.name, roster.kind, roster.timezone = name, kind, timezone.strip()
    session.flush()
    return roster


def save_rotation(
    session: Session,
    roster: Roster,
    rotation: Rotation | None,
    fields: tuple[str, str, int, datetime],
) -> Rotation:
    """Create a rotation (``rotation`` None) or change it.

    ``fields`` are the name, type, length and start (naive wall time in the roster's zone).
    """
    name, kind, length, start = fields
    name = name.strip()
    if not name or kind not in ROTATION_TYPES or length < 1 or start.tzinfo is not None:
        raise ValidationError("a rotation needs a name, a type, a length of 1 or more, a start")
    if any(r.name == name and r is not rotation for r in roster.rotations):
        raise Conflict(f"roster {roster.name} has a rotation called {name} already")
    if rotation is None:
        rotation = Rotation(name=name, position=len(roster.rotations))
        roster.rotations.append(rotation)
    rotation.name, rotation.type, rotation.length, rotation.start = name, kind, length, start
    session.flush()
    return rotation


def remove_rotation(session: Session, roster: Roster, rotation: Rotation) -> None:
    """Delete a rotation and renumber the others."""
    roster.rotations.remove(rotation)
    for position, other in enumerate(roster.rotations):
        other.position = position
    session.flush()


def add_window(
    session: Session, rotation: Rotation, days: Sequence[str], starts: time, ends: time
) -> RotationWindow:
    """Restrict ``rotation`` to a window; ``ends <= starts`` runs past midnight."""
    unknown = set(days) - set(WEEKDAYS)
    if not days or unknown:
        raise ValidationError("pick at least one day of the week")
    window = RotationWindow(
        days=[day for day in WEEKDAYS if day in days],
        starts=starts.replace(tzinfo=None),
        ends=ends.replace(tzinfo=None),
    )
    rotation.windows.append(window)
    session.flush()
    return window


def remove_window(session: Session, rotation: Rotation, window: RotationWindow) -> None:
    """Lift one window (a rotation without windows is on duty all the time)."""
    rotation.windows.remove(window)
    session.flush()


def add_participant(session: Session, rotation: Rotation, person: Person) -> None:
    """Put ``person`` at the end of the rotation's order."""
    place = RotationParticipant(person=person, position=len(rotation.participants))
    _reorder(rotation, [*rotation.participants, place])
    session.flush()


def move_participant(
    session: Session, rotation: Rotation, place: RotationParticipant, step: int
) -> None:
    """Move one place ``step`` positions up (negative) or down; whoever is on now stays on."""
    places = list(rotation.participants)
    index = places.index(place)
    target = min(max(index + step, 0), len(places) - 1)
    places.insert(target, places.pop(index))
    _reorder(rotation, places)
    session.flush()


def remove_participant(session: Session, rotation: Rotation, place: RotationParticipant) -> None:
    """Take one place out of the order; if it was on now, the next in order takes over."""
    _reorder(rotation, [p for p in rotation.participants if p is not place])
    session.flush()


def _on_now_place(rotation: Rotation) -> RotationParticipant | None:
    """The place a coordinator set as on now, if any."""
    if rotation.on_now_index is None or not rotation.participants:
        return None
    return rotation.participants[rotation.on_now_index % len(rotation.participants)]


def _reorder(rotation: Rotation, places: list[RotationParticipant]) -> None:
    """Make ``places`` the rotation's order, keeping "on now" on the same place."""
    on_now = _on_now_place(rotation)
    before = list(rotation.participants)
    rotation.participants[:] = places
    for position, place in enumerate(places):
        place.position = position
    if on_now is None:
        return
    if on_now in places:
        rotation.on_now_index = places.index(on_now)
    elif places:
        rotation.on_now_index = before.index(on_now) % len(places)
    else:
        rotation.on_now_at = rotation.on_now_index = None


def add_override(
    session: Session,
    roster: Roster,
    action: str,
    people: tuple[Person, Person | None],
    period: tuple[datetime, datetime],
) -> Override:
    """Add, remove or replace a person for [start, end) (aware instants).

    ``people`` is (person, replaced); ``replaced`` is required by ``replace`` only.
    """
    person, replaced = people
    starts_at, ends_at = period
    if action != "replace":
        replaced = None
    elif replaced is None or replaced.id == person.id:
        raise ValidationError("a replace needs the person replaced, who is someone else")
    if ends_at <= starts_at:
        raise ValidationError("an override must end after it starts")
    try:
        OverrideSpec(action, person.id, replaced.id if replaced else None, starts_at, ends_at)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    override = Override(
        action=action, person=person, replaces=replaced, starts_at=starts_at, ends_at=ends_at
    )
    roster.overrides.append(override)
    session.flush()
    return override


def remove_override(session: Session, roster: Roster, override: Override) -> None:
    """Delete one override."""
    roster.overrides.remove(override)
    session.flush()


def add_step(
    session: Session,
    roster: Roster,
    notify: str,
    person: Person | None,
    wait_seconds: int,
    region: Region | None = None,
) -> EscalationStep:
    """Append an escalation step; ``person`` is required by ``notify="person"`` only, and
    ``region`` by ``notify="mutual-aid"`` only (a region other than those it serves)."""
    _check_step(roster, notify, person, region, wait_seconds)
    step = EscalationStep(
        notify=notify,
        person=person,
        region=region,
        wait_seconds=wait_seconds,
        position=len(roster.steps),
    )
    roster.steps.append(step)
    session.flush()
    return step


def edit_step(
    session: Session,
    step: EscalationStep,
    notify: str,
    person: Person | None,
    wait_seconds: int,
    region: Region | None = None,
) -> None:
    """Change one step's target, region and wait where it stands in the policy. A
    mutual-aid step posted without a region keeps the one it had (a roster file may have
    left it to any region)."""
    kept = notify == StepTarget.MUTUAL_AID == step.notify and region is None
    region = step.region if kept else region
    _check_step(step.roster, notify, person, region, wait_seconds, any_region=kept)
    step.notify = notify
    step.person = person
    step.region = region
    step.wait_seconds = wait_seconds
    session.flush()


def _check_step(
    roster: Roster,
    notify: str,
    person: Person | None,
    region: Region | None,
    wait_seconds: int,
    *,
    any_region: bool = False,
) -> None:
    """Refuse a step that pages no known target, lacks its person or region (or has one it
    does not take), calls on a region the roster serves, or waits less than a second;
    ``any_region`` lets a mutual-aid step keep no region."""
    targets = (*STEP_TARGETS, StepTarget.MUTUAL_AID)
    if notify not in targets:
        raise ValidationError(f"a step pages one of {', '.join(targets)}")
    if (notify == StepTarget.PERSON) != (person is not None):
        raise ValidationError("pick a person for a 'person' step (and only for one)")
    aid = notify == StepTarget.MUTUAL_AID
    if (region is not None and not aid) or (aid and region is None and not any_region):
        raise ValidationError("pick a region for a 'mutual-aid' step (and only for one)")
    if region is not None and region in roster.regions:
        raise ValidationError("a mutual-aid step calls on a region the roster does not serve")
    if wait_seconds < 1:
        raise ValidationError("a step waits at least one second")


def move_step(session: Session, roster: Roster, step: EscalationStep, offset: int) -> None:
    """Move one step ``offset`` places up (negative) or down."""
    steps = list(roster.steps)
    index = steps.index(step)
    steps.insert(min(max(index + offset, 0), len(steps) - 1), steps.pop(index))
    _renumber(roster, steps)
    session.flush()


def remove_step(session: Session, roster: Roster, step: EscalationStep) -> None:
    """Delete one step and renumber the rest."""
    _renumber(roster, [s for s in roster.steps if s is not step])
    session.flush()


def set_repeat(session: Session, roster: Roster, repeat: int) -> None:
    """How many times the whole policy runs again after the first pass (0 to 20)."""
    if not 0 <= repeat <= 20:
        raise ValidationError("repeat must be between 0 and 20")
    roster.escalation_repeat = repeat
    session.flush()


def set_checkin(session: Session, roster: Roster, minutes: int) -> None:
    """Safety check-ins of the roster's in-person needs every ``minutes`` (5 to 720), or
    none (0)."""
    if minutes != 0 and not 5 <= minutes <= 720:
        raise ValidationError("check-ins are every 5 to 720 minutes, or 0 for none")
    roster.checkin_seconds = minutes * 60
    session.flush()


def _renumber(roster: Roster, steps: list[EscalationStep]) -> None:
    """Make ``steps`` the policy, in this order."""
    roster.steps[:] = steps
    for position, step in enumerate(steps):
        step.position = position
