"""The roster page's "Who is on call on <date>" and month calendar.

Both read ``rosters.service.shifts`` for the local days asked (``?on=YYYY-MM-DD`` and
``?month=YYYY-MM``, today's by default), the same code as ``dispatcher shifts`` and
``dispatcher oncall``, so the page and the CLI never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import request

from dispatcher.admin.calendar import day_of, days_in, month_grid, month_of
from dispatcher.admin.pages import db, now
from dispatcher.admin.timeline import Day, build_days, day_bounds
from dispatcher.rosters.models import Roster
from dispatcher.rosters.service import RosterSpecs, shifts


def roster_calendar(found: Roster, zone: ZoneInfo, specs: RosterSpecs) -> dict[str, Any]:
    """The template context of both: ``on_day``, ``month`` and ``calendar_names``
    (``specs``: the roster's ``roster_specs``)."""
    today = now().astimezone(zone).date()
    asked = day_of(request.args.get("on", ""), today)
    first = month_of(request.args.get("month", ""), asked)
    month, month_names = _days(found, zone, first, days_in(first), specs)
    day_names: dict[int, str] = {}
    if asked.year == first.year and asked.month == first.month:
        day = [month[asked.day - 1]]  # already counted with the month
    else:
        day, day_names = _days(found, zone, asked, 1, specs)
    return {
        "on_day": day[0],
        "month": month_grid(first, month),
        "calendar_names": {**day_names, **month_names},
        "today": today,
    }


def _days(
    found: Roster, zone: ZoneInfo, first: date, count: int, specs: RosterSpecs
) -> tuple[list[Day], dict[int, str]]:
    """``count`` local days from ``first`` with the names of the people on call in them."""
    start = day_bounds(first, zone)[0]
    end = day_bounds(first + timedelta(days=count - 1), zone)[1]
    periods = shifts(db(), found, start, end, specs)
    names = {person.id: person.name for _, person in periods}
    return build_days([shift for shift, _ in periods], zone, first, count), names
