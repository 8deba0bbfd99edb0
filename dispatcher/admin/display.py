"""How the admin pages show values: phone numbers, local times, ages, durations.

Phone numbers are shown only to coordinators and admins; everyone else sees "hidden".
Times are stored in UTC and shown in a zone (the coalition's unless a roster's is given).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher import web
from dispatcher.admin.auth import may_open, navigation, sees_contacts
from dispatcher.admin.blueprint import blueprint
from dispatcher.durations import format_duration
from dispatcher.phones import format_phone

HIDDEN = "hidden"


def format_when(instant: datetime | None, zone: ZoneInfo) -> str:
    """``Tue 10 Mar 2026, 06:00 CDT`` for an aware instant, in ``zone``."""
    if instant is None:
        return ""
    local = instant.astimezone(zone)
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or "")


def format_age(elapsed: timedelta) -> str:
    """A rough, readable length of time: ``45 s``, ``12 min``, ``3 h 05 min``, ``2 d 4 h``."""
    seconds = max(int(elapsed.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours = seconds // 60, seconds // 3600
    if hours == 0:
        return f"{minutes} min"
    if hours < 48:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def input_value(instant: datetime | None, zone: ZoneInfo) -> str:
    """An instant as a ``datetime-local`` input value (wall time in ``zone``)."""
    return "" if instant is None else instant.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _zone(name: str | None) -> ZoneInfo:
    """The named zone, or the coalition's display zone."""
    return ZoneInfo(name) if name else web.runtime().settings.zone


@blueprint.app_template_filter("phone")
def phone_filter(e164: str | None) -> str:
    """A phone number for display, or "hidden" to accounts that may not see contacts."""
    if not sees_contacts():
        return HIDDEN
    return format_phone(e164, web.runtime().settings.default_region)


@blueprint.app_template_filter("when")
def when_filter(instant: datetime | None, zone: str | None = None) -> str:
    """An instant in the roster's zone (``zone``) or the coalition's."""
    return format_when(instant, _zone(zone))


@blueprint.app_template_filter("clock")
def clock_filter(instant: datetime, zone: str | None = None) -> str:
    """The wall-clock time (``20:00``) of an instant in the roster's or coalition's zone."""
    return instant.astimezone(_zone(zone)).strftime("%H:%M")


@blueprint.app_template_filter("since")
def since_filter(instant: datetime) -> str:
    """How long ago ``instant`` was, by the service's clock."""
    return format_age(web.runtime().clock.now() - instant)


@blueprint.app_template_filter("wait")
def wait_filter(seconds: int) -> str:
    """A wait in seconds as ``5m``, ``1h30m``."""
    return format_duration(timedelta(seconds=seconds)) if seconds > 0 else "0s"


@blueprint.app_template_filter("input_value")
def input_value_filter(instant: datetime | None, zone: str | None = None) -> str:
    """An instant as a ``datetime-local`` value in the roster's or coalition's zone."""
    return input_value(instant, _zone(zone))


@blueprint.context_processor
def _layout() -> dict[str, Any]:
    """What the layout needs: the menu for this account and the role checks."""
    return {
        "navigation": navigation(),
        "may_open": may_open,
        "sees_contacts": sees_contacts(),
        "coalition_zone": web.runtime().settings.timezone,
        "now": web.runtime().clock.now(),
    }


@blueprint.app_template_filter("until")
def until_filter(instant: datetime) -> str:
    """How long until ``instant``, by the service's clock (``0 s`` once it has passed)."""
    return format_age(instant - web.runtime().clock.now())
