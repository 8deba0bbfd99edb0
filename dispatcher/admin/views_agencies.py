"""Agencies and their officers: enrollment codes (regenerate), add, revoke, delete officers."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from dispatcher import web
from dispatcher.admin import blueprint
from dispatcher.admin.auth import actor, roles_required
from dispatcher.admin.forms import AgencyForm, OfficerForm, phone_problem
from dispatcher.admin.pages import db, get_or_404, now, record_change
from dispatcher.errors import ValidationError
from dispatcher.flows import enrollment
from dispatcher.flows.codes import REFERENCE_ALPHABET
from dispatcher.flows.context import FlowContext
from dispatcher.languages import LANGUAGE_LABELS, LANGUAGES
from dispatcher.rosters.models import Agency, Officer, Person
from dispatcher.rosters.officernames import name_for_the_record
from dispatcher.rosters.phones import parse_phone
from dispatcher.rosters.rosterexport import agency_record

EDITORS = ("coordinator",)
DECIDED = {
    "enrollment_approved": "{name} is enrolled and was told so.",
    "enrollment_denied_ack": "{name} was told the enrollment was not approved, and removed.",
}
CODE_GROUPS = 2  # XXXX-XXXX from the unambiguous alphabet: about 10^11 codes


def new_enrollment_code(session: Session) -> str:
    """A random code no agency holds, e.g. ``K7QM-3XTA`` (no 0/O, 1/I/L look-alikes)."""
    while True:
        groups = (
            "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
            for _ in range(CODE_GROUPS)
        )
        code = "-".join(groups)
        if session.scalar(select(Agency.id).where(Agency.enrollment_code == code)) is None:
            return code


def officer_snapshot(officer: Officer) -> dict[str, Any]:
    """What the audit log keeps of an officer (a name that is not one is not copied)."""
    return {
        "name": name_for_the_record(officer.name),
        "phone": officer.phone,
        "agency_id": officer.agency_id,
        "revoked_at": officer.revoked_at,
        "language": officer.language,
    }


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
    name = form.name.data.strip()
    if db().scalar(select(Agency.id).where(Agency.name == name)) is not None:
        form.name.errors.append("An agency has this name already.")
        return None
    kind = form.kind.data.strip().lower()
    agency = Agency(
        name=name,
        kind=kind,
        enrollment_code=new_enrollment_code(db()),
        enrollment=form.enrollment.data,
    )
    db().add(agency)
    db().flush()
    record_change("create", "agency", agency.id, None, agency_record(agency))
    db().commit()
    flash(f"Added {agency.name}; its enrollment code is {agency.enrollment_code}.", "success")
    return agency


@blueprint.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def agency(agency_id: int) -> ResponseReturnValue:
    """One agency: rename it, see and add officers."""
    found = db().scalar(
        select(Agency).where(Agency.id == agency_id).options(selectinload(Agency.officers))
    ) or get_or_404(Agency, agency_id)
    form = AgencyForm(data={"name": found.name, "kind": found.kind, "enrollment": found.enrollment})
    if form.validate_on_submit():
        name = form.name.data.strip()
        taken = select(Agency.id).where(Agency.name == name, Agency.id != found.id)
        if db().scalar(taken) is not None:
            form.name.errors.append("An agency has this name already.")
        else:
            old = agency_record(found)
            found.name, found.kind = name, form.kind.data.strip().lower()
            found.enrollment = form.enrollment.data
            record_change("update", "agency", found.id, old, agency_record(found))
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
    """Replace the enrollment code (the old one stops working at once)."""
    found = get_or_404(Agency, agency_id)
    old = {"enrollment_code": found.enrollment_code}
    found.enrollment_code = new_enrollment_code(db())
    record_change("update", "agency", found.id, old, {"enrollment_code": found.enrollment_code})
    db().commit()
    flash(f"New enrollment code: {found.enrollment_code}. The old code no longer works.", "success")
    return redirect(url_for("admin.agency", agency_id=found.id))


@blueprint.post("/agencies/<int:agency_id>/officers")
@roles_required(*EDITORS)
def officer_add(agency_id: int) -> ResponseReturnValue:
    """List an officer of this agency, allowed to open requests from their phone."""
    found = get_or_404(Agency, agency_id)
    form = OfficerForm(prefix="officer")
    if form.validate_on_submit():
        officer = _new_officer(form, found)
        if officer is not None:
            record_change("create", "officer", officer.id, None, officer_snapshot(officer))
            db().commit()
            flash(f"Added officer {officer.name}.", "success")
            return redirect(url_for("admin.agency", agency_id=found.id))
    form_for_agency = AgencyForm(data={"name": found.name, "kind": found.kind})
    return render_template(
        "admin/agency.html", agency=found, form=form_for_agency, officer_form=form, title=found.name
    ), 400


@blueprint.post("/officers/<int:officer_id>/revoke")
@roles_required(*EDITORS)
def officer_revoke(officer_id: int) -> ResponseReturnValue:
    """Stop an officer from opening requests (kept for the record, never deleted)."""
    officer = get_or_404(Officer, officer_id)
    if officer.revoked_at is None:
        old = officer_snapshot(officer)
        officer.revoked_at = now()
        record_change("update", "officer", officer.id, old, officer_snapshot(officer))
        db().commit()
        flash(f"{officer.name} can no longer open requests.", "success")
    return redirect(url_for("admin.agency", agency_id=officer.agency_id))


@blueprint.post("/officers/<int:officer_id>/language")
@roles_required(*EDITORS)
def officer_language(officer_id: int) -> ResponseReturnValue:
    """Set the language of an officer's texts, or unset it (English until they write in
    Spanish); audited."""
    officer = get_or_404(Officer, officer_id)
    chosen = request.form.get("language", "")
    if chosen and chosen not in LANGUAGES:
        abort(400)
    old = officer_snapshot(officer)
    officer.language = chosen or None
    record_change("update", "officer", officer.id, old, officer_snapshot(officer))
    db().commit()
    flash(f"{officer.name}'s texts: {LANGUAGE_LABELS.get(chosen, 'not set')}.", "success")
    return redirect(url_for("admin.agency", agency_id=officer.agency_id))


@blueprint.post("/officers/<int:officer_id>/delete")
@roles_required(*EDITORS)
def officer_delete(officer_id: int) -> ResponseReturnValue:
    """Delete an officer for good (their requests and call log keep no link to them)."""
    officer = get_or_404(Officer, officer_id)
    agency_id = officer.agency_id
    record_change("delete", "officer", officer.id, officer_snapshot(officer), None)
    db().delete(officer)
    db().commit()
    flash("The officer was deleted.", "success")
    return redirect(url_for("admin.agency", agency_id=agency_id))


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
    flash(DECIDED.get(reply.template, "Nothing was waiting.").format(name=name), "success")
    return redirect(url_for("admin.agency", agency_id=agency_id))


@blueprint.post("/officers/<int:officer_id>/reinstate")
@roles_required(*EDITORS)
def officer_reinstate(officer_id: int) -> ResponseReturnValue:
    """Let a revoked officer open requests again."""
    officer = get_or_404(Officer, officer_id)
    if officer.revoked_at is not None:
        old = officer_snapshot(officer)
        officer.revoked_at = None
        record_change("update", "officer", officer.id, old, officer_snapshot(officer))
        db().commit()
        flash(f"{officer.name} can open requests again.", "success")
    return redirect(url_for("admin.agency", agency_id=officer.agency_id))


def _new_officer(form: OfficerForm, agency: Agency) -> Officer | None:
    """The officer the form describes, added; None (with field errors) if refused."""
    name, config = form.name.data.strip(), web.runtime().settings
    try:
        phone = parse_phone(form.phone.data, name, config.default_region, config.hotline_number)
    except ValidationError as error:
        form.phone.errors.append(phone_problem(error))
        return None
    taken = db().scalar(select(Officer.id).where(Officer.phone == phone)) or db().scalar(
        select(Person.id).where(Person.phone == phone)
    )
    if taken:
        form.phone.errors.append("Another officer or person has this number.")
        return None
    officer = Officer(
        agency_id=agency.id, name=name, phone=phone, enrolled_by="admin", enrolled_at=now()
    )
    officer.language = form.language.data or None
    db().add(officer)
    db().flush()
    return officer
