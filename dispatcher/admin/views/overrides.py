"""Overrides: add, remove or replace a person on a roster for a period (e.g. a swap)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from zoneinfo import ZoneInfo

from flask import redirect, url_for
from flask.typing import ResponseReturnValue

from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import OverrideForm
from dispatcher.admin.pages import db, get_or_404
from dispatcher.admin.views.rosters import (
    EDITORS,
    edit_roster,
    load_roster,
    person_options,
    roster_form_post,
)
from dispatcher.rosters.changes import add_override, remove_override
from dispatcher.rosters.models import Override, Person, Roster
from dispatcher.rosters.rotation import local_to_utc

OVERRIDES = "overrides"  # the roster page's section, where the confirmations show


@blueprint.post("/rosters/<int:roster_id>/overrides")
@roles_required(*EDITORS)
def override_add(roster_id: int) -> ResponseReturnValue:
    """Add an override; its times are wall times in the roster's zone."""
    form = OverrideForm(prefix="override")
    form.person.choices = person_options()
    form.replaces.choices = person_options(nobody=True)

    def edit_of(roster: Roster) -> Callable[[], object]:
        """Adding the posted override."""
        zone = ZoneInfo(roster.timezone)
        period = (local_to_utc(form.starts.data, zone), local_to_utc(form.ends.data, zone))
        person = get_or_404(Person, form.person.data)
        replaced = db().get(Person, form.replaces.data) if form.replaces.data else None
        return partial(add_override, db(), roster, form.action.data, (person, replaced), period)

    done = "Added the override."
    return roster_form_post(roster_id, form, "override_form", edit_of, done, OVERRIDES)


@blueprint.post("/overrides/<int:override_id>/delete")
@roles_required(*EDITORS)
def override_delete(override_id: int) -> ResponseReturnValue:
    """Remove one override."""
    roster = load_roster(get_or_404(Override, override_id).roster_id)
    override = next(o for o in roster.overrides if o.id == override_id)
    edit = partial(remove_override, db(), roster, override)
    edit_roster(roster, edit, "Removed the override.", place=OVERRIDES)
    return redirect(url_for("admin.roster", roster_id=roster.id, _anchor="overrides"))
