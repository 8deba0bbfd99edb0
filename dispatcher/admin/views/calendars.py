"""Calendar feed links on the person and roster pages: create, regenerate, revoke (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.pages import auditor, db, get_or_404
from dispatcher.rosters.calendars import (
    Owner,
    current_feed,
    feed_token,
    regenerate_feed,
    revoke_feed,
)
from dispatcher.rosters.models import Person, Roster

EDITORS = ("coordinator",)
ACTIONS = ("regenerate", "revoke")


@dataclass(frozen=True)
class CalendarLink:
    """What a page shows of an owner's feed: its address (None when it has no live feed)
    and where its buttons post."""

    url: str | None
    action: str


def calendar_link(owner: Owner) -> CalendarLink:
    """The owner's feed address (absolute, under the public base URL) and its form action."""
    if isinstance(owner, Person):
        action = url_for("admin.person_calendar", person_id=owner.id)
    else:
        action = url_for("admin.roster_calendar", roster_id=owner.id)
    feed = current_feed(db(), owner)
    if feed is None:
        return CalendarLink(None, action)
    settings = web.runtime().settings
    path = url_for("calendars.feed", token=feed_token(feed, settings.secret_key))
    return CalendarLink(settings.public_base_url + path, action)


@blueprint.post("/people/<int:person_id>/calendar")
@roles_required(*EDITORS)
def person_calendar(person_id: int) -> ResponseReturnValue:
    """Give the person's calendar feed a new address, or revoke it (form ``do``)."""
    person = get_or_404(Person, person_id)
    _change(person)
    return redirect(url_for("admin.person_edit", person_id=person.id, _anchor="calendar-feed"))


@blueprint.post("/rosters/<int:roster_id>/calendar")
@roles_required(*EDITORS)
def roster_calendar(roster_id: int) -> ResponseReturnValue:
    """Give the roster's calendar feed a new address, or revoke it (form ``do``)."""
    roster = get_or_404(Roster, roster_id)
    _change(roster)
    return redirect(url_for("admin.roster", roster_id=roster.id, _anchor="calendar-feed"))


def _change(owner: Owner) -> None:
    """Apply the form's ``do`` to the owner's feed, commit, and say what happened."""
    action = request.form.get("do")
    if action not in ACTIONS:
        abort(400)
    if action == "revoke":
        if revoke_feed(db(), auditor(), owner):
            flash("Revoked the calendar link: it no longer works.", "success")
        else:
            flash("There was no calendar link to revoke.", "error")
    else:
        regenerate_feed(db(), auditor(), owner)
        flash("Made a new calendar link; any earlier link no longer works.", "success")
    db().commit()
