"""People: list, add, edit, deactivate; away-until; opted-out state and clearing it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher import web
from dispatcher.admin import blueprint
from dispatcher.admin.auth import roles_required
from dispatcher.admin.forms import PersonForm, phone_problem
from dispatcher.admin.pages import db, get_or_404, record_change, split_words
from dispatcher.errors import ValidationError
from dispatcher.rosters.models import Officer, Person
from dispatcher.rosters.phones import parse_phone
from dispatcher.rosters.rosterexport import person_table
from dispatcher.rosters.schedule import local_to_utc, local_wall

EDITORS = ("coordinator",)


def person_snapshot(person: Person) -> dict[str, Any]:
    """What the audit log keeps of a person."""
    return {
        **person_table(person),
        "active": person.active,
        "opted_out": person.opted_out,
        "opted_out_cause": person.opted_out_cause,
    }


@blueprint.get("/people")
@roles_required(*EDITORS)
def people() -> ResponseReturnValue:
    """Everyone who can be paged, active people first."""
    found = db().scalars(select(Person).order_by(Person.active.desc(), Person.name)).all()
    return render_template("admin/people.html", people=found, title="People")


@blueprint.route("/people/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def person_new() -> ResponseReturnValue:
    """Add a person."""
    form = PersonForm()
    if form.validate_on_submit():
        person = Person(name="", phone="", languages=[], skills=[])
        if _copy_form(form, person):
            db().add(person)
            db().flush()
            record_change("create", "person", person.id, None, person_snapshot(person))
            db().commit()
            flash(f"Added {person.name}.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/person_form.html", form=form, person=None, title="Add a person")


@blueprint.route("/people/<int:person_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def person_edit(person_id: int) -> ResponseReturnValue:
    """Edit a person; their state (active, opted out) has its own buttons."""
    person = get_or_404(Person, person_id)
    form = PersonForm(data=_form_values(person))
    if form.validate_on_submit():
        old = person_snapshot(person)
        if _copy_form(form, person):
            record_change("update", "person", person.id, old, person_snapshot(person))
            db().commit()
            flash(f"Saved {person.name}.", "success")
            return redirect(url_for("admin.person_edit", person_id=person.id))
        db().rollback()
    title = f"Edit {person.name}"
    return render_template("admin/person_form.html", form=form, person=person, title=title)


@blueprint.post("/people/<int:person_id>/active")
@roles_required(*EDITORS)
def person_active(person_id: int) -> ResponseReturnValue:
    """Deactivate a person (never paged again) or make them active again (form ``active``)."""
    person = get_or_404(Person, person_id)
    old = person_snapshot(person)
    person.active = request.form.get("active") == "1"
    record_change("update", "person", person.id, old, person_snapshot(person))
    db().commit()
    state = "active again" if person.active else "deactivated: no longer paged"
    flash(f"{person.name} is {state}.", "success")
    return redirect(url_for("admin.person_edit", person_id=person.id))


@blueprint.post("/people/<int:person_id>/opt-in")
@roles_required(*EDITORS)
def person_clear_opt_out(person_id: int) -> ResponseReturnValue:
    """Clear a person's opted-out state (after they texted START to the hotline)."""
    person = get_or_404(Person, person_id)
    old = person_snapshot(person)
    person.opted_out, person.opted_out_cause, person.opted_out_at = False, None, None
    record_change("update", "person", person.id, old, person_snapshot(person))
    db().commit()
    flash(f"{person.name} can be paged by SMS again.", "success")
    return redirect(url_for("admin.person_edit", person_id=person.id))


def _form_values(person: Person) -> dict[str, Any]:
    """The stored person as form values (lists as comma-separated words, local times)."""
    away = person.away_until
    if away is not None:
        away = local_wall(away, web.runtime().settings.zone).replace(second=0, microsecond=0)
    return {
        "name": person.name,
        "phone": person.phone,
        "languages": ", ".join(person.languages),
        "skills": ", ".join(person.skills),
        "coordinator": person.coordinator,
        "language": person.language,
        "away_until": away,
    }


def _copy_form(form: PersonForm, person: Person) -> bool:
    """Copy the form onto ``person``; False (with field errors) when a value is refused."""
    settings = web.runtime().settings
    name = form.name.data.strip()
    try:
        phone = parse_phone(
            form.phone.data, name or "this person", settings.default_region, settings.hotline_number
        )
    except ValidationError as error:
        form.phone.errors.append(phone_problem(error))
        return False
    if not _unique(form, person, name, phone):
        return False
    person.name, person.phone = name, phone
    person.languages = split_words(form.languages.data)
    person.skills = split_words(form.skills.data)
    person.coordinator = bool(form.coordinator.data)
    person.language = form.language.data
    away = form.away_until.data
    person.away_until = None if away is None else local_to_utc(away, settings.zone)
    return True


def _unique(form: PersonForm, person: Person, name: str, phone: str) -> bool:
    """False (with field errors) when another person has the name or anyone the phone."""
    others = select(Person.id).where(Person.id != person.id) if person.id else select(Person.id)
    ok = True
    if db().scalar(others.where(Person.name == name)) is not None:
        form.name.errors.append("Another person has this name.")
        ok = False
    phone_taken = db().scalar(others.where(Person.phone == phone)) or db().scalar(
        select(Officer.id).where(Officer.phone == phone)
    )
    if phone_taken:
        form.phone.errors.append("Another person or officer has this number.")
        ok = False
    return ok
