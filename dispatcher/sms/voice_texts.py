"""What calls say: the spoken page, the answers to a key press, the screen an advocate hears
before an officer's call is put through, and what the officer hears while it is routed.

Each writer is ``(t, text) -> words`` for one class of ``dispatcher.flows.voicetexts``,
spoken with TwiML ``<Say>``. Spoken words are never split into SMS segments, so they are
kept as written (``verbatim``: accents and all). A spoken page names the agency, the need,
the tags and the code (read letter by letter), never the officer's words.
"""

from __future__ import annotations

from dispatcher.flows import voicetexts as v
from dispatcher.flows.texts import Fixed
from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import describe_tags, need_phrase, spoken, writes


@writes(v.VoicePage, verbatim=True)
def _voice_page(t: Words, p: v.VoicePage) -> str:
    """The page spoken on a call, ending with the keys to press."""
    details = describe_tags(p.tags, t)
    what = need_phrase(p.need, t) + (f", {details}" if details else "")
    return t.gettext(
        "This is the hotline with a page. {agency} needs {what}. Reference {code}. "
        "Press 1 to accept, or 2 to pass."
    ).format(agency=plain(p.agency), what=what, code=spoken(p.code))


@writes(v.VoiceAccepted, verbatim=True)
def _voice_accepted(t: Words, p: v.VoiceAccepted) -> str:
    """Spoken after 1 won the page: the details follow by text."""
    return t.gettext("You accepted {code}. The details follow by text message. Goodbye.").format(
        code=spoken(p.code)
    )


@writes(v.VoiceDetails, verbatim=True)
def _voice_details(t: Words, p: v.VoiceDetails) -> str:
    """The details spoken to an accepter who texted STOP, then how to get texts again."""
    lines = [
        t.gettext("You accepted {code}: {need} for {agency}, officer {officer}.").format(
            code=spoken(p.code),
            need=need_phrase(p.need, t),
            agency=plain(p.agency),
            officer=plain(p.officer_name),
        )
    ]
    officer = t.gettext("The officer wrote: {words}")
    lines += [officer.format(words=note) for note in p.notes]
    lines.append(
        t.gettext(
            "You turned off text messages from the hotline, so none will follow. Text START "
            "to the hotline to get them again; then text it to reach the officer."
        )
    )
    lines.append(t.gettext("Putting you through now.") if p.bridging else t.gettext("Goodbye."))
    return " ".join(lines)


@writes(v.VoiceDeclined, verbatim=True)
def _voice_declined(t: Words, p: v.VoiceDeclined) -> str:
    """Spoken after 2: the page passed on."""
    return t.gettext("You passed on {code}. Goodbye.").format(code=spoken(p.code))


@writes(v.VoiceScreen, verbatim=True)
def _voice_screen(t: Words, p: v.VoiceScreen) -> str:
    """What an advocate hears before an officer's call is put through."""
    details = describe_tags(p.tags, t)
    what = need_phrase(p.need, t) + (f", {details}" if details else "")
    return t.gettext(
        "A hotline call from {agency}, who needs {what}. Press 1 to take this call, or 2 to pass."
    ).format(agency=plain(p.agency), what=what)


@writes(v.CallConnecting, verbatim=True)
def _call_connecting(t: Words, p: v.CallConnecting) -> str:
    """Spoken to an officer whose call opened a request, before advocates are rung."""
    return t.gettext(
        "Your request is open. Reference {code}. Connecting you to an advocate now. If you "
        "also need a room, press 2; a ride, press 3. Please hold."
    ).format(code=spoken(p.code))


@writes(v.CallNeedAdded, verbatim=True)
def _call_need_added(t: Words, p: v.CallNeedAdded) -> str:
    """Spoken to an officer who pressed 2 or 3: that need is being paged by text too."""
    return t.gettext("Also requesting {need}. Please hold.").format(need=need_phrase(p.need, t))


def _spoken_fixed(kind: type[Fixed], message: str) -> None:
    """``kind`` always says ``message`` (an English source text marked with ``N_``)."""
    writes(kind, verbatim=True)(lambda t, p: t.gettext(message))


_spoken_fixed(v.VoiceClosed, N_("This page is no longer open. Thank you. Goodbye."))
_spoken_fixed(v.VoiceNoAnswer, N_("No answer was taken. Goodbye."))
_spoken_fixed(
    v.RouteTexting,
    N_(
        "Nobody could pick up yet. Advocates are being texted now, and you will get a text "
        "message when someone accepts. If anyone is in danger, call 9 1 1."
    ),
)
_spoken_fixed(
    v.RouteAccepted,
    N_("An advocate accepted your request. You will get a text message with their name. Goodbye."),
)
