"""What calls say, as typed texts (see ``dispatcher.flows.texts``): the spoken page and the
answers to its keys, the screen an advocate hears before an officer's call is put through,
and what the officer hears while their call is routed. Written by ``sms.voice_texts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import CodeText, Fixed, Text


@dataclass(frozen=True)
class VoicePage(Text, template="voice_page"):
    """A page spoken on a call: agency, need, tags and code (never the officer's words)."""

    code: str
    need: str
    agency: str
    tags: tuple[str, ...] = ()
    open_codes: int = 1


@dataclass(frozen=True)
class VoiceAccepted(CodeText, template="voice_accepted"):
    """Spoken after 1 won the page (or took the call)."""


@dataclass(frozen=True)
class VoiceDetails(Text, template="voice_details"):
    """Spoken after 1 won, to a person who texted STOP (no text can follow): what the text
    of the details would say, the officer's words included when the accepter gets them
    (the advocate); then how to get texts again. ``bridging``: an officer's call is put
    through next, instead of the call ending."""

    code: str
    need: str
    agency: str
    officer_name: str
    notes: tuple[str, ...] = ()
    bridging: bool = False


@dataclass(frozen=True)
class VoiceDeclined(CodeText, template="voice_declined"):
    """Spoken after 2."""


@dataclass(frozen=True)
class VoiceClosed(Fixed, template="voice_closed"):
    """Spoken when the page is no longer open."""


@dataclass(frozen=True)
class VoiceNoAnswer(Fixed, template="voice_no_answer"):
    """Spoken when no key (or a key other than 1 or 2) was pressed."""


@dataclass(frozen=True)
class VoiceScreen(Text, template="voice_screen"):
    """What an advocate hears before an officer's call is put through."""

    agency: str
    need: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallConnecting(CodeText, template="call_connecting"):
    """The officer's greeting before advocates are rung, with the keypad choice."""


@dataclass(frozen=True)
class CallNeedAdded(Text, template="call_need_added"):
    """The officer pressed a key for a room or a ride."""

    need: str


@dataclass(frozen=True)
class RouteTexting(Fixed, template="route_texting"):
    """Nobody took the call within the ring budget: advocates are texted now."""


@dataclass(frozen=True)
class RouteAccepted(Fixed, template="route_accepted"):
    """The request was accepted by text while the call rang."""
