"""Agencies and their officers: enrollment codes (regenerate), add, revoke, delete officers."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dispatcher import web
from dispatcher.admin.auth import actor, roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.display import phone_filter
from dispatcher.admin.forms import AgencyForm, OfficerForm, show_problems
from dispatcher.admin.pages import auditor, confirm_page, confirmed, db, get_or_404, now, tell
from dispatcher.flows import enrollment
from dispatcher.flows.codes import REFERENCE_ALPHABET
from dispatcher.flows.context import FlowContext
from dispatcher.languages import LANGUAGE_LABELS, LANGUAGES
from dispatcher.rosters import agencies as agency_service
from dispatcher.rosters import contacts
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.models import Agency, Officer

EDITORS = ("coordinator",)
# The agency page's sections where their changes are confirmed.
OFFICERS, CODE = "officers", "code"
DECIDED = {
    "enrollment_approved": "{name} is enrolled and was told so.",
    "enrollment_denied_ack": "{name} was told the enrollment was not approved, and removed.",
}
CODE_GROUPS = 2  # XXXX-XXXX from the unambiguous alphabet: about 10^11 codes


def _new_code() -> str:
    """A random code no agency holds, e.g. ``K7QM-3XTA`` (no 0/O, 1/I/L look-alikes)."""
    while True:
        groups = (
            "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
            for _ in range(CODE_GROUPS)
        )
        code = "-".join(groups)
        if db().scalar(select(Agency.id).where(Agency.enrollment_code == code)) is None:
            return code


@blueprint.route("/agencies", methods=["GET", "POST"])
@roles_required(*EDITORS)
def agencies() -> ResponseReturnValue:
    """Every agency with its code and officer count; add an agency."""
    form = AgencyForm()
    if form.validate_on_submit():
        created = _create_agency(form)
        if created is not None:
            return redirect(url_for("admin.agency", agency_id=created.id))
    active = (
        select(Officer.agency_id, func.count())
        .where(Officer.revoked_at.is_(None))
        .group_by(Officer.agency_id)
    )
    counts = {agency_id: count for agency_id, count in db().execute(active)}
    found = db().scalars(select(Agency).order_by(Agency.name)).all()
    return render_template(
        "admin/agencies.html", agencies=found, counts=counts, form=form, title="Agencies"
    )


def _create_agency(form: AgencyForm) -> Agency | None:
    """Add the agency the form describes, with a new code; None (name taken) if refused."""
    try:
        agency = agency_service.save_agency(db(), auditor(), None, _details(form), _new_code())
    except Refused as refused:
        show_problems(form, refused)
        return None
    db().commit()
    flash(f"Added {agency.name}; its enrollment code is {agency.enrollment_code}.", "success")
    return agency


def _details(form: AgencyForm) -> agency_service.AgencyDetails:
    """The agency form's values."""
    return agency_service.AgencyDetails(form.name.data, form.kind.data, form.enrollment.data)


@blueprint.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def agency(agency_id: int) -> ResponseReturnValue:
    """One agency: rename it, see and add officers."""
    found = db().scalar(
        select(Agency).where(Agency.id == agency_id).options(selectinload(Agency.officers))
    ) or get_or_404(Agency, agency_id)
    form = AgencyForm(data={"name": found.name, "kind": found.kind, "enrollment": found.enrollment})
    if form.validate_on_submit():
        try:
            agency_service.save_agency(
                db(), auditor(), found, _details(form), found.enrollment_code
            )
        except Refused as refused:
            show_problems(form, refused)
        else:
            db().commit()
            flash("Saved.", "success")
            return redirect(url_for("admin.agency", agency_id=found.id))
    return render_template(
        "admin/agency.html",
        agency=found,
        form=form,
        officer_form=OfficerForm(prefix="officer"),
        title=found.name,
    )


@blueprint.post("/agencies/<int:agency_id>/code")
@roles_required(*EDITORS)
def agency_new_code(agency_id: int) -> ResponseReturnValue:
    """Replace the enrollment code (the old one stops working at once), once confirmed."""
    found = get_or_404(Agency, agency_id)
    if not confirmed():
        return confirm_page(
            f"Make a new enrollment code for {found.name}?",
            [
                f"The code {found.enrollment_code} stops working at once: officers who have not "
                "enrolled yet need the new one.",
                "Officers already enrolled keep texting as before.",
            ],
            "Make a new code",
            url_for("admin.agency", agency_id=found.id),
        )
    agency_service.replace_code(db(), auditor(), found, _new_code())
    db().commit()
    made = f"New enrollment code: {found.enrollment_code}. The old code no longer works."
    tell(made, "success", CODE)
    return redirect(url_for("admin.agency", agency_id=found.id, _anchor="code-heading"))


