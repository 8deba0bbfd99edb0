"""The texts of open shifts (``flows.signups``), as typed classes.

Instants are ISO-8601 strings (aware UTC), shown in ``zone`` (the reader's, for members;
the roster's, for coordinators) by ``dispatcher.sms.signup_texts``. Pure: no database here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import Text


@dataclass(frozen=True)
class SlotLine:
    """One open slot as ``TAKE n`` names it: its number, roster and [start, end)."""

    number: int
    roster: str
    start: str
    end: str


@dataclass(frozen=True)
class ShiftsOpen(Text, template="shifts_open"):
    """To a roster's members when a month is published: how many slots, until when, the
    person's own link (``link``), and SHIFTS."""

    roster: str
    month: str
    slots: int
    deadline: str
    zone: str
    link: str


@dataclass(frozen=True)
class ShiftsList(Text, template="shifts_list"):
    """SHIFTS: the first open slots (numbered), how many more, and TAKE."""

    slots: tuple[SlotLine, ...]
    zone: str
    more: int = 0


@dataclass(frozen=True)
class ShiftsNone(Text, template="shifts_none"):
    """SHIFTS with no open slot to sign up for."""


@dataclass(frozen=True)
class SlotYours(Text, template="slot_yours"):
    """TAKE n won: the slot is the sender's now."""

    slot: SlotLine
    zone: str


@dataclass(frozen=True)
class SlotGone(Text, template="slot_gone"):
    """TAKE n for a slot that is taken, closed or none of the sender's rosters'."""

    number: int


@dataclass(frozen=True)
class ShiftsReminder(Text, template="shifts_reminder"):
    """Before the deadline, to a member with fewer than the minimum: how many they have,
    how many are still open, their link."""

    roster: str
    deadline: str
    zone: str
    taken: int
    open: int
    link: str


@dataclass(frozen=True)
class SignupClosed(Text, template="signup_closed"):
    """To the coordinators at the deadline: how many slots were taken, and the unfilled
    ones (the first few, then how many more)."""

    roster: str
    month: str
    zone: str
    taken: int
    total: int
    unfilled: tuple[SlotLine, ...] = ()
    more: int = 0
