"""Texts about the safety of the people who answer: check-ins, missed check-ins, the duress
alarm, and setting a duress word.

A reply that carries the duress word gets exactly the text an OK gets (``checkin_ack``), so
whoever looks at the phone sees an ordinary check-in. Times are shown as ``HH:MM`` in the
zone given with the parameters (the coalition's).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.flows.services import label_of
from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import ROLES, Template

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


def _last(t: Words, p: dict[str, Any]) -> str:
    """The last known state, in the reader's language."""
    return t.gettext(LAST_KNOWN.get(str(p.get("last")), LAST_KNOWN["accepted"]))


def _role(t: Words, p: dict[str, Any]) -> str:
    """The role word (advocate, driver) in the reader's language."""
    role = str(p.get("role", "advocate"))
    return t.gettext(ROLES.get(role, ROLES["advocate"]))


def _checkin_started(t: Words, p: dict[str, Any]) -> str:
    """To whoever accepted an in-person need: how to check in."""
    return t.gettext(
        "Reply OK {code} when you arrive and every {minutes} min; DONE {code} when you leave."
    ).format(code=p["code"], minutes=int(p["minutes"]))


def _checkin_ack(t: Words, p: dict[str, Any]) -> str:
    """The answer to a check-in (and, identical, to a reply with the duress word)."""
    return t.gettext("{code}: checked in. Next check-in within {minutes} min.").format(
        code=p["code"], minutes=int(p["minutes"])
    )


def _checkin_reminder(t: Words, p: dict[str, Any]) -> str:
    """A check-in is late: one text to the person."""
    return t.gettext(
        "{code}: time to check in. Reply OK {code}, or DONE {code} if you have left."
    ).format(code=p["code"])


def _coordinator_checkin_missed(t: Words, p: dict[str, Any]) -> str:
    """Coordinators: still no check-in after the reminder; the person's phone to call."""
    return t.gettext(
        "{name} has not checked in for {code} since {time}; last known: {last}. Phone: {phone}"
    ).format(
        name=plain(p["name"]),
        code=p["code"],
        time=clock_time(str(p["since"]), p.get("zone")),
        last=_last(t, p),
        phone=p["phone"],
    )


def _officer_checkin_missed(t: Words, p: dict[str, Any]) -> str:
    """The officer (by setting): the person on their request has gone silent."""
    return t.gettext(
        "The {role} on {code} has not checked in since {time}. The coordinators are told."
    ).format(role=_role(t, p), code=p["code"], time=clock_time(str(p["since"]), p.get("zone")))


def _checkin_resumed(t: Words, p: dict[str, Any]) -> str:
    """Coordinators (and the officer, if told): the silent person checked in again."""
    return t.gettext("{name} checked in for {code} at {time}.").format(
        name=plain(p["name"]), code=p["code"], time=clock_time(str(p["at"]), p.get("zone"))
    )


def _coordinator_duress(t: Words, p: dict[str, Any]) -> str:
    """Coordinators: the duress word, at once. Their phone shows an ordinary check-in."""
    return t.gettext(
        "URGENT: {name} used their duress word at {time} ({codes}); last known: {last}. "
        "Do not text them about it. Call 911 if you cannot reach them safely. Phone: {phone}"
    ).format(
        name=plain(p["name"]),
        time=clock_time(str(p["at"]), p.get("zone")),
        codes=", ".join(p.get("codes", [])) or "-",
        last=_last(t, p),
        phone=p["phone"],
    )


def _officer_duress(t: Words, p: dict[str, Any]) -> str:
    """The officer of the request: the person on it may be in danger."""
    return t.gettext(
        "URGENT: the {role} on {code} may be in danger (silent alarm at {time}). Check on them; "
        "do not text them about it."
    ).format(role=_role(t, p), code=p["code"], time=clock_time(str(p["at"]), p.get("zone")))


def _debrief(t: Words, p: dict[str, Any]) -> str:
    """After DONE: which services, by number, in the reader's language."""
    listed = [f"{n} {t.gettext(label_of(key))}" for n, key in enumerate(p["services"], start=1)]
    options = ", ".join([*listed, "0 " + t.gettext("none")])
    return t.gettext("{code}: what did you provide? Reply with numbers: {options}").format(
        code=p["code"], options=options
    )


CARE_TEMPLATES: dict[str, Template] = {
    "debrief": _debrief,
    "debrief_ack": lambda t, p: t.gettext("Thank you. Recorded for {code}.").format(code=p["code"]),
    "checkin_started": _checkin_started,
    "checkin_ack": _checkin_ack,
    "checkin_reminder": _checkin_reminder,
    "coordinator_checkin_missed": _coordinator_checkin_missed,
    "officer_checkin_missed": _officer_checkin_missed,
    "checkin_resumed": _checkin_resumed,
    "coordinator_duress": _coordinator_duress,
    "officer_duress": _officer_duress,
    "checkin_which": lambda t, p: t.gettext(
        "Add the code: OK {code} to check in for {code}, 1 and the code to accept a page. "
        "Open: {codes}."
    ).format(code=p["codes"][0], codes=", ".join(p["codes"])),
    "duress_set": lambda t, p: t.gettext(
        "Your duress word is set. In any reply it looks like OK and quietly alerts the "
        "coordinators."
    ),
    "duress_cleared": lambda t, p: t.gettext("Your duress word is removed."),
    "duress_refused": lambda t, p: t.gettext(
        "Not set: a duress word is one word of 3 to 30 letters or digits, as in DURESS word."
    ),
}
