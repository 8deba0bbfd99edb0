"""Regions: which agencies are in each and which rosters serve it; add and edit, audited."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import RegionForm, options, show_problems
from dispatcher.admin.pages import auditor, confirm_page, confirmed, db, get_or_404
from dispatcher.errors import Conflict
from dispatcher.rosters import regions as region_service
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.models import Agency, Region, Roster

EDITORS = ("coordinator",)


@blueprint.route("/regions", methods=["GET", "POST"])
@roles_required(*EDITORS)
def regions() -> ResponseReturnValue:
    """Every region with its agencies and rosters; add a region."""
    form = _form(RegionForm())
    if form.validate_on_submit() and (saved := _save(form, None)) is not None:
        flash(f"Added {saved.name}.", "success")
        return redirect(url_for("admin.regions"))
    found = db().scalars(select(Region).order_by(Region.name)).all()
    serving_all = db().scalars(select(Roster).where(~Roster.regions.any()).order_by(Roster.name))
    return render_template(
        "admin/regions.html",
        regions=found,
        serving_all=serving_all.all(),
        form=form,
        title="Regions",
    )


@blueprint.route("/regions/<int:region_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def region(region_id: int) -> ResponseReturnValue:
    """One region: rename it, choose its agencies and rosters."""
    found = get_or_404(Region, region_id)
    data = {
        "name": found.name,
        "agencies": [a.id for a in found.agencies],
        "rosters": [r.id for r in found.rosters],
    }
    form = _form(RegionForm(data=data))
    if form.validate_on_submit() and _save(form, found) is not None:
        flash("Saved.", "success")
        return redirect(url_for("admin.region", region_id=found.id))
    return render_template("admin/region.html", region=found, form=form, title=found.name)


@blueprint.post("/regions/<int:region_id>/delete")
@roles_required(*EDITORS)
def region_delete(region_id: int) -> ResponseReturnValue:
    """Delete a region nothing uses, after a confirmation; refused, saying what uses it."""
    found = get_or_404(Region, region_id)
    back = url_for("admin.region", region_id=found.id)
    uses = region_service.region_uses(db(), found)
    if uses:
        flash(f"{found.name} cannot be deleted while in use: {'; '.join(uses)}.", "error")
        return redirect(back)
    if not confirmed():
        changes = [f"{found.name} is deleted; no agency, roster or step uses it."]
        return confirm_page(f"Delete {found.name}?", changes, "Delete region", back)
    name = found.name
    try:
        region_service.delete_region(db(), auditor(), found)
    except Conflict as conflict:
        flash(str(conflict), "error")
        return redirect(back)
    db().commit()
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("admin.regions"))


def _form(form: RegionForm) -> RegionForm:
    """The form with every agency (and its current region) and every roster to choose."""
    agencies = db().scalars(select(Agency).order_by(Agency.name))
    form.agencies.choices = options(
        (a.id, f"{a.name} (now in {a.region.name})" if a.region else a.name) for a in agencies
    )
    rosters = db().scalars(select(Roster).order_by(Roster.name))
    form.rosters.choices = options((r.id, f"{r.name} ({r.kind})") for r in rosters)
    return form


def _save(form: RegionForm, found: Region | None) -> Region | None:
    """Save the form's region; None (with the problems on the form) when refused."""
    try:
        saved = region_service.save_region(
            db(),
            auditor(),
            found,
            form.name.data or "",
            form.agencies.data or [],
            form.rosters.data or [],
        )
    except Refused as refused:
        show_problems(form, refused)
        return None
    db().commit()
    return saved
