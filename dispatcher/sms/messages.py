"""Every text the service sends: plain, calm, short, aware of SMS segments, in the reader's
language.

The flows build texts as typed classes (``dispatcher.flows.texts``); ``write(text,
language)`` turns one into its body, and ``render(template, params, language)`` does the
same for an outbox row's template name and JSON parameters. Every sentence is a gettext
message (``t.gettext``), extracted by ``make messages`` into the catalogs under
``dispatcher/translations``; English is the source text. An English page fits one GSM-7
segment and a page in any other language two segments: the agency name is shortened to fit.
Only the texts for the accepting person (``accepted``, ``relay_to_person``) carry an
officer's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dispatcher.flows import texts
from dispatcher.flows.texts import TEXTS, Text, load
from dispatcher.languages import N_
from dispatcher.sms import (  # noqa: F401  (their writers)
    care_texts,
    drill_texts,
    officer_texts,
    partner_texts,
    person_texts,
    rota_texts,
    shift_texts,
    signup_texts,
    training_texts,
    voice_texts,
)
from dispatcher.sms.catalogs import Words, words_for
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
    VERBATIM,
    WRITERS,
    describe_tags,
    fixed,
    need_phrase,
    spoken,
    writes,
)

__all__ = [
    "FALLBACK",
    "REFERRAL",
    "TEXTS",
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
    "write",
]


def write(text: Text, language: str | None = "en") -> str:
    """The body of ``text`` in ``language`` (English when None or unknown)."""
    kind = type(text)
    body = WRITERS[kind](words_for(language), text)
    return body if kind in VERBATIM else to_gsm7(body)


def render(template: str, params: Mapping[str, Any], language: str | None = "en") -> str:
    """The body of an outbox row's text: its template name and JSON parameters.

    KeyError for an unknown template, TypeError for parameters that do not fit it.
    """
    return write(load(template, params), language)


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


@writes(texts.AwayAck)
def _away_ack(t: Words, p: texts.AwayAck) -> str:
    """AWAY's answer: until when (in the person's zone and language), or until BACK."""
    if p.until:
        when = show_time(p.until, p.zone, t.language)
        return t.gettext(
            "You are away until {when} and will not be paged. Text BACK to return early."
        ).format(when=when)
    return t.gettext("You are away and will not be paged until you text BACK.")


@writes(texts.Covered, texts.AlreadyCovered)
def _covered(t: Words, p: texts.Covered) -> str:
    """Someone else took the need: name the code and who, when known."""
    if p.first_name:
        return t.gettext("{code} is already covered by {name}. Thank you.").format(
            code=p.code, name=plain(p.first_name)
        )
    return t.gettext("{code} is already covered. Thank you.").format(code=p.code)


@writes(texts.CallOpened)
def _call_opened(t: Words, p: texts.CallOpened) -> str:
    """Spoken on a call that opened a request; the code is read out letter by letter."""
    return t.gettext(
        "Your request is open. Reference {code}. An advocate is being paged now, and you will "
        "get a text message when someone accepts. Text this number with details."
    ).format(code=spoken(p.code))


@writes(texts.CallOpenAlready)
def _call_open_already(t: Words, p: texts.CallOpenAlready) -> str:
    """Spoken on a call from an officer whose request is still open."""
    return t.gettext(
        "Your request {code} is still open. Text STATUS to this number for progress, or text "
        "the details you want passed on."
    ).format(code=spoken(p.code))


fixed(texts.Referral, REFERRAL)
fixed(
    texts.CallPerson,
    N_(
        "This line is for officers. To answer a page, text 1 and the reference code to "
        "accept, or 2 and the code to pass."
    ),
)
fixed(
    texts.CallReferral,
    N_(
        "If you are in danger, hang up and call 9 1 1. The National Human Trafficking "
        "Hotline is 1 8 8 8, 3 7 3, 7 8 8 8, or text 2 3 3 7 3 3."
    ),
)

_UNWRITTEN = sorted(kind.template for kind in TEXTS.values() if kind not in WRITERS)
if _UNWRITTEN:  # a text nobody can write is found at start-up, not when it is sent
    raise RuntimeError(f"texts without a writer: {', '.join(_UNWRITTEN)}")
