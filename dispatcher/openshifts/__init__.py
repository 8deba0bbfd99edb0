"""A member's open-shift page: ``/shifts/<token>``, no sign-in; the token in the address
(``flows.signups.token``: both ids and an HMAC under the secret key, good until the
deadline) says who they are and for which month.

An unknown, forged or outdated token gets the same plain 404 as a page that does not
exist. The page is in the member's language and the roster's zone, never cached, never
indexed, and each link is rate-limited like a calendar feed.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from dispatcher import web
from dispatcher.flows import signups
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import OpenSlot, Signup
from dispatcher.languages import language_or_default
from dispatcher.rosters.models import Person, Roster

blueprint = Blueprint("openshifts", __name__, template_folder="templates")
RESULTS = ("taken", "gone")


def _opened(value: str) -> tuple[Signup, Person, Roster]:
    """The sign-up, member and roster the token opens; 404 for any other token, 429 when
    the link is used too often."""
    runtime = web.runtime()
    found = signups.open_link(web.db_session(), value, runtime.settings.secret_key)
    if found is None:
        abort(404)
    signup, person = found
    wait = web.over_rate(f"signup:{signup.id}:{person.id}", runtime.settings.feed_per_minute)
    if wait is not None:
        abort(Response("Too many requests; try again later.\n", 429, {"Retry-After": str(wait)}))
    return signup, person, web.db_session().get_one(Roster, signup.roster_id)


@blueprint.get("/shifts/<token>")
def page(token: str) -> ResponseReturnValue:
    """The member's page: the slots they have, the open ones with a button each."""
    signup, person, roster = _opened(token)
    now = web.runtime().clock.now()
    zone, language = ZoneInfo(roster.timezone), language_or_default(person.language)
    mine = [s for s in signup.slots if s.taker_id == person.id]
    free = [s for s in signup.slots if s.taker_id is None and s.start > now]
    result = request.args.get("result")
    number = request.args.get("n", type=int)
    with force_locale(language):
        body = render_template(
            "openshifts/page.html",
            language=language,
            person=person,
            roster=roster,
            month=format_date(signup.month, "LLLL yyyy", locale=language),
            deadline=_when(signup.deadline, zone, language),
            is_open=signups.is_open(signup, now),
            mine=[(s, _span(s, zone, language)) for s in mine],
            free=[(s, _span(s, zone, language)) for s in free],
            result=result if result in RESULTS else None,
            number=number,
            token=token,
        )
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@blueprint.post("/shifts/<token>")
def take(token: str) -> ResponseReturnValue:
    """Take the slot the button names (form ``slot``); back to the page with the result."""
    signup, person, roster = _opened(token)
    session = web.db_session()
    slot = session.get(OpenSlot, request.form.get("slot", type=int) or 0)
    if slot is None or slot.signup_id != signup.id:
        abort(404)
    runtime = web.runtime()
    ctx = FlowContext(runtime.settings, runtime.sealer, runtime.clock.now(), runtime.kick)
    won = signups.claim(session, ctx, person, slot, roster)
    session.commit()
    result = "taken" if won else "gone"
    return redirect(url_for("openshifts.page", token=token, result=result, n=slot.number))


def _when(instant: datetime, zone: ZoneInfo, language: str) -> str:
    """``Tue 24 Nov 17:00`` in ``zone``."""
    return format_datetime(instant.astimezone(zone), "EEE d MMM HH:mm", locale=language)


def _span(slot: OpenSlot, zone: ZoneInfo, language: str) -> str:
    """``Sat 5 Dec 08:00-20:00`` (the end's day too when it is another day)."""
    start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
    first = format_datetime(start, "EEE d MMM HH:mm", locale=language)
    if end.date() == start.date() or (end - start).total_seconds() < 86400:
        return f"{first}-{end:%H:%M}"
    return f"{first} - " + format_datetime(end, "EEE d MMM HH:mm", locale=language)
