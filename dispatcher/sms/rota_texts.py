"""Texts to people whose time on call a coordinator's change moves (now or within a day).

The writer of ``flows.oncall_texts.OnCallChanged``, every sentence through ``t.gettext``. Times
are said in the roster's zone, relative to the change: "now", "20:00 tonight",
"08:00 tomorrow".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dispatcher.flows.oncall_texts import OnCallChanged, Span
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import writes

# From this local hour on, a start later today is "tonight".
EVENING = 18


@writes(OnCallChanged)
def _on_call_changed(t: Words, p: OnCallChanged) -> str:
    """Each period gained, then each period lost, one sentence each."""
    zone = ZoneInfo(p.zone)
    at = datetime.fromisoformat(p.at)
    roster = plain(p.roster)
    on = t.gettext("You are on call for {roster} from {start} to {end}.")
    off = t.gettext("You are no longer on call for {roster} from {start} to {end}.")
    sentences = [
        sentence.format(roster=roster, **_span(t, span, at, zone))
        for spans, sentence in ((p.on, on), (p.off, off))
        for span in spans
    ]
    return " ".join(sentences)


def _span(t: Words, span: Span, at: datetime, zone: ZoneInfo) -> dict[str, str]:
    """A period's start (relative to ``at``) and end (a bare time when within a day)."""
    start, end = datetime.fromisoformat(span.start), datetime.fromisoformat(span.end)
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
