"""Texts to people whose time on call a coordinator's change moves (now or within a day).

Each template is ``(t, params) -> text`` with every sentence through ``t.gettext``.
``params``: ``roster`` (its name), ``zone`` (the roster's), ``at`` (the change's instant,
ISO 8601), ``on`` and ``off`` (lists of ``[start, end]`` ISO 8601 instants). Times are
said in the roster's zone, relative to ``at``: "now", "20:00 tonight", "08:00 tomorrow".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import Template

# From this local hour on, a start later today is "tonight".
EVENING = 18


def _on_call_changed(t: Words, p: dict[str, Any]) -> str:
    """Each period gained, then each period lost, one sentence each."""
    zone = ZoneInfo(str(p["zone"]))
    at = datetime.fromisoformat(str(p["at"]))
    roster = plain(str(p["roster"]))
    on = t.gettext("You are on call for {roster} from {start} to {end}.")
    off = t.gettext("You are no longer on call for {roster} from {start} to {end}.")
    sentences = [
        sentence.format(roster=roster, **_span(t, span, at, zone))
        for key, sentence in (("on", on), ("off", off))
        for span in p.get(key, [])
    ]
    return " ".join(sentences)


def _span(t: Words, span: list[str], at: datetime, zone: ZoneInfo) -> dict[str, str]:
    """A period's start (relative to ``at``) and end (a bare time when within a day)."""
    start, end = (datetime.fromisoformat(value) for value in span)
    return {"start": _start(t, start, at, zone), "end": _end(t, start, end, zone)}


def _start(t: Words, start: datetime, at: datetime, zone: ZoneInfo) -> str:
    """``now``, ``20:00 tonight``, ``14:00 today``, ``08:00 tomorrow`` or ``Tue 10 Mar 14:00``."""
    if start <= at:
        return t.gettext("now")
    local, today = start.astimezone(zone), at.astimezone(zone).date()
    hour = local.strftime("%H:%M")
    if local.date() == today:
        if local.hour >= EVENING:
            return t.gettext("{time} tonight").format(time=hour)
        return t.gettext("{time} today").format(time=hour)
    if local.date() == today + timedelta(days=1):
        return t.gettext("{time} tomorrow").format(time=hour)
    return _full(t, local)


def _end(t: Words, start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """A bare ``08:00`` when the period lasts under a day, else the day and time."""
    local = end.astimezone(zone)
    return local.strftime("%H:%M") if end - start < timedelta(days=1) else _full(t, local)


def _full(t: Words, local: datetime) -> str:
    """``Tue 10 Mar 14:00`` in the reader's language (as ``messages.show_time``)."""
    return format_datetime(local, "EEE dd MMM HH:mm", locale=t.language or "en")


ROTA_TEMPLATES: dict[str, Template] = {"on_call_changed": _on_call_changed}
