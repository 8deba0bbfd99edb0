"""The calendar feeds' addresses: ``/calendars/<token>.ics``, no sign-in.

The token in the address is the credential (``rosters.calendars``); an unknown, damaged or
revoked token gets the same plain 404 as a page that does not exist. The answer is never
cached by a proxy, and the address is never logged here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort
from flask.typing import ResponseReturnValue

from dispatcher import web
from dispatcher.rosters.calendars import feed_events, feed_for_token, feed_title
from dispatcher.rosters.ical import render_calendar

blueprint = Blueprint("calendars", __name__)
CONTENT_TYPE = "text/calendar; charset=utf-8"


@blueprint.get("/calendars/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    """The iCalendar text of the feed ``token`` opens; 404 when it opens none."""
    runtime = web.runtime()
    session = web.db_session()
    found = feed_for_token(session, token, runtime.settings.secret_key)
    if found is None:
        abort(404)
    now = runtime.clock.now()
    body = render_calendar(
        feed_title(found),
        feed_events(session, found, now),
        per_person=found.person_id is not None,
        domain=urlsplit(runtime.settings.public_base_url).hostname or "dispatcher",
        stamp=now,
    )
    response = Response(body, content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
