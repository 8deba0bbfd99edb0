"""The texts about people's own shifts and the rosters' coverage, as typed classes.

Instants are ISO-8601 strings (aware UTC) and ``zone`` the roster's IANA zone, in which
``dispatcher.sms.shift_texts`` shows the hours. Pure: no database here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import Text


@dataclass(frozen=True)
class ShiftSoon(Text, template="shift_reminder"):
    """Before a shift: "You are on call for advocates tonight 20:00-08:00. Reply AWAY ..."

    ``sent`` is when the text was queued: "tonight" and "tomorrow" are read from it.
    """

    roster: str
    start: str
    end: str
    zone: str
    sent: str


@dataclass(frozen=True)
class ShiftNow(Text, template="shift_handoff"):
    """At a shift's start: on call now, until when, and the requests still open (codes)."""

    roster: str
    start: str
    end: str
    zone: str
    sent: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gap:
    """One uncovered span, [start, end), ISO-8601 instants."""

    start: str
    end: str


@dataclass(frozen=True)
class RosterGaps:
    """One roster's gaps, shown in its zone."""

    roster: str
    zone: str
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class CoverageGaps(Text, template="coverage_gaps"):
    """To the coordinators: the uncovered hours ahead, per roster; ``name`` is whoever went
    away when an AWAY caused the text (empty for the morning report)."""

    rosters: tuple[RosterGaps, ...]
    name: str = ""
