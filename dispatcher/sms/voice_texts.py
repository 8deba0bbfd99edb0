"""What calls say: the spoken page, the answers to a key press, the screen an advocate hears
before an officer's call is put through, and what the officer hears while it is routed.

Each template is ``(t, params) -> text`` like the SMS ones, spoken with TwiML ``<Say>``.
A spoken page names the agency, the need, the tags and the code (read letter by letter),
never the officer's words.
"""

from __future__ import annotations

from typing import Any

from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import Template, describe_tags, need_phrase, spoken


def _voice_page(t: Words, p: dict[str, Any]) -> str:
    """The page spoken on a call, ending with the keys to press."""
    details = describe_tags(p.get("tags", []), t)
    what = need_phrase(p["need"], t) + (f", {details}" if details else "")
    return t.gettext(
        "This is the hotline with a page. {agency} needs {what}. Reference {code}. "
        "Press 1 to accept, or 2 to pass."
    ).format(agency=plain(p["agency"]), what=what, code=spoken(p["code"]))


def _voice_accepted(t: Words, p: dict[str, Any]) -> str:
    """Spoken after 1 won the page: the details follow by text."""
    return t.gettext("You accepted {code}. The details follow by text message. Goodbye.").format(
        code=spoken(p["code"])
    )


def _voice_declined(t: Words, p: dict[str, Any]) -> str:
    """Spoken after 2: the page passed on."""
    return t.gettext("You passed on {code}. Goodbye.").format(code=spoken(p["code"]))


def _voice_closed(t: Words, p: dict[str, Any]) -> str:
    """Spoken when the page is no longer open (covered, closed, or answered already)."""
    return t.gettext("This page is no longer open. Thank you. Goodbye.")


def _voice_no_answer(t: Words, p: dict[str, Any]) -> str:
    """Spoken when no key was pressed: the page stays unanswered."""
    return t.gettext("No answer was taken. Goodbye.")


def _voice_screen(t: Words, p: dict[str, Any]) -> str:
    """What an advocate hears before an officer's call is put through to them."""
    details = describe_tags(p.get("tags", []), t)
    what = need_phrase(p["need"], t) + (f", {details}" if details else "")
    return t.gettext(
        "A hotline call from {agency}, who needs {what}. Press 1 to take this call, or 2 to pass."
    ).format(agency=plain(p["agency"]), what=what)


def _call_connecting(t: Words, p: dict[str, Any]) -> str:
    """Spoken to an officer whose call opened a request, before advocates are rung."""
    return t.gettext(
        "Your request is open. Reference {code}. Connecting you to an advocate now. If you "
        "also need a room, press 2; a ride, press 3. Please hold."
    ).format(code=spoken(p["code"]))


def _call_need_added(t: Words, p: dict[str, Any]) -> str:
    """Spoken to an officer who pressed 2 or 3: that need is being paged by text too."""
    return t.gettext("Also requesting {need}. Please hold.").format(need=need_phrase(p["need"], t))


def _route_texting(t: Words, p: dict[str, Any]) -> str:
    """Spoken to an officer when no advocate could take the call within the ring budget."""
    return t.gettext(
        "Nobody could pick up yet. Advocates are being texted now, and you will get a text "
        "message when someone accepts. If anyone is in danger, call 9 1 1."
    )


def _route_accepted(t: Words, p: dict[str, Any]) -> str:
    """Spoken to an officer whose request was accepted by text while their call rang."""
    return t.gettext(
        "An advocate accepted your request. You will get a text message with their name. Goodbye."
    )


VOICE_TEMPLATES: dict[str, Template] = {
    "route_accepted": _route_accepted,
    "voice_screen": _voice_screen,
    "call_connecting": _call_connecting,
    "call_need_added": _call_need_added,
    "route_texting": _route_texting,
    "voice_page": _voice_page,
    "voice_accepted": _voice_accepted,
    "voice_declined": _voice_declined,
    "voice_closed": _voice_closed,
    "voice_no_answer": _voice_no_answer,
}
