"""Texts of open shifts: the publication with each member's link, SHIFTS and TAKE, the
reminder before the deadline and the coordinators' report at it.

Writers for the classes of ``dispatcher.flows.signup_texts``: hours in the text's zone,
day and month names in the reader's language.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from dispatcher.flows import signup_texts
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.shift_texts import shift_hours
from dispatcher.sms.wording import writes

_WHEN = "EEE dd MMM HH:mm"
_DAY = "EEE dd MMM"


def _local(value: str, zone: ZoneInfo) -> datetime:
    """An ISO-8601 instant as an aware datetime in ``zone``."""
    return datetime.fromisoformat(value).astimezone(zone)


def month_name(month: str, language: str) -> str:
    """``December 2026`` (``diciembre 2026``) for the ISO date of a month's first day."""
    return format_date(date.fromisoformat(month), "LLLL yyyy", locale=language)


def slot_phrase(slot: signup_texts.SlotLine, zone: ZoneInfo, language: str) -> str:
    """``Sat 05 Dec 08:00-20:00``, in ``zone``; in GSM-7 letters (``sab``), so that a list
    of them in Spanish stays within its segments."""
    start, end = _local(slot.start, zone), _local(slot.end, zone)
    day = format_datetime(start, _DAY, locale=language)
    return plain(f"{day} {shift_hours(start, end, language)}")


def _deadline(value: str, zone: str, language: str) -> str:
    """The deadline as ``Tue 24 Nov 17:00``."""
    return format_datetime(_local(value, ZoneInfo(zone)), _WHEN, locale=language)


@writes(signup_texts.ShiftsOpen)
def _shifts_open(t: Words, p: signup_texts.ShiftsOpen) -> str:
    """To each member: the month is open for sign-up, until when, their link."""
    first = t.ngettext(
        "{roster} has {n} open shift for {month}.",
        "{roster} has {n} open shifts for {month}.",
        p.slots,
    ).format(roster=plain(p.roster), n=p.slots, month=month_name(p.month, t.language))
    rest = t.gettext(
        "Sign up by {deadline}: {link} or text SHIFTS, then TAKE and a number."
    ).format(deadline=_deadline(p.deadline, p.zone, t.language), link=p.link)
    return f"{first} {rest}"


@writes(signup_texts.ShiftsList)
def _shifts_list(t: Words, p: signup_texts.ShiftsList) -> str:
    """SHIFTS: each roster's name, then ``n day hours`` per slot; how many more; TAKE."""
    zone = ZoneInfo(p.zone)
    lines = [t.gettext("Open shifts:")]
    roster = None
    for s in p.slots:  # in number order, so each roster's slots come together
        if s.roster != roster:
            roster = s.roster
            lines.append(f"{plain(roster)}:")
        lines.append(f"{s.number} {slot_phrase(s, zone, t.language)}")
    if p.more:
        lines.append(t.gettext("and {n} more (see your link)").format(n=p.more))
    lines.append(t.gettext("Text TAKE and a number to take one."))
    return "\n".join(lines)


writes(signup_texts.ShiftsNone)(
    lambda t, p: t.gettext("There are no open shifts to sign up for now.")
)


@writes(signup_texts.SlotYours)
def _slot_yours(t: Words, p: signup_texts.SlotYours) -> str:
    """TAKE n won."""
    shift = f"{plain(p.slot.roster)} {slot_phrase(p.slot, ZoneInfo(p.zone), t.language)}"
    return t.gettext("Shift {n} is yours: {shift}. Thank you.").format(n=p.slot.number, shift=shift)


writes(signup_texts.SlotGone)(
    lambda t, p: t.gettext(
        "Shift {n} is taken, closed or not open to you. Text SHIFTS for the open ones."
    ).format(n=p.number)
)


@writes(signup_texts.ShiftsReminder)
def _shifts_reminder(t: Words, p: signup_texts.ShiftsReminder) -> str:
    """Before the deadline: how many the member has, how many are open, their link."""
    have = t.ngettext(
        "You have {taken} shift on {roster}.",
        "You have {taken} shifts on {roster}.",
        p.taken,
    ).format(taken=p.taken, roster=plain(p.roster))
    still = t.ngettext(
        "{n} is still open until {deadline}: {link} or text SHIFTS.",
        "{n} are still open until {deadline}: {link} or text SHIFTS.",
        p.open,
    ).format(n=p.open, deadline=_deadline(p.deadline, p.zone, t.language), link=p.link)
    return f"{have} {still}"


@writes(signup_texts.SignupClosed)
def _signup_closed(t: Words, p: signup_texts.SignupClosed) -> str:
    """To the coordinators at the deadline: taken of total, and the unfilled slots."""
    head = t.gettext("Sign-up for {roster} {month} closed: {taken} of {total} taken.").format(
        roster=plain(p.roster),
        month=month_name(p.month, t.language),
        taken=p.taken,
        total=p.total,
    )
    if not p.unfilled:
        return head
    zone = ZoneInfo(p.zone)
    spans = ", ".join(slot_phrase(s, zone, t.language) for s in p.unfilled)
    if p.more:
        spans += " " + t.gettext("and {n} more").format(n=p.more)
    return head + " " + t.gettext("Unfilled: {slots}.").format(slots=spans)
