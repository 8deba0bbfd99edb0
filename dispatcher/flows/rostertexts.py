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
    away, stopped texts or was deactivated when that caused the text (empty for the
    morning report)."""

    rosters: tuple[RosterGaps, ...]
    name: str = ""
    # Why ``name`` left the gaps: "away" (AWAY, or away set on their page), "stopped"
    # (texted STOP, or their number refuses texts), "inactive" (deactivated).
    cause: str = "away"


# Shift offers: COVER and SWAP.


@dataclass(frozen=True)
class ShiftAt:
    """A shift on a roster, [start, end) as ISO-8601 instants, shown in ``zone``."""

    roster: str
    start: str
    end: str
    zone: str


@dataclass(frozen=True)
class CoverAsked(Text, template="cover_asked"):
    """To the roster's other members: ``name`` asks for cover; ``1 code`` takes it."""

    name: str
    code: str
    shift: ShiftAt


@dataclass(frozen=True)
class SwapAsked(Text, template="swap_asked"):
    """To one person: ``name`` asks them to take the shift; 1 or 2 and the code."""

    name: str
    code: str
    shift: ShiftAt


@dataclass(frozen=True)
class OfferSent(Text, template="offer_sent"):
    """To whoever offered: how many were asked (or whom, for SWAP), and the code."""

    code: str
    shift: ShiftAt
    asked: int
    name: str = ""


@dataclass(frozen=True)
class OfferTaken(Text, template="offer_taken"):
    """To whoever offered: ``name`` takes the shift."""

    name: str
    shift: ShiftAt


@dataclass(frozen=True)
class OfferYours(Text, template="offer_yours"):
    """To the taker: the shift is theirs now, covering for ``name``."""

    name: str
    shift: ShiftAt


@dataclass(frozen=True)
class OfferCovered(Text, template="offer_covered"):
    """To the coordinators: ``taker`` covers ``name``'s shift."""

    taker: str
    name: str
    shift: ShiftAt


@dataclass(frozen=True)
class OfferDeclined(Text, template="offer_declined"):
    """To whoever offered by SWAP: ``name`` said no."""

    name: str
    shift: ShiftAt


@dataclass(frozen=True)
class OfferUncovered(Text, template="offer_uncovered"):
    """To the coordinators (and whoever offered): nobody took ``name``'s shift."""

    name: str
    shift: ShiftAt


@dataclass(frozen=True)
class OfferGone(Text, template="offer_gone"):
    """The offer was taken, declined or expired, or the code is unknown."""

    code: str


@dataclass(frozen=True)
class OfferNotYours(Text, template="offer_not_yours"):
    """The offer was made to someone else (SWAP), or the sender cannot take it."""

    code: str


@dataclass(frozen=True)
class OfferNoShift(Text, template="offer_no_shift"):
    """COVER or SWAP found no shift of the sender's to offer."""


@dataclass(frozen=True)
class OfferHelp(Text, template="offer_help"):
    """COVER or SWAP without a day or a name it understands: how to write it."""


@dataclass(frozen=True)
class OfferNobody(Text, template="offer_nobody"):
    """Nobody else on the roster can be asked; the coordinators were told."""

    shift: ShiftAt


@dataclass(frozen=True)
class SwapUnknown(Text, template="swap_unknown"):
    """SWAP named nobody the sender rotates with."""

    name: str
