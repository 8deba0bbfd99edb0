"""Drills: start one for a roster now or at a random time within a window, list them,
cancel one; and the drill report. Coordinators only; every change is audited."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import DrillForm, options
from dispatcher.admin.pages import auditor, confirm_page, confirmed, db, get_or_404, now
from dispatcher.durations import format_duration, parse_duration
from dispatcher.errors import ValidationError
from dispatcher.flows import drillreport, drills
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Drill
from dispatcher.rosters.models import Roster

EDITORS = ("coordinator",)
LISTED = 50  # the most recent drills the page lists


@blueprint.route("/drills", methods=["GET", "POST"])
@roles_required(*EDITORS)
def drills_page() -> ResponseReturnValue:
    """The drills, newest first, and the form to start one (asked to confirm first)."""
    form = _form(DrillForm())
    if form.validate_on_submit():
        within = _window(form)
        if within is not None:
            roster = get_or_404(Roster, form.roster.data)
            if not confirmed():
                return confirm_page(
                    f"Start a drill of {roster.name}?",
                    [
                        _when(within),
                        "The person on call gets a page marked DRILL; "
                        "escalation runs as the roster's policy says. Officers are not told.",
                    ],
                    "Start the drill",
                    url_for("admin.drills_page"),
                )
            try:
                drills.plan(db(), flow_context(), auditor(), roster.id, within)
            except drills.DrillRefused as refused:
                db().rollback()
                form.roster.errors = [*form.roster.errors, str(refused).capitalize() + "."]
            else:
                db().commit()
                if not within:
                    web.runtime().kick()
                flash(f"Drill of {roster.name} planned: {_when(within)}", "success")
                return redirect(url_for("admin.drills_page"))
    listed = db().execute(
        select(Drill, Roster.name)
        .join(Roster, Drill.roster_id == Roster.id)
        .order_by(Drill.created_at.desc(), Drill.id.desc())
        .limit(LISTED)
    )
    return render_template(
        "admin/drills.html", drills=[tuple(row) for row in listed], form=form, title="Drills"
    )


@blueprint.post("/drills/<int:drill_id>/cancel")
@roles_required(*EDITORS)
def drill_cancel(drill_id: int) -> ResponseReturnValue:
    """Cancel a planned or running drill (whoever is paged is told it is over)."""
    try:
        drills.cancel(db(), flow_context(), auditor(), drill_id)
    except drills.DrillRefused as refused:
        db().rollback()
        flash(str(refused).capitalize() + ".", "error")
    else:
        db().commit()
        flash("Drill cancelled.", "success")
    return redirect(url_for("admin.drills_page"))


@blueprint.get("/drills/report")
@roles_required(*EDITORS)
def drill_report() -> ResponseReturnValue:
    """Response times by roster and by person over the last 12 months, and who missed."""
    report = drillreport.drill_report(db(), now())
    return render_template("admin/drill_report.html", report=report, title="Drill report")


def flow_context() -> FlowContext:
    """A flow context at the service clock's now (the engine is kicked after commit)."""
    runtime = web.runtime()
    return FlowContext(runtime.settings, runtime.sealer, now())


def _form(form: DrillForm) -> DrillForm:
    """The form with every roster to choose."""
    rosters = db().scalars(select(Roster).order_by(Roster.name))
    form.roster.choices = options((r.id, f"{r.name} ({r.kind})") for r in rosters)
    return form


def _window(form: DrillForm) -> timedelta | None:
    """The form's window (zero: now); None, with the problem on the form, when unreadable."""
    text = (form.within.data or "").strip()
    if not text:
        return timedelta(0)
    try:
        within = parse_duration(text)
        drills.check_window(within)
    except (ValidationError, drills.DrillRefused) as exc:
        form.within.errors = [*form.within.errors, str(exc).capitalize() + "."]
        return None
    return within


def _when(within: timedelta) -> str:
    """When the drill starts, in words."""
    if not within:
        return "now."
    return f"at a random time within {format_duration(within)} (the time is not shown)."
