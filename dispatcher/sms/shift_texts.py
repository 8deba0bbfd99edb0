"""Texts about a person's own shifts: the reminder before a shift and the handoff notice.

Writers for the classes of ``dispatcher.flows.rostertexts``: hours are shown in the roster's
zone, "tonight" and "tomorrow" are read from when the text was queued.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dispatcher.flows import rostertexts
from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import writes

# A shift that starts at or after this local hour, on the day of the text, is "tonight".
EVENING_HOUR = 17
_LONG = "EEE dd MMM HH:mm"
_DAY = "EEE dd MMM"


def _local(value: str, zone: ZoneInfo) -> datetime:
    """An ISO-8601 instant as an aware datetime in ``zone``."""
    return datetime.fromisoformat(value).astimezone(zone)


def shift_hours(start: datetime, end: datetime, language: str) -> str:
    """``20:00-08:00`` for a shift under a day; ``20:00-Mon 09 Mar 08:00`` for a longer one.

    ``start`` and ``end`` are aware, already in the zone to show.
    """
    if end - start < timedelta(days=1):
        return f"{start:%H:%M}-{end:%H:%M}"
    return f"{start:%H:%M}-" + format_datetime(end, _LONG, locale=language)


def day_word(start: datetime, sent: datetime) -> str:
    """``tonight``, ``today``, ``tomorrow`` or ``later``: when local ``start`` is, seen from
    local ``sent`` (both aware, in the same zone)."""
    days = (start.date() - sent.date()).days
    if days == 0:
        return "tonight" if start.hour >= EVENING_HOUR else "today"
    return "tomorrow" if days == 1 else "later"


@writes(rostertexts.ShiftSoon)
def _reminder(t: Words, p: rostertexts.ShiftSoon) -> str:
    """Before a shift: which roster, when, and that AWAY says they cannot."""
    zone = ZoneInfo(p.zone)
    start, end = _local(p.start, zone), _local(p.end, zone)
    roster, hours = plain(p.roster), shift_hours(start, end, t.language)
    word = day_word(start, _local(p.sent, zone))
    if word == "tonight":
        text = t.gettext("You are on call for {roster} tonight {hours}.")
    elif word == "today":
        text = t.gettext("You are on call for {roster} today {hours}.")
    elif word == "tomorrow":
        text = t.gettext("You are on call for {roster} tomorrow {hours}.")
    else:
        text = t.gettext("You are on call for {roster} on {day} {hours}.")
    day = format_datetime(start, _DAY, locale=t.language)
    first = text.format(roster=roster, hours=hours, day=day)
    return first + " " + t.gettext("Reply AWAY if you cannot.")


@writes(rostertexts.ShiftNow)
def _handoff(t: Words, p: rostertexts.ShiftNow) -> str:
    """At the start of a shift: on call now, until when, and the requests still open."""
    zone = ZoneInfo(p.zone)
    start, end = _local(p.start, zone), _local(p.end, zone)
    until = f"{end:%H:%M}" if end - start < timedelta(days=1) else None
    until = until or format_datetime(end, _LONG, locale=t.language)
    text = t.gettext("You are on call now for {roster} until {until}.").format(
        roster=plain(p.roster), until=until
    )
    if p.codes:
        text += " " + t.gettext("Still open: {codes}.").format(codes=", ".join(p.codes))
    return text


# A roster's line in the gap report names at most this many gaps, then how many more.
GAPS_SHOWN = 6


def gap_span(start: datetime, end: datetime, language: str) -> str:
    """``Sat 08:00-20:00`` within a day, ``Sat 20:00-Sun 08:00`` across days (local, aware)."""
    first = format_datetime(start, "EEE HH:mm", locale=language)
    if end.date() == start.date():
        return f"{first}-{end:%H:%M}"
    return f"{first}-" + format_datetime(end, "EEE HH:mm", locale=language)


_AWAY = N_("{name} is away, which leaves gaps:")
_GAP_CAUSES = {
    "away": _AWAY,
    "stopped": N_("{name} can no longer be texted (STOP), which leaves gaps:"),
    "inactive": N_("{name} was deactivated, which leaves gaps:"),
}


@writes(rostertexts.CoverageGaps)
def _coverage_gaps(t: Words, p: rostertexts.CoverageGaps) -> str:
    """The coordinators' gap report: one line per roster; after an AWAY, who went away."""
    lines = []
    if p.name:
        lines.append(t.gettext(_GAP_CAUSES.get(p.cause, _AWAY)).format(name=plain(p.name)))
    for roster in p.rosters:
        zone = ZoneInfo(roster.zone)
        spans = [
            gap_span(_local(gap.start, zone), _local(gap.end, zone), t.language)
            for gap in roster.gaps
        ]
        shown = ", ".join(spans[:GAPS_SHOWN])
        if len(spans) > GAPS_SHOWN:
            shown += " " + t.gettext("and {n} more").format(n=len(spans) - GAPS_SHOWN)
        line = t.gettext("{roster}: {gaps} uncovered").format(
            roster=plain(roster.roster), gaps=shown
        )
        lines.append(line)
    return "\n".join(lines)


