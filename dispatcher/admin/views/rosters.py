"""Rosters: the list, creating and editing one, and its page with a two-week timeline.

Every edit of a roster (its rotations, overrides and policy too) is audited as an update
of the roster, with the parts of its roster-file table that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import (
    NOBODY,
    CheckinForm,
    OverrideForm,
    RepeatForm,
    RosterForm,
    RotationForm,
    StepForm,
    options,
    same,
)
from dispatcher.admin.pages import auditor, db, now, people_choices, region_choices, tell
from dispatcher.admin.timeline import Day, build_days, day_bounds, uncovered
from dispatcher.admin.views.calendars import calendar_link
from dispatcher.admin.views.roster_calendar import roster_calendar
from dispatcher.admin.views.trainings import roster_gated
from dispatcher.durations import format_duration
from dispatcher.errors import Conflict, ValidationError
from dispatcher.flows.context import FlowContext
from dispatcher.flows.rota import tell_on_call_changes
from dispatcher.rosters.changes import (
    audited,
    create_roster,
    delete_roster,
    roster_kinds,
    save_roster,
)
from dispatcher.rosters.handover import on_call_change, upcoming_periods
from dispatcher.rosters.history import recorded_shifts
from dispatcher.rosters.models import (
    EscalationStep,
    Override,
    Person,
    Roster,
    Rotation,
    RotationParticipant,
)
from dispatcher.rosters.service import RosterSpecs, roster_specs, who_is_on_call

EDITORS = ("coordinator",)
TIMELINE_DAYS = 14
POLICY = "policy"  # the policy's section of the roster page, where its confirmations show
EDIT_STEP = "edit-step"  # the prefix of the form that edits a step in place


def load_roster(roster_id: int) -> Roster:
    """The roster with everything its page shows, loaded in a few queries; 404 if none."""
    rotations = selectinload(Roster.rotations)
    roster = db().scalar(
        select(Roster)
        .where(Roster.id == roster_id)
        .options(
            rotations.selectinload(Rotation.participants).selectinload(RotationParticipant.person),
            rotations.selectinload(Rotation.windows),
            selectinload(Roster.overrides).selectinload(Override.person),
            selectinload(Roster.overrides).selectinload(Override.replaces),
            selectinload(Roster.steps).selectinload(EscalationStep.person),
        )
    )
    if roster is None:
        abort(404)
    return roster


def edit_roster(
    roster: Roster,
    edit: Callable[[], object],
    done: str,
    form: FlaskForm | None = None,
    place: str | None = None,
) -> bool:
    """Apply ``edit``, audit the roster's change and commit; False if it was refused.

    Everyone whose next 24 hours on call the edit moves is texted. A refusal is attached
    to ``form`` (which the caller shows again) or flashed; the confirmation or the flashed
    refusal shows at the page's section ``place`` (``pages.tell``).
    """
    at = now()
    before = upcoming_periods(db(), roster, at)
    try:
        audited(db(), auditor(), roster, edit)
        moved = on_call_change(db(), before, upcoming_periods(db(), roster, at))
        told = tell_on_call_changes(db(), flow_context(at), roster, moved)
    except (ValidationError, Conflict) as exc:
        db().rollback()
        if form is None:
            tell(str(exc).capitalize() + ".", "error", place)
        else:
            form.form_errors.append(str(exc).capitalize() + ".")
        return False
    db().commit()
    tell(" ".join([done, *told_note(told)]), "success", place)
    return True


def roster_form_post(
    roster_id: int,
    form: FlaskForm,
    form_name: str,
    edit_of: Callable[[Roster], Callable[[], object] | None],
    done: str,
    place: str,
    **shown: Any,
) -> ResponseReturnValue:
    """A form of the roster page posted: when it validates and ``edit_of(roster)`` gives an
    edit (None: refused, the errors are on ``form``), the edit is applied (``edit_roster``)
    and the answer goes back to the page's section ``place``; otherwise the page again
    with ``form`` (as ``form_name``, with ``shown``) and its errors."""
    roster = load_roster(roster_id)
    if form.validate_on_submit():
        edit = edit_of(roster)
        if edit is not None and edit_roster(roster, edit, done, form, place):
            return redirect(url_for("admin.roster", roster_id=roster_id, _anchor=place))
    return render_roster(load_roster(roster_id), status=400, **{form_name: form}, **shown)


def flow_context(at: datetime) -> FlowContext:
    """A flow context at ``at`` for the texts a coordinator's change sends."""
    runtime = web.runtime()
    return FlowContext(runtime.settings, runtime.sealer, at)


