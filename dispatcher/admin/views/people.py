"""People: list, add, edit, deactivate; away-until; opted-out state and clearing it; the
duress word (set or removed, never shown)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import PersonForm, show_problems
from dispatcher.admin.pages import auditor, db, get_or_404, split_words
from dispatcher.errors import ValidationError
from dispatcher.flows import checkins
from dispatcher.rosters import contacts
from dispatcher.rosters.models import Person
from dispatcher.rosters.schedule import local_to_utc, local_wall

EDITORS = ("coordinator",)


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
        person = _save(form, None)
        if person is not None:
            flash(f"Added {person.name}.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/person_form.html", form=form, person=None, title="Add a person")


@blueprint.route("/people/<int:person_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def person_edit(person_id: int) -> ResponseReturnValue:
    """Edit a person; their state (active, opted out) has its own buttons."""
    person = get_or_404(Person, person_id)
    form = PersonForm(data=_form_values(person))
    if form.validate_on_submit() and _save(form, person) is not None:
        flash(f"Saved {person.name}.", "success")
        return redirect(url_for("admin.person_edit", person_id=person.id))
    title = f"Edit {person.name}"
    return render_template("admin/person_form.html", form=form, person=person, title=title)


@blueprint.post("/people/<int:person_id>/active")
@roles_required(*EDITORS)
def person_active(person_id: int) -> ResponseReturnValue:
    """Deactivate a person (never paged again) or make them active again (form ``active``)."""
    person = get_or_404(Person, person_id)
    contacts.set_person_active(db(), auditor(), person, request.form.get("active") == "1")
    db().commit()
    state = "active again" if person.active else "deactivated: no longer paged"
    flash(f"{person.name} is {state}.", "success")
    return redirect(url_for("admin.person_edit", person_id=person.id))


@blueprint.post("/people/<int:person_id>/opt-in")
@roles_required(*EDITORS)
def person_clear_opt_out(person_id: int) -> ResponseReturnValue:
    """Clear a person's opted-out state (after they texted START to the hotline)."""
    person = get_or_404(Person, person_id)
    contacts.clear_opt_out(db(), auditor(), person)
    db().commit()
    flash(f"{person.name} can be paged by SMS again.", "success")
    return redirect(url_for("admin.person_edit", person_id=person.id))


@blueprint.post("/people/<int:person_id>/duress")
@roles_required(*EDITORS)
def person_duress(person_id: int) -> ResponseReturnValue:
    """Set the person's duress word (form ``word``, typed by them, never shown again) or
    remove it (``remove``); the audit log records only that it changed."""
    person = get_or_404(Person, person_id)
    if request.form.get("remove") == "1":
        contacts.set_duress_hash(db(), auditor(), person, None)
        db().commit()
        flash(f"{person.name} has no duress word now.", "success")
        return redirect(url_for("admin.person_edit", person_id=person.id))
    try:
        hashed = checkins.new_duress_hash(request.form.get("word", ""))
    except ValidationError as exc:
        flash(f"Not set: {exc}.", "error")
        return redirect(url_for("admin.person_edit", person_id=person.id))
    contacts.set_duress_hash(db(), auditor(), person, hashed)
    db().commit()
    flash(f"{person.name}'s duress word is set.", "success")
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


def _save(form: PersonForm, person: Person | None) -> Person | None:
    """Save the form's person and commit; None (with field errors) when it is refused."""
    settings = web.runtime().settings
    away = form.away_until.data
    details = contacts.PersonDetails(
        name=form.name.data,
        phone=form.phone.data,
        languages=split_words(form.languages.data),
        skills=split_words(form.skills.data),
        coordinator=bool(form.coordinator.data),
        away_until=None if away is None else local_to_utc(away, settings.zone),
        language=form.language.data,
    )
    rules = contacts.PhoneRules(settings.default_region, settings.hotline_number)
    try:
        saved = contacts.save_person(db(), auditor(), person, details, rules)
    except contacts.Refused as refused:
        show_problems(form, refused)
        return None
    db().commit()
    return saved