@blueprint.post("/agencies/<int:agency_id>/officers")
@roles_required(*EDITORS)
def officer_add(agency_id: int) -> ResponseReturnValue:
    """List an officer of this agency, allowed to open requests from their phone."""
    found = get_or_404(Agency, agency_id)
    form = OfficerForm(prefix="officer")
    if form.validate_on_submit():
        officer = _new_officer(form, found)
        if officer is not None:
            db().commit()
            return _to_officers(found.id, f"Added officer {officer.name}.")
    form_for_agency = AgencyForm(data={"name": found.name, "kind": found.kind})
    return render_template(
        "admin/agency.html", agency=found, form=form_for_agency, officer_form=form, title=found.name
    ), 400


@blueprint.post("/officers/<int:officer_id>/revoke")
@roles_required(*EDITORS)
def officer_revoke(officer_id: int) -> ResponseReturnValue:
    """Stop an officer from opening requests (kept for the record, never deleted)."""
    return _set_revoked(officer_id, revoked=True, done="{name} can no longer open requests.")


@blueprint.post("/officers/<int:officer_id>/language")
@roles_required(*EDITORS)
def officer_language(officer_id: int) -> ResponseReturnValue:
    """Set the language of an officer's texts, or unset it (English until they write in
    Spanish); audited."""
    officer = get_or_404(Officer, officer_id)
    chosen = request.form.get("language", "")
    if chosen and chosen not in LANGUAGES:
        abort(400)
    contacts.set_officer_language(db(), auditor(), officer, chosen or None)
    db().commit()
    label = LANGUAGE_LABELS.get(chosen, "not set")
    return _to_officers(officer.agency_id, f"{officer.name}'s texts: {label}.")


@blueprint.post("/officers/<int:officer_id>/delete")
@roles_required(*EDITORS)
def officer_delete(officer_id: int) -> ResponseReturnValue:
    """Delete an officer for good (their requests and call log keep no link to them), once
    confirmed."""
    officer = get_or_404(Officer, officer_id)
    agency_id = officer.agency_id
    if not confirmed():
        return confirm_page(
            f"Delete {officer.name} for good?",
            [
                f"{phone_filter(officer.phone)} can no longer open requests; texts from it get "
                "the referral, as from any unknown number.",
                "Their past requests stay in the call log, without a link to them.",
                "To keep them on record but stop their requests, revoke them instead.",
            ],
            f"Delete {officer.name}",
            url_for("admin.agency", agency_id=agency_id),
        )
    contacts.delete_officer(db(), auditor(), officer)
    db().commit()
    return _to_officers(agency_id, "The officer was deleted.")


@blueprint.post("/officers/<int:officer_id>/approve")
@roles_required(*EDITORS)
def officer_approve(officer_id: int) -> ResponseReturnValue:
    """Approve a pending enrollment by text; the officer is told (audited)."""
    return _decide(officer_id, approve=True)


@blueprint.post("/officers/<int:officer_id>/deny")
@roles_required(*EDITORS)
def officer_deny(officer_id: int) -> ResponseReturnValue:
    """Deny a pending enrollment: the officer is told and deleted (audited)."""
    return _decide(officer_id, approve=False)


def _decide(officer_id: int, *, approve: bool) -> ResponseReturnValue:
    """Settle a pending enrollment through the same service as APPROVE/DENY by text."""
    officer = get_or_404(Officer, officer_id)
    agency_id, name = officer.agency_id, officer.name
    runtime = web.runtime()
    ctx = FlowContext(runtime.settings, runtime.sealer, now())
    reply = enrollment.decide(db(), ctx, actor(), officer_id, approve=approve)
    db().commit()
    decided = DECIDED.get(reply.template, "Nothing was waiting.").format(name=name)
    return _to_officers(agency_id, decided)


@blueprint.post("/officers/<int:officer_id>/reinstate")
@roles_required(*EDITORS)
def officer_reinstate(officer_id: int) -> ResponseReturnValue:
    """Let a revoked officer open requests again."""
    return _set_revoked(officer_id, revoked=False, done="{name} can open requests again.")


def _set_revoked(officer_id: int, *, revoked: bool, done: str) -> ResponseReturnValue:
    """Revoke or reinstate an officer (audited); ``done`` names them as ``{name}``."""
    officer = get_or_404(Officer, officer_id)
    if not contacts.set_officer_revoked(db(), auditor(), officer, revoked=revoked):
        return redirect(url_for("admin.agency", agency_id=officer.agency_id))
    db().commit()
    return _to_officers(officer.agency_id, done.format(name=officer.name))


def _to_officers(agency_id: int, done: str) -> ResponseReturnValue:
    """Back to the agency's officers, with ``done`` shown beside them."""
    tell(done, "success", OFFICERS)
    return redirect(url_for("admin.agency", agency_id=agency_id, _anchor="officers-heading"))


def _new_officer(form: OfficerForm, agency: Agency) -> Officer | None:
    """The officer the form describes, added; None (with field errors) if refused."""
    config = web.runtime().settings
    rules = contacts.PhoneRules(config.default_region, config.hotline_number)
    name, phone = form.name.data.strip(), form.phone.data
    try:
        language = form.language.data or None
        return contacts.add_officer(db(), auditor(), agency, name, phone, rules, language)
    except contacts.Refused as refused:
        show_problems(form, refused)
        return None
