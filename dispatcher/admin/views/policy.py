"""A roster's escalation policy: steps (whom to page, then how long to wait) and repeats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue

from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import CheckinForm, RepeatForm, StepForm
from dispatcher.admin.pages import confirm_page, confirmed, db, get_or_404
from dispatcher.admin.views.rosters import (
    EDIT_STEP,
    EDITORS,
    POLICY,
    edit_roster,
    load_roster,
    roster_form_post,
    step_form,
)
from dispatcher.durations import format_duration, parse_duration
from dispatcher.errors import ValidationError
from dispatcher.rosters.changes import (
    add_step,
    edit_step,
    move_step,
    remove_step,
    set_checkin,
    set_repeat,
)
from dispatcher.rosters.models import EscalationStep, Person, Region, Roster

MOVES = {"up": -1, "down": 1}


def _back(roster: Roster) -> ResponseReturnValue:
    """Back to the policy on the roster's page."""
    return redirect(url_for("admin.roster", roster_id=roster.id, _anchor="policy"))


def _step(step_id: int) -> tuple[Roster, EscalationStep]:
    """The step by id, with its fully loaded roster; 404 if none."""
    roster = load_roster(get_or_404(EscalationStep, step_id).roster_id)
    return roster, next(s for s in roster.steps if s.id == step_id)


def _step_fields(form: StepForm) -> tuple[str, Person | None, int, Region | None] | None:
    """The validated step's target, person, wait in seconds and region; None (the error on
    ``form``) when the wait is no duration."""
    try:
        wait = int(parse_duration(form.wait.data).total_seconds())
    except ValidationError as exc:
        form.wait.errors.append(str(exc))
        return None
    person = db().get(Person, form.person.data) if form.person.data else None
    region = db().get(Region, form.region.data) if form.region.data else None
    return form.notify.data, person, wait, region


@blueprint.post("/rosters/<int:roster_id>/steps")
@roles_required(*EDITORS)
def step_add(roster_id: int) -> ResponseReturnValue:
    """Append a step to the policy."""
    form = step_form("step", posted=True)

    def edit_of(roster: Roster) -> Callable[[], object] | None:
        """Adding the posted step."""
        fields = _step_fields(form)
        return None if fields is None else partial(add_step, db(), roster, *fields)

    return roster_form_post(roster_id, form, "step_form", edit_of, "Added the step.", POLICY)


@blueprint.post("/steps/<int:step_id>")
@roles_required(*EDITORS)
def step_edit(step_id: int) -> ResponseReturnValue:
    """Change a step's target and wait in place (the form the roster page shows for
    ``?step=<id>``)."""
    step = get_or_404(EscalationStep, step_id)
    form = step_form(EDIT_STEP, step, posted=True)

    def edit_of(roster: Roster) -> Callable[[], object] | None:
        """Changing the step to the posted one."""
        fields = _step_fields(form)
        found = next(s for s in roster.steps if s.id == step_id)
        return None if fields is None else partial(edit_step, db(), found, *fields)

    done = f"Saved step {step.position + 1}."
    shown = {"editing_step": step_id}
    return roster_form_post(step.roster_id, form, "step_edit_form", edit_of, done, POLICY, **shown)


@blueprint.post("/steps/<int:step_id>/move")
@roles_required(*EDITORS)
def step_move(step_id: int) -> ResponseReturnValue:
    """Move a step up or down (form ``direction``)."""
    roster, step = _step(step_id)
    offset = MOVES.get(request.form.get("direction", ""), 0)
    edit = partial(move_step, db(), roster, step, offset)
    edit_roster(roster, edit, "Moved the step.", place=POLICY)
    return _back(roster)


@blueprint.post("/steps/<int:step_id>/delete")
@roles_required(*EDITORS)
def step_delete(step_id: int) -> ResponseReturnValue:
    """Remove a step, once the coordinator has confirmed what that changes."""
    roster, step = _step(step_id)
    if not confirmed():
        number = roster.steps.index(step) + 1
        target = f"person:{step.person.name}" if step.person else step.notify
        if step.region:
            target = f"mutual-aid:{step.region.name}"
        wait = format_duration(timedelta(seconds=step.wait_seconds))
        return confirm_page(
            f"Remove step {number} of {roster.name}'s escalation?",
            [
                f"Step {number} pages {target}, then waits {wait}; "
                f"{roster.name} will have {len(roster.steps) - 1} step(s).",
                "Requests paging now keep the steps they started with; new requests follow "
                "the new policy.",
            ],
            f"Remove step {number}",
            url_for("admin.roster", roster_id=roster.id, _anchor="policy"),
        )
    edit_roster(roster, partial(remove_step, db(), roster, step), "Removed the step.", place=POLICY)
    return _back(roster)


@blueprint.post("/rosters/<int:roster_id>/repeat")
@roles_required(*EDITORS)
def policy_repeat(roster_id: int) -> ResponseReturnValue:
    """Set how many times the policy runs again after the first pass."""
    form = RepeatForm(prefix="policy")
    return roster_form_post(
        roster_id,
        form,
        "repeat_form",
        lambda roster: partial(set_repeat, db(), roster, form.repeat.data),
        "Saved the number of repeats.",
        POLICY,
    )


@blueprint.post("/rosters/<int:roster_id>/checkin")
@roles_required(*EDITORS)
def policy_checkin(roster_id: int) -> ResponseReturnValue:
    """Set how often whoever accepts an in-person need checks in (0: never); audited."""
    form = CheckinForm(prefix="checkin")
    return roster_form_post(
        roster_id,
        form,
        "checkin_form",
        lambda roster: partial(set_checkin, db(), roster, form.minutes.data),
        "Saved the check-in interval.",
        POLICY,
    )
