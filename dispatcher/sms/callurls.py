"""The URLs a routed call gives Twilio, the ``<Dial>`` that rings one advocate, and the
TwiML of a spoken page (the same for Twilio and the simulator).

Every URL carries its rows in the query (``r`` the request, ``p`` the page of the leg),
which the signature covers: Twilio signs the full URL it calls.
"""

from __future__ import annotations

from dispatcher import web
from dispatcher.flows.routing import Leg
from dispatcher.flows.voicetexts import VoiceNoAnswer
from dispatcher.sms import twiml
from dispatcher.sms.messages import write


def voice_url(path: str, **query: int) -> str:
    """``<public base>/voice/<path>?k=v``."""
    args = "&".join(f"{key}={value}" for key, value in query.items())
    base = web.runtime().settings.public_base_url.rstrip("/")
    return f"{base}/voice/{path}" + (f"?{args}" if args else "")


def dial(say: str | None, language: str, leg: Leg, request_id: int, keypad: bool = False) -> str:
    """Say ``say`` (if any), then ring the leg's advocate with the screen before the bridge.

    With ``keypad``, a key pressed during ``say`` goes to ``/voice/needs`` (room, ride).
    """
    return twiml.dial_response(
        say,
        language,
        leg.number,
        leg.ring_seconds,
        action=voice_url("dial", r=request_id, p=leg.page_id),
        screen=voice_url("screen", p=leg.page_id),
        keypad=voice_url("needs", r=request_id, p=leg.page_id) if keypad else None,
    )


def page_call(say: str, language: str, voice_url: str, outbox_id: int) -> str:
    """A spoken page (outbox row ``outbox_id``) whose key goes to
    ``<voice_url>/page?o=<outbox_id>``; no key says so and hangs up."""
    action = twiml.callback_url(voice_url + "/page", outbox_id)
    return twiml.voice_page(say, language, action, write(VoiceNoAnswer(), language))