def told_note(told: int) -> list[str]:
    """How many people were texted about their time on call, for the confirmation."""
    if not told:
        return []
    return [f"Texted {told} {'person' if told == 1 else 'people'} whose time on call moved."]


def roster_form(**kwargs: Any) -> RosterForm:
    """The roster form offering every roster kind: built-in, or named by a configured need."""
    form = RosterForm(**kwargs)
    form.kind.choices = same(roster_kinds(db()))
    return form


@blueprint.route("/rosters", methods=["GET", "POST"])
@roles_required(*EDITORS)
def rosters() -> ResponseReturnValue:
    """Every roster, and a form to create one."""
    form = roster_form(data={"timezone": web.runtime().settings.timezone})
    if form.validate_on_submit():
        try:
            roster = create_roster(
                db(), auditor(), form.name.data, form.kind.data, form.timezone.data
            )
        except (ValidationError, Conflict) as exc:
            db().rollback()
            form.form_errors.append(str(exc).capitalize() + ".")
        else:
            db().commit()
            flash(f"Created roster {roster.name}. Add a rotation next.", "success")
            return redirect(url_for("admin.roster", roster_id=roster.id))
    found = (
        db()
        .scalars(select(Roster).options(selectinload(Roster.rotations)).order_by(Roster.name))
        .all()
    )
    return render_template("admin/rosters.html", rosters=found, form=form, title="Rosters")


@blueprint.get("/rosters/<int:roster_id>")
@roles_required(*EDITORS)
def roster(roster_id: int) -> ResponseReturnValue:
    """One roster: who is on call, rotations, overrides, policy, the timeline."""
    return render_roster(load_roster(roster_id))


@blueprint.post("/rosters/<int:roster_id>")
@roles_required(*EDITORS)
def roster_update(roster_id: int) -> ResponseReturnValue:
    """Rename a roster, or change its kind or time zone."""
    form = roster_form(prefix="roster")
    fields = (form.name.data, form.kind.data, form.timezone.data)
    return roster_form_post(
        roster_id,
        form,
        "roster_form",
        lambda found: partial(save_roster, db(), found, *fields),
        "Saved the roster.",
        "settings",
    )