def shift_phrase(shift: rostertexts.ShiftAt, language: str) -> str:
    """``advocates Sat 14 Mar 20:00-08:00`` in the roster's zone."""
    zone = ZoneInfo(shift.zone)
    start, end = _local(shift.start, zone), _local(shift.end, zone)
    day = format_datetime(start, _DAY, locale=language)
    return f"{plain(shift.roster)} {day} {shift_hours(start, end, language)}"


@writes(rostertexts.CoverAsked)
def _cover_asked(t: Words, p: rostertexts.CoverAsked) -> str:
    """To the other members: who asks, which shift, how to take it."""
    return t.gettext("{name} asks for cover: {shift}. Reply 1 {code} to take it.").format(
        name=plain(p.name), shift=shift_phrase(p.shift, t.language), code=p.code
    )


@writes(rostertexts.SwapAsked)
def _swap_asked(t: Words, p: rostertexts.SwapAsked) -> str:
    """To one person: who asks, which shift, how to answer."""
    return t.gettext(
        "{name} asks you to take their shift: {shift}. Reply 1 {code} to take it, 2 {code} "
        "to say no."
    ).format(name=plain(p.name), shift=shift_phrase(p.shift, t.language), code=p.code)


@writes(rostertexts.OfferSent)
def _offer_sent(t: Words, p: rostertexts.OfferSent) -> str:
    """To whoever offered: whom we asked."""
    shift = shift_phrase(p.shift, t.language)
    if p.name:
        text = t.gettext("Asked {name} to take {shift} ({code}).")
    else:
        text = t.ngettext(
            "Asked {n} person to cover {shift} ({code}).",
            "Asked {n} people to cover {shift} ({code}).",
            p.asked,
        )
    done = text.format(name=plain(p.name), n=p.asked, shift=shift, code=p.code)
    return done + " " + t.gettext("You will hear who takes it.")


def _shift_and(message: str) -> Callable[[Words, Any], str]:
    """A writer of ``message`` with ``{name}`` (``taker`` too, if any) and ``{shift}``."""

    def write(t: Words, p: Any) -> str:
        return t.gettext(message).format(
            name=plain(p.name),
            taker=plain(getattr(p, "taker", "")),
            shift=shift_phrase(p.shift, t.language),
        )

    return write


writes(rostertexts.OfferTaken)(_shift_and(N_("{name} will cover your shift: {shift}.")))
writes(rostertexts.OfferYours)(_shift_and(N_("You are covering {shift} for {name}. Thank you.")))
writes(rostertexts.OfferCovered)(_shift_and(N_("{taker} covers {name}: {shift}.")))
writes(rostertexts.OfferDeclined)(_shift_and(N_("{name} cannot take your shift: {shift}.")))
writes(rostertexts.OfferUncovered)(
    _shift_and(N_("Nobody took {name}'s shift: {shift}. It still needs cover."))
)
writes(rostertexts.OfferGone)(
    lambda t, p: t.gettext("{code} is already taken or closed. Thank you.").format(code=p.code)
)
writes(rostertexts.OfferNotYours)(
    lambda t, p: t.gettext("{code} was not offered to you.").format(code=p.code)
)
writes(rostertexts.OfferNoShift)(
    lambda t, p: t.gettext(
        "You have no shift to offer then. Text COVER NEXT to offer your next one."
    )
)
writes(rostertexts.OfferHelp)(
    lambda t, p: t.gettext(
        "To offer a shift: COVER SAT, COVER 3/14 or COVER NEXT. SWAP and a name asks one "
        "person to take your next shift."
    )
)
writes(rostertexts.OfferNobody)(
    lambda t, p: t.gettext(
        "Nobody else on the roster can take {shift}; the coordinators were told."
    ).format(shift=shift_phrase(p.shift, t.language))
)
writes(rostertexts.SwapUnknown)(
    lambda t, p: t.gettext(
        "Nobody called {name} rotates with you. Text SWAP and a first or full name."
    ).format(name=plain(p.name))
)
