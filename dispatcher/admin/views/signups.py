"""Open shifts of a roster: publish a month (its members are texted their links), see
who took which slot, close a sign-up before its deadline (confirmed). Audited."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import SignupForm
from dispatcher.admin.pages import auditor, confirm_page, db, get_or_404, now
from dispatcher.errors import ValidationError
from dispatcher.flows import signups
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Signup
from dispatcher.rosters.models import Person, Roster
from dispatcher.rosters.schedule import local_to_utc

EDITORS = ("coordinator",)


def _context() -> FlowContext:
    runtime = web.runtime()
    return FlowContext(runtime.settings, runtime.sealer, now(), runtime.kick)


@blueprint.route("/rosters/<int:roster_id>/open-shifts", methods=["GET", "POST"])
@roles_required(*EDITORS)
def signups_page(roster_id: int) -> ResponseReturnValue:
    """The roster's sign-ups, and the form that publishes a month of open shifts."""
    roster = get_or_404(Roster, roster_id)
    form = SignupForm()
    if request.method == "GET":
        form.month.data = form.month.data or _next_month().isoformat()[:7]
    elif form.validate_on_submit():
        signup = _publish(roster, form)
        if signup is not None:
            db().commit()
            flash(f"Published {len(signup.slots)} open shifts; the members were texted.", "success")
            return redirect(url_for("admin.signup_page", signup_id=signup.id))
    found = db().scalars(
        select(Signup).where(Signup.roster_id == roster.id).order_by(Signup.month.desc())
    )
    status = 400 if form.errors else 200
    page = render_template(
        "admin/signups.html",
        roster=roster,
        form=form,
        signups=list(found),
        title=f"Open shifts: {roster.name}",
    )
    return page, status


def _next_month() -> date:
    """The first day of next month, in the coalition's zone."""
    first = now().astimezone(web.runtime().settings.zone).date().replace(day=1)
    return (first + timedelta(days=32)).replace(day=1)


def _publish(roster: Roster, form: SignupForm) -> Signup | None:
    """Publish the form's month; None (with the form's errors) when it is refused."""
    try:
        month = date.fromisoformat(f"{form.month.data.strip()}-01")
    except ValueError:
        form.month.errors.append("Write the month as 2026-12.")
        return None
    deadline = local_to_utc(form.deadline.data, ZoneInfo(roster.timezone))
    try:
        if form.source.data == "typed":
            spans = signups.parse_slots(form.slots.data or "", roster, month)
        else:
            spans = signups.pattern_slots(roster, month)
        return signups.publish(db(), _context(), auditor(), roster, month, deadline, spans)
    except ValidationError as exc:
        db().rollback()
        target = form.slots if form.source.data == "typed" else form.deadline
        if "deadline" in str(exc):
            target = form.deadline
        elif "month" in str(exc):
            target = form.month
        target.errors.append(str(exc).capitalize() + ".")
        return None


@blueprint.get("/open-shifts/<int:signup_id>")
@roles_required(*EDITORS)
def signup_page(signup_id: int) -> ResponseReturnValue:
    """One sign-up: its deadline and state, every slot with who took it."""
    signup = get_or_404(Signup, signup_id)
    roster = db().get_one(Roster, signup.roster_id)
    ids = {s.taker_id for s in signup.slots if s.taker_id is not None}
    takers = {p.id: p for p in db().scalars(select(Person).where(Person.id.in_(ids)))}
    taken = sum(1 for s in signup.slots if s.taker_id is not None)
    return render_template(
        "admin/signup.html",
        signup=signup,
        roster=roster,
        takers=takers,
        taken=taken,
        is_open=signups.is_open(signup, now()),
        title=f"Open shifts: {roster.name} {signup.month.isoformat()[:7]}",
    )


@blueprint.post("/open-shifts/<int:signup_id>/close")
@roles_required(*EDITORS)
def signup_close(signup_id: int) -> ResponseReturnValue:
    """Close a sign-up before its deadline (after a confirmation): no more claims."""
    signup = get_or_404(Signup, signup_id)
    back = url_for("admin.signup_page", signup_id=signup.id)
    if request.form.get("confirm") != "yes":
        open_count = sum(1 for s in signup.slots if s.taker_id is None)
        changes = [
            "Nobody can take a slot any more, by link or by text.",
            f"{open_count} slots stay unfilled; slots already taken stay taken.",
        ]
        return confirm_page("Close this sign-up now?", changes, "Close the sign-up", back)
    if signups.close(db(), _context(), auditor(), signup):
        flash("The sign-up is closed.", "success")
    else:
        flash("The sign-up was already closed.", "error")
    db().commit()
    return redirect(back)
