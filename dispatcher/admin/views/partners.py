"""Partners: organisations, their contacts, address, pledge and features; add, edit and
delete (audited, deleting after a confirmation); the thank-you summary by text."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import PartnerForm, ThanksForm, options, show_problems
from dispatcher.admin.pages import auditor, confirm_page, confirmed, db, get_or_404, now
from dispatcher.admin.views.rosters import flow_context
from dispatcher.flows import pledges
from dispatcher.rosters import ledger, needstore
from dispatcher.rosters import partners as partner_service
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.models import Partner, Person

EDITORS = ("coordinator",)


@blueprint.route("/partners", methods=["GET", "POST"])
@roles_required(*EDITORS)
def partners() -> ResponseReturnValue:
    """Every partner with its pledge and this month's use; add a partner."""
    form = _form(PartnerForm())
    if form.validate_on_submit() and (saved := _save(form, None)) is not None:
        flash(f"Added {saved.name}.", "success")
        return redirect(url_for("admin.partners"))
    month = partner_service.month_of(now(), web.runtime().settings.zone)
    lines = {line.partner_id: line for line in ledger.ledger_lines(db(), month, month)}
    found = db().scalars(select(Partner).order_by(Partner.name)).all()
    return render_template(
        "admin/partners.html", partners=found, lines=lines, month=month, form=form, title="Partners"
    )


@blueprint.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def partner(partner_id: int) -> ResponseReturnValue:
    """One partner: change it; send its thank-you summary; delete it."""
    found = get_or_404(Partner, partner_id)
    data = {
        "name": found.name,
        "need": found.need,
        "contacts": [p.id for p in found.contacts],
        "address": found.address,
        "pledge": found.pledge,
        "unit_value": found.unit_value,
        "features": list(found.features),
    }
    form = _form(PartnerForm(data=data))
    if form.validate_on_submit() and _save(form, found) is not None:
        flash("Saved.", "success")
        return redirect(url_for("admin.partner", partner_id=found.id))
    label = ledger.quarter_of(_local_today())[2]
    thanks = ThanksForm(data={"quarter": label})
    return render_template(
        "admin/partner.html", partner=found, form=form, thanks=thanks, title=found.name
    )


@blueprint.route("/partners/<int:partner_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_partner(partner_id: int) -> ResponseReturnValue:
    """Delete a partner and its ledger, after a confirmation (audited)."""
    found = get_or_404(Partner, partner_id)
    back = url_for("admin.partner", partner_id=found.id)
    if not confirmed():
        changes = [
            f"{found.name} and its ledger are deleted: its months leave the in-kind report.",
            "Its contacts stay on their rosters and are paged as people of no partner.",
        ]
        return confirm_page(f"Delete {found.name}?", changes, "Delete partner", back)
    name = found.name
    partner_service.delete_partner(db(), auditor(), found)
    db().commit()
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("admin.partners"))


@blueprint.route("/partners/<int:partner_id>/thanks", methods=["POST"])
@roles_required(*EDITORS)
def thank_partner(partner_id: int) -> ResponseReturnValue:
    """Text the partner's contacts what they gave in a quarter, after a confirmation."""
    found = get_or_404(Partner, partner_id)
    back = url_for("admin.partner", partner_id=found.id)
    form = ThanksForm()
    period = _quarter(form.quarter.data or "") if form.validate_on_submit() else None
    if period is None:
        flash("Give the quarter as 2026-Q1.", "error")
        return redirect(back)
    first, last, label = period
    accepted, units = ledger.totals(db(), found, first, last)
    if not confirmed():
        texted = [p.name for p in found.contacts if p.active and not p.opted_out]
        changes = [
            f"{label}: {accepted} answered, {units} units given.",
            f"Texted to: {', '.join(texted) or 'nobody (no contact can be texted)'}.",
        ]
        return confirm_page(f"Thank {found.name} for {label}?", changes, "Send the text", back)
    told = pledges.thank(db(), flow_context(now()), found, label, accepted, units)
    # Its own entity: a text sent changes no roster data (and leaves exported files current).
    record = {"partner": found.name, "period": label, "texted": told}
    auditor().record(db(), "send", "partner_thanks", found.id, None, record)
    db().commit()
    flash(f"Texted {told} contact{'' if told == 1 else 's'}.", "success")
    return redirect(back)


def _quarter(text: str) -> tuple[date, date, str] | None:
    """``2026-Q1`` as its first and last months and label; None when it is not one."""
    year, _, quarter = text.strip().upper().partition("-Q")
    if not (year.isdigit() and len(year) == 4 and quarter in ("1", "2", "3", "4")):
        return None
    return ledger.quarter_of(date(int(year), 3 * int(quarter) - 2, 1))


def _local_today() -> date:
    """Today in the coalition's zone."""
    return now().astimezone(web.runtime().settings.zone).date()


def _form(form: PartnerForm) -> PartnerForm:
    """The form with every configured need to give, and every active person to choose as a
    contact (and the partner they answer for already)."""
    query = select(Person).where(Person.active.is_(True)).order_by(Person.name)
    people = db().scalars(query).all()
    held = partner_service.partners_of(db(), [p.id for p in people])
    form.contacts.choices = options(
        (p.id, f"{p.name} (answers for {held[p.id].name})" if p.id in held else p.name)
        for p in people
    )
    form.need.choices = options((key, key) for key in needstore.current(db()).keys)
    return form


def _save(form: PartnerForm, found: Partner | None) -> Partner | None:
    """Save the form's partner; None (with the problems on the form) when refused."""
    values = partner_service.PartnerValues(
        name=form.name.data or "",
        need=form.need.data or "",
        address=form.address.data or "",
        pledge=form.pledge.data or 0,
        unit_value=form.unit_value.data,
        features=tuple(form.features.data or ()),
        contact_ids=tuple(form.contacts.data or ()),
    )
    try:
        saved = partner_service.save_partner(
            db(), auditor(), found, values, web.runtime().settings.zone
        )
    except Refused as refused:
        show_problems(form, refused)
        return None
    db().commit()
    return saved
