"""Editing people's trainings and rosters' training requirements; who is gated today.

Services take the session first, may flush and never commit; every change is audited (a
person's trainings as an update of the person, a roster's requirements through
``changes.audited``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.clock import as_utc
from dispatcher.errors import ValidationError
from dispatcher.rosters.changes import audited
from dispatcher.rosters.models import Person, Roster, Training
from dispatcher.rosters.targets import is_current, missing_trainings

NAME_LIMIT = 80


def _record(person: Person) -> dict[str, object]:
    """A person's trainings as the audit log keeps them."""
    return {
        "trainings": [
            {"name": t.name, "completed": t.completed, "expires": t.expires}
            for t in sorted(person.trainings, key=lambda t: t.name)
        ]
    }


def save_training(
    session: Session,
    auditor: Auditor,
    person: Person,
    name: str,
    completed: date,
    expires: date | None,
) -> Training:
    """Add the training ``name`` to ``person`` or change its dates.

    Raises ValidationError for an empty or long name, or ``expires`` not after ``completed``.
    """
    name = " ".join(name.split())
    if not name or len(name) > NAME_LIMIT:
        raise ValidationError(f"a training needs a name of at most {NAME_LIMIT} characters")
    if expires is not None and expires <= completed:
        raise ValidationError("a training must expire after it was completed")
    old = _record(person)
    training = next((t for t in person.trainings if t.name == name), None)
    if training is None:
        training = Training(name=name, completed=completed, expires=expires)
        person.trainings.append(training)
    training.completed, training.expires = completed, expires
    session.flush()
    auditor.record(session, "update", "person", person.id, old, _record(person))
    return training


def remove_training(session: Session, auditor: Auditor, person: Person, name: str) -> bool:
    """Remove the training ``name`` from ``person``; False if they had none by that name."""
    old = _record(person)
    kept = [t for t in person.trainings if t.name != name]
    if len(kept) == len(person.trainings):
        return False
    person.trainings = kept
    session.flush()
    auditor.record(session, "update", "person", person.id, old, _record(person))
    return True


def set_requirements(
    session: Session,
    auditor: Auditor,
    roster: Roster,
    requires: str | None,
    juvenile: str | None,
) -> None:
    """Set the trainings ``roster`` requires (None or blank: none), audited."""

    def edit() -> None:
        roster.requires_training = _optional(requires)
        roster.juvenile_training = _optional(juvenile)
        session.flush()

    audited(session, auditor, roster, edit)


def _optional(name: str | None) -> str | None:
    """A training name, or None when blank; ValidationError when too long."""
    name = " ".join((name or "").split())
    if len(name) > NAME_LIMIT:
        raise ValidationError(f"a training name has at most {NAME_LIMIT} characters")
    return name or None


@dataclass(frozen=True)
class Gated:
    """A person not paged from a roster today, and the required trainings they lack."""

    person: Person
    missing: tuple[str, ...]


def gated_people(roster: Roster, people: list[Person], at: datetime) -> list[Gated]:
    """Those of ``people`` missing the roster's ``requires_training`` on its local date at
    ``at`` (the juvenile one is listed apart by the page), by name."""
    if not roster.requires_training:
        return []
    today = as_utc(at).astimezone(ZoneInfo(roster.timezone)).date()
    found = []
    for person in sorted(people, key=lambda p: p.name):
        held = {t.name: (t.completed, t.expires) for t in person.trainings}
        missing = missing_trainings(held, (roster.requires_training,), today)
        if missing:
            found.append(Gated(person, missing))
    return found


def training_state(training: Training, today: date) -> str:
    """``current``, ``expires soon`` (within 30 days), ``lapsed`` or ``not yet``."""
    if training.completed > today:
        return "not yet"
    if not is_current(training.completed, training.expires, today):
        return "lapsed"
    if training.expires is not None and (training.expires - today).days <= 30:
        return "expires soon"
    return "current"
