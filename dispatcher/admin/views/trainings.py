"""Trainings on the person and roster pages: add, renew, remove; a roster's requirements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.pages import auditor, db, get_or_404, now
from dispatcher.errors import ValidationError
from dispatcher.rosters.models import Person, Roster
from dispatcher.rosters.trainings import (
    Gated,
    gated_people,
    remove_training,
    save_training,
    set_requirements,
    training_state,
)

EDITORS = ("coordinator",)


@dataclass(frozen=True)
class TrainingRow:
    """One line of a person's trainings: name, dates (ISO) and state."""

    name: str
    completed: str
    expires: str
    state: str


def training_rows(person: Person, today: date) -> list[TrainingRow]:
    """The person's trainings as the page lists them, by name."""
    return [
        TrainingRow(
            t.name,
            t.completed.isoformat(),
            t.expires.isoformat() if t.expires else "",
            training_state(t, today),
        )
        for t in sorted(person.trainings, key=lambda t: t.name)
    ]


def roster_gated(roster: Roster, people: list[Person]) -> list[Gated]:
    """Members the roster's required training keeps from being paged today."""
    return gated_people(roster, people, now())


@blueprint.post("/people/<int:person_id>/trainings")
@roles_required(*EDITORS)
def person_training_save(person_id: int) -> ResponseReturnValue:
    """Add a training to a person or change its dates (form: name, completed, expires)."""
    person = get_or_404(Person, person_id)
    try:
        completed = _day(request.form.get("completed"), "completed")
        if completed is None:
            raise ValidationError("give the date the training was completed")
        expires = _day(request.form.get("expires"), "expires")
        training = save_training(
            db(), auditor(), person, request.form.get("name", ""), completed, expires
        )
    except ValidationError as exc:
        db().rollback()
        flash(str(exc).capitalize() + ".", "error")
    else:
        db().commit()
        flash(f"Saved the {training.name} training of {person.name}.", "success")
    return redirect(url_for("admin.person_edit", person_id=person_id, _anchor="trainings"))


@blueprint.post("/people/<int:person_id>/trainings/remove")
@roles_required(*EDITORS)
def person_training_remove(person_id: int) -> ResponseReturnValue:
    """Remove one of a person's trainings (form: name)."""
    person = get_or_404(Person, person_id)
    name = request.form.get("name", "")
    if remove_training(db(), auditor(), person, name):
        db().commit()
        flash(f"Removed the {name} training of {person.name}.", "success")
    else:
        flash(f"{person.name} has no training called {name}.", "error")
    return redirect(url_for("admin.person_edit", person_id=person_id, _anchor="trainings"))


@blueprint.post("/rosters/<int:roster_id>/trainings")
@roles_required(*EDITORS)
def roster_trainings(roster_id: int) -> ResponseReturnValue:
    """Set the trainings a roster requires (form: requires_training, juvenile_training)."""
    roster = get_or_404(Roster, roster_id)
    try:
        set_requirements(
            db(),
            auditor(),
            roster,
            request.form.get("requires_training"),
            request.form.get("juvenile_training"),
        )
    except ValidationError as exc:
        db().rollback()
        flash(str(exc).capitalize() + ".", "error")
    else:
        db().commit()
        flash("Saved the trainings the roster requires.", "success")
    return redirect(url_for("admin.roster", roster_id=roster_id, _anchor="trainings"))


def _day(value: str | None, field: str) -> date | None:
    """A ``YYYY-MM-DD`` form value; None when blank; ValidationError when not a date."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{field} must be a date (2026-03-06)") from None
