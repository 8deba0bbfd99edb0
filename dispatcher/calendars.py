"""The calendar feeds' addresses: ``/calendars/<token>.ics``, no sign-in.

The token in the address is the credential (``rosters.calendars``); an unknown, damaged or
revoked token gets the same plain 404 as a page that does not exist. The answer is never
cached by a proxy, and the address is never logged here. Each feed may be fetched
``feed_per_minute`` times a minute (counted in the database, by the feed's id); a person's
feed is written in their language.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext

from dispatcher import web
from dispatcher.languages import language_or_default
from dispatcher.rosters.calendars import feed_events, feed_for_token, feed_title
from dispatcher.rosters.ical import Labels, render_calendar

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
    wait = web.over_rate(f"feed:{found.id}", runtime.settings.feed_per_minute)
    if wait is not None:
        return Response(
            "Too many requests for this calendar; try again later.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(wait), "Cache-Control": "no-store"},
        )
    now = runtime.clock.now()
    language = found.person.language if found.person is not None else None
    body = render_calendar(
        feed_title(found),
        feed_events(session, found, now),
        per_person=found.person_id is not None,
        domain=urlsplit(runtime.settings.public_base_url).hostname or "dispatcher",
        stamp=now,
        labels=labels_in(language_or_default(language)),
    )
    response = Response(body, content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def labels_in(language: str) -> Labels:
    """The events' words in ``language`` (from the same catalogs as the texts)."""
    with force_locale(language):
        return Labels(
            mine=gettext("On call: {roster}"),
            theirs=gettext("{name} on call: {roster}"),
            roster=gettext("Roster: {roster}"),
            on_call=gettext("On call: {name}"),
            takes_over=gettext("Takes over from: {names}"),
            hands_off=gettext("Hands off to: {names}"),
            nobody=gettext("nobody"),
        )