@blueprint.post("/rosters/<int:roster_id>/delete")
@roles_required(*EDITORS)
def roster_delete(roster_id: int) -> ResponseReturnValue:
    """Delete a roster with its rotations, overrides and policy (audited whole).

    The form must carry ``confirm=yes`` (a checkbox), so one stray tap deletes nothing.
    """
    found = load_roster(roster_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the deletion.", "error")
        return redirect(url_for("admin.roster", roster_id=roster_id, _anchor="settings"))
    name = found.name
    delete_roster(db(), auditor(), found)
    db().commit()
    flash(f"Deleted roster {name}.", "success")
    return redirect(url_for("admin.rosters"))


def render_roster(found: Roster, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The roster page; ``forms`` replace the blank forms (to show their errors)."""
    zone = ZoneInfo(found.timezone)
    first = _first_day(zone)
    specs = roster_specs(db(), found)  # read once for the timeline, on call now, calendar
    days = roster_timeline(found, zone, first, specs)
    context = {
        "roster": found,
        "zone": zone,
        "on_call": who_is_on_call(db(), found, now(), specs),
        "days": days.days,
        "names": days.names,
        "colours": days.colours,
        "uncovered": uncovered(days.days),
        "first": first,
        "earlier": first - timedelta(days=TIMELINE_DAYS),
        "later": first + timedelta(days=TIMELINE_DAYS),
        "title": found.name,
        "calendar": calendar_link(found),
        "gated": roster_gated(found, _members(found)),
        **roster_calendar(found, zone, specs),
        **_blank_forms(found, zone),
        **_step_editing(found),
        **forms,
    }
    return render_template("admin/roster.html", **context), status


@dataclass(frozen=True)
class RosterTimeline:
    """The timeline's days, and the names and colour numbers (0-7) of the people in it."""

    days: list[Day]
    names: dict[int, str]
    colours: dict[int, int]


def roster_timeline(
    found: Roster, zone: ZoneInfo, first: date, specs: RosterSpecs
) -> RosterTimeline:
    """Who is on call when, TIMELINE_DAYS local days from ``first`` (``specs``: the
    roster's ``roster_specs``).

    Days gone by show who was on call (the shift history), the rest the rotations.
    """
    start = day_bounds(first, zone)[0]
    end = day_bounds(first + timedelta(days=TIMELINE_DAYS), zone)[0]
    periods = recorded_shifts(db(), found, start, end, specs)
    days = build_days([shift for shift, _ in periods], zone, first, TIMELINE_DAYS)
    names = {person.id: person.name for _, person in periods}
    order = sorted(names, key=lambda pid: (names[pid], pid))
    return RosterTimeline(days, names, {pid: i % 8 for i, pid in enumerate(order)})


def _members(found: Roster) -> list[Person]:
    """The roster's rotation participants, each once."""
    people = {p.person.id: p.person for r in found.rotations for p in r.participants}
    return list(people.values())


def _first_day(zone: ZoneInfo) -> date:
    """The first day of the timeline: ``?from=YYYY-MM-DD`` or today in ``zone``."""
    asked = request.args.get("from", "")
    try:
        return date.fromisoformat(asked)
    except ValueError:
        return now().astimezone(zone).date()


def _step_editing(found: Roster) -> dict[str, Any]:
    """The step edited in place (``?step=<id>``) and its form, filled in; none by default."""
    asked = request.args.get("step", "")
    step = next((s for s in found.steps if str(s.id) == asked), None)
    if step is None:
        return {"editing_step": None, "step_edit_form": None}
    return {"editing_step": step.id, "step_edit_form": step_form(EDIT_STEP, step)}


def step_form(prefix: str, step: EscalationStep | None = None, posted: bool = False) -> StepForm:
    """A step's form with the people and regions to choose from: blank, the step as it
    stands, or the posted one (``posted``)."""
    data = None
    if step is not None and not posted:
        wait = format_duration(timedelta(seconds=step.wait_seconds))
        data = {"notify": step.notify, "person": step.person_id or NOBODY, "wait": wait}
        data["region"] = step.region_id or NOBODY
    form = StepForm(prefix=prefix, data=data, **({} if posted else {"formdata": None}))
    form.person.choices = person_options(nobody=True)
    form.region.choices = region_choices()
    return form


def person_options(nobody: bool = False) -> list[Any]:
    """The active people as select options (after "(no one)" when ``nobody``), read and
    made once per request: the page has several pickers of hundreds of people."""
    if "person_options" not in g:
        g.person_options = options(people_choices())
        g.person_options_nobody = [*options([(NOBODY, "(no one)")]), *g.person_options]
    found: list[Any] = g.person_options_nobody if nobody else g.person_options
    return found


def _blank_forms(found: Roster, zone: ZoneInfo) -> dict[str, FlaskForm]:
    """Empty forms for the page, with the people to choose from."""
    hour = now().astimezone(zone).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    period = {"starts": hour, "ends": hour + timedelta(days=1)}
    override = OverrideForm(prefix="override", formdata=None, data=period)
    override.person.choices = person_options()
    override.replaces.choices = person_options(nobody=True)
    step = step_form("step")
    return {
        "roster_form": roster_form(prefix="roster", formdata=None, obj=found),
        "rotation_form": RotationForm(prefix="rotation", formdata=None),
        "override_form": override,
        "step_form": step,
        "repeat_form": RepeatForm(
            prefix="policy", formdata=None, data={"repeat": found.escalation_repeat}
        ),
        "checkin_form": CheckinForm(
            prefix="checkin", formdata=None, data={"minutes": found.checkin_seconds // 60}
        ),
    }
