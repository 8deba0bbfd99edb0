"""Every text the service sends: plain, calm, short, aware of SMS segments, in the reader's
language.

``render(template, params, language)`` turns an outbox row's template name, JSON parameters
and language into the body. Every sentence is a gettext message (``t.gettext``), extracted
by ``make messages`` into the catalogs under ``dispatcher/translations``; English is the
source text. An English page fits one GSM-7 segment and a page in any other language two
segments: the agency name is shortened to fit. Only the texts for the accepting person
(``accepted``, ``relay_to_person``) carry an officer's words.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dispatcher.sms.care_texts import CARE_TEMPLATES
from dispatcher.sms.catalogs import Words, words_for
from dispatcher.sms.officer_texts import OFFICER_TEMPLATES
from dispatcher.sms.person_texts import PERSON_TEMPLATES
from dispatcher.sms.segments import (
    fit_one_segment,
    fit_segments,
    is_gsm7,
    plain,
    segments,
    to_gsm7,
)
from dispatcher.sms.wording import (
    FALLBACK,
    REFERRAL,
    Template,
    describe_tags,
    need_phrase,
    spoken,
)

__all__ = [
    "FALLBACK",
    "REFERRAL",
    "TEMPLATES",
    "describe_tags",
    "fit_one_segment",
    "fit_segments",
    "is_gsm7",
    "need_phrase",
    "plain",
    "render",
    "segments",
    "show_time",
    "spoken",
    "to_gsm7",
]

# Texts that carry someone's own words, or an officer's validated name in any alphabet:
# delivered as written (accents, Cyrillic), even if that costs UCS-2 segments; every other
# text is kept to GSM-7 lookalikes (a translation may still need UCS-2 for its accents).
VERBATIM = frozenset(
    {
        "accepted",
        "relay_to_person",
        "relay_to_officer",
        "coordinator_enrolled",
        "coordinator_approve",
        "enrollment_approved",
        "enrollment_denied_ack",
    }
)


def render(template: str, params: dict[str, Any], language: str | None = "en") -> str:
    """The body for ``template`` with ``params`` in ``language`` (English when None or
    unknown); KeyError for an unknown template."""
    text = TEMPLATES[template](words_for(language), params)
    return text if template in VERBATIM else to_gsm7(text)


def show_time(value: str, zone: str | None = None, language: str = "en") -> str:
    """An ISO-8601 instant as ``Tue 10 Mar 14:00`` in ``zone`` (UTC, named, if none given),
    with day and month names in ``language``.

    Text that is not an ISO-8601 instant is shown as it is.
    """
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return value
    if instant.tzinfo is None:
        return value
    shown = instant.astimezone(ZoneInfo(zone)) if zone else instant.astimezone(UTC)
    text = format_datetime(shown, "EEE dd MMM HH:mm", locale=language or "en")
    return text + ("" if zone else " UTC")


def _away_ack(t: Words, p: dict[str, Any]) -> str:
    """AWAY's answer: until when (in the person's zone and language), or until BACK."""
    until = p.get("until")
    if until:
        when = show_time(str(until), p.get("zone"), t.language)
        return t.gettext(
            "You are away until {when} and will not be paged. Text BACK to return early."
        ).format(when=when)
    return t.gettext("You are away and will not be paged until you text BACK.")


def _covered(t: Words, p: dict[str, Any]) -> str:
    """Someone else took the need: name the code and who, when known."""
    name = p.get("first_name")
    if name:
        return t.gettext("{code} is already covered by {name}. Thank you.").format(
            code=p["code"], name=plain(name)
        )
    return t.gettext("{code} is already covered. Thank you.").format(code=p["code"])


def _referral(t: Words, p: dict[str, Any]) -> str:
    """The safe referral: 911 and the National Human Trafficking Hotline."""
    return t.gettext(REFERRAL)


def _call_opened(t: Words, p: dict[str, Any]) -> str:
    """Spoken on a call that opened a request; the code is read out letter by letter."""
    return t.gettext(
        "Your request is open. Reference {code}. An advocate is being paged now, and you will "
        "get a text message when someone accepts. Text this number with details."
    ).format(code=spoken(p["code"]))


def _call_open_already(t: Words, p: dict[str, Any]) -> str:
    """Spoken on a call from an officer whose request is still open."""
    return t.gettext(
        "Your request {code} is still open. Text STATUS to this number for progress, or text "
        "the details you want passed on."
    ).format(code=spoken(p["code"]))


def _call_person(t: Words, p: dict[str, Any]) -> str:
    """Spoken to a roster member who calls the hotline."""
    return t.gettext(
        "This line is for officers. To answer a page, text 1 and the reference code to "
        "accept, or 2 and the code to pass."
    )


def _call_referral(t: Words, p: dict[str, Any]) -> str:
    """Spoken to an unknown caller: the referral, digits read one by one."""
    return t.gettext(
        "If you are in danger, hang up and call 9 1 1. The National Human Trafficking "
        "Hotline is 1 8 8 8, 3 7 3, 7 8 8 8, or text 2 3 3 7 3 3."
    )


TEMPLATES: dict[str, Template] = {
    **PERSON_TEMPLATES,
    **OFFICER_TEMPLATES,
    **CARE_TEMPLATES,
    "covered": _covered,
    "already_covered": _covered,
    "away_ack": _away_ack,
    "referral": _referral,
    # Spoken on a call to the hotline (TwiML <Say>); codes are read out letter by letter.
    "call_opened": _call_opened,
    "call_open_already": _call_open_already,
    "call_person": _call_person,
    "call_referral": _call_referral,
}
