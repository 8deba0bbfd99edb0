"""People: list, add, edit, deactivate; away-until; opted-out state and clearing it; the
duress word (set or removed, never shown)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import PersonForm, show_problems
from dispatcher.admin.pages import auditor, confirm_page, db, get_or_404, now
from dispatcher.admin.views.calendars import calendar_link
from dispatcher.admin.views.trainings import training_rows
from dispatcher.errors import ValidationError
from dispatcher.flows import checkins, gaps, offers
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import ShiftOffer
from dispatcher.flows.rostertexts import OfferSent
from dispatcher.rosters import contacts
from dispatcher.rosters.models import Person, Roster
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
    today = now().astimezone(web.runtime().settings.zone).date()
    return render_template(
        "admin/person_form.html",
        form=form,
        person=person,
        calendar=calendar_link(person),
        trainings=training_rows(person, today),
        title=title,
        shifts=offers.upcoming_shifts(db(), person, now()),
        offers=offers.offers_of(db(), person),
        rosters={r.id: r for r in db().scalars(select(Roster))},
    )


@blueprint.post("/people/<int:person_id>/offers")
@roles_required(*EDITORS)
def person_offer(person_id: int) -> ResponseReturnValue:
    """Offer one of the person's coming shifts to the roster (as COVER by text would)."""
    person = get_or_404(Person, person_id)
    wanted = (request.form.get("roster", type=int), request.form.get("start", ""))
    shift = next(
        (
            (roster, s)
            for roster, s in offers.upcoming_shifts(db(), person, now())
            if (roster.id, s.start.isoformat()) == wanted
        ),
        None,
    )
    if shift is None:
        flash("That shift is not one of theirs any more; nothing was offered.", "error")
        return redirect(url_for("admin.person_edit", person_id=person.id))
    runtime = web.runtime()
    ctx = FlowContext(runtime.settings, runtime.sealer, now())
    reply = offers.offer_shift(db(), ctx, person, *shift)
    entry = {"roster": shift[0].name, "start": wanted[1], "answer": reply.template}
    auditor().record(db(), "offer", "person", person.id, None, entry)
    db().commit()
    if isinstance(reply.text, OfferSent):
        asked = reply.text.asked
        whom = "1 person" if asked == 1 else f"{asked} people"
        message = f"Offered to {whom} (code {reply.text.code})."
    else:
        message = "Nobody else on the roster can take it; the coordinators were told."
    flash(message, "success")
    return redirect(url_for("admin.person_edit", person_id=person.id))


@blueprint.post("/people/<int:person_id>/offers/<int:offer_id>/cancel")
@roles_required(*EDITORS)
def person_offer_cancel(person_id: int, offer_id: int) -> ResponseReturnValue:
    """Withdraw one of the person's open offers, after a confirmation; audited."""
    person = get_or_404(Person, person_id)
    offer = get_or_404(ShiftOffer, offer_id)
    back = url_for("admin.person_edit", person_id=person.id)
    if offer.from_person_id != person.id:
        abort(404)
    if request.form.get("confirm") != "yes":
        roster = db().get(Roster, offer.roster_id)
        where = roster.name if roster else "the roster"
        changes = [
            f"Offer {offer.code} on {where} is withdrawn: nobody can take it with its code.",
            "Those already asked are not texted again; the shift stays theirs.",
        ]
        return confirm_page(f"Withdraw offer {offer.code}?", changes, "Withdraw the offer", back)
    if offers.cancel(db(), auditor(), offer):
        flash(f"Offer {offer.code} is withdrawn.", "success")
    else:
        flash(f"Offer {offer.code} was already {offer.state}; nothing changed.", "error")
    db().commit()
    return redirect(back)


@blueprint.post("/people/<int:person_id>/active")
@roles_required(*EDITORS)
def person_active(person_id: int) -> ResponseReturnValue:
    """Deactivate a person (never paged again) or make them active again (form ``active``)."""
    person = get_or_404(Person, person_id)
    contacts.set_person_active(db(), auditor(), person, request.form.get("active") == "1")
    if not person.active:
        # As AWAY does: the coordinators hear at once of any gap this leaves.
        runtime = web.runtime()
        ctx = FlowContext(runtime.settings, runtime.sealer, now())
        gaps.report_after_leaving(db(), ctx, person, "inactive")
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
        "languages": list(person.languages),
        "skills": list(person.skills),
        "coordinator": person.coordinator,
        "language": person.language,
        "remind_hours": person.remind_hours,
        "channels": person.channels,
        "away_until": away,
    }


def _save(form: PersonForm, person: Person | None) -> Person | None:
    """Save the form's person and commit; None (with field errors) when it is refused."""
    settings = web.runtime().settings
    away = form.away_until.data
    details = contacts.PersonDetails(
        name=form.name.data,
        phone=form.phone.data,
        languages=list(form.languages.data or []),
        skills=list(form.skills.data or []),
        coordinator=bool(form.coordinator.data),
        away_until=None if away is None else local_to_utc(away, settings.zone),
        language=form.language.data,
        remind_hours=form.remind_hours.data,
        channels=form.channels.data,
    )
    rules = contacts.PhoneRules(settings.default_region, settings.hotline_number)
    was_away = None if person is None else person.away_until
    try:
        saved = contacts.save_person(db(), auditor(), person, details, rules)
    except contacts.Refused as refused:
        show_problems(form, refused)
        return None
    if saved.away_until is not None and saved.away_until != was_away:
        # Away set here, as by AWAY: the coordinators hear at once of any gap it leaves.
        runtime = web.runtime()
        gaps.report_after_away(db(), FlowContext(settings, runtime.sealer, now()), saved)
    db().commit()
    return saved
