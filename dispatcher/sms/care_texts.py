"""Texts about the safety of the people who answer: check-ins, missed check-ins, the duress
alarm, and setting a duress word.

A reply that carries the duress word gets exactly the text an OK gets (``CheckinAck``), so
whoever looks at the phone sees an ordinary check-in. Times are shown as ``HH:MM`` in the
zone given with the parameters (the coalition's).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dispatcher.flows import care_texts as ct
from dispatcher.flows.services import label_of
from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import ROLES, fixed, with_code, writes

# What is last known of someone on a check-in (``flows.checkins.last_known``).
LAST_KNOWN = {
    "accepted": N_("accepted, not yet arrived"),
    "arrived": N_("arrived"),
    "checked_in": N_("checked in"),
}


def clock_time(value: str, zone: str | None) -> str:
    """An ISO-8601 instant as ``HH:MM`` in ``zone`` (as given when the instant is naive or
    not a time)."""
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return value
    if instant.tzinfo is not None and zone:
        instant = instant.astimezone(ZoneInfo(zone))
    return instant.strftime("%H:%M")


def _last(t: Words, last: str) -> str:
    """The last known state, in the reader's language."""
    return t.gettext(LAST_KNOWN.get(last, LAST_KNOWN["accepted"]))


def _role(t: Words, role: str) -> str:
    """The role word (advocate, driver) in the reader's language."""
    return t.gettext(ROLES.get(role, ROLES["advocate"]))


@writes(ct.CheckinStarted)
def _checkin_started(t: Words, p: ct.CheckinStarted) -> str:
    """To whoever accepted an in-person need: how to check in."""
    return t.gettext(
        "Reply OK {code} when you arrive and every {minutes} min; DONE {code} when you leave."
    ).format(code=p.code, minutes=p.minutes)


@writes(ct.CheckinAck)
def _checkin_ack(t: Words, p: ct.CheckinAck) -> str:
    """The answer to a check-in (and, identical, to a reply with the duress word)."""
    return t.gettext("{code}: checked in. Next check-in within {minutes} min.").format(
        code=p.code, minutes=p.minutes
    )


with_code(
    ct.CheckinReminder,
    N_("{code}: time to check in. Reply OK {code}, or DONE {code} if you have left."),
)


@writes(ct.CoordinatorCheckinMissed)
def _coordinator_checkin_missed(t: Words, p: ct.CoordinatorCheckinMissed) -> str:
    """Coordinators: still no check-in after the reminder; the person's phone to call."""
    return t.gettext(
        "{name} has not checked in for {code} since {time}; last known: {last}. Phone: {phone}"
    ).format(
        name=plain(p.name),
        code=p.code,
        time=clock_time(p.since, p.zone),
        last=_last(t, p.last),
        phone=p.phone,
    )


@writes(ct.OfficerCheckinMissed)
def _officer_checkin_missed(t: Words, p: ct.OfficerCheckinMissed) -> str:
    """The officer (by setting): the person on their request has gone silent."""
    return t.gettext(
        "The {role} on {code} has not checked in since {time}. The coordinators are told."
    ).format(role=_role(t, p.role), code=p.code, time=clock_time(p.since, p.zone))


@writes(ct.CheckinResumed)
def _checkin_resumed(t: Words, p: ct.CheckinResumed) -> str:
    """Coordinators (and the officer, if told): the silent person checked in again."""
    return t.gettext("{name} checked in for {code} at {time}.").format(
        name=plain(p.name), code=p.code, time=clock_time(p.at, p.zone)
    )


@writes(ct.CoordinatorDuress)
def _coordinator_duress(t: Words, p: ct.CoordinatorDuress) -> str:
    """Coordinators: the duress word, at once. Their phone shows an ordinary check-in."""
    return t.gettext(
        "URGENT: {name} used their duress word at {time} ({codes}); last known: {last}. "
        "Do not text them about it. Call 911 if you cannot reach them safely. Phone: {phone}"
    ).format(
        name=plain(p.name),
        time=clock_time(p.at, p.zone),
        codes=", ".join(p.codes) or "-",
        last=_last(t, p.last),
        phone=p.phone,
    )


@writes(ct.OfficerDuress)
def _officer_duress(t: Words, p: ct.OfficerDuress) -> str:
    """The officer of the request: the person on it may be in danger."""
    return t.gettext(
        "URGENT: the {role} on {code} may be in danger (silent alarm at {time}). Check on them; "
        "do not text them about it."
    ).format(role=_role(t, p.role), code=p.code, time=clock_time(p.at, p.zone))


@writes(ct.Debrief)
def _debrief(t: Words, p: ct.Debrief) -> str:
    """After DONE: which services, by number, in the reader's language."""
    listed = [f"{n} {t.gettext(label_of(key))}" for n, key in enumerate(p.services, start=1)]
    options = ", ".join([*listed, "0 " + t.gettext("none")])
    return t.gettext("{code}: what did you provide? Reply with numbers: {options}").format(
        code=p.code, options=options
    )


with_code(ct.DebriefAck, N_("Thank you. Recorded for {code}."))


@writes(ct.CheckinWhich)
def _checkin_which(t: Words, p: ct.CheckinWhich) -> str:
    """A bare OK with several check-ins running: which one."""
    return t.gettext(
        "Add the code: OK {code} to check in for {code}, 1 and the code to accept a page. "
        "Open: {codes}."
    ).format(code=p.codes[0] if p.codes else "-", codes=", ".join(p.codes))


fixed(
    ct.DuressSet,
    N_(
        "Your duress word is set. In any reply it looks like OK and quietly alerts the "
        "coordinators."
    ),
)
fixed(ct.DuressCleared, N_("Your duress word is removed."))
fixed(
    ct.DuressRefused,
    N_("Not set: a duress word is one word of 3 to 30 letters or digits, as in DURESS word."),
)
