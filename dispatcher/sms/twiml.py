"""TwiML answers for webhooks: a reply SMS, nothing, or a short spoken message.

Built with the official TwiML builders (``twilio.twiml`` only, never ``twilio.rest``). Voice
answers speak; they never record or transcribe.
"""

from __future__ import annotations

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

CONTENT_TYPE = "text/xml; charset=utf-8"


def callback_url(base: str, outbox_id: int, part: int = 1) -> str:
    """A callback URL naming the outbox row (and the part, after the first)."""
    query = f"o={outbox_id}" + (f"&p={part}" if part > 1 else "")
    return f"{base}?{query}"


def message_response(text: str | None, status_callback: str | None = None) -> str:
    """A messaging answer replying ``text``, or an empty ``<Response/>`` for None.

    ``status_callback`` becomes the reply's ``action``: Twilio reports the reply's status
    there, which tells us its sid so its stored copy can be deleted.
    """
    response = MessagingResponse()
    if text is not None:
        if status_callback:
            response.message(text, action=status_callback, method="POST")
        else:
            response.message(text)
    return str(response.to_xml())


# The voice and language <Say> speaks a translation in (English keeps Twilio's default).
VOICES = {"es": {"voice": "alice", "language": "es-MX"}}


def voice_response(say: str, language: str = "en") -> str:
    """A voice answer that says ``say`` (written in ``language``) and hangs up."""
    response = VoiceResponse()
    response.say(say, **VOICES.get(language, {}))
    return str(response.to_xml())


# How long a spoken page waits for a key after it is read, in seconds.
GATHER_SECONDS = 8
# How long an officer's greeting waits for a keypad choice (room, ride) before ringing.
KEYPAD_SECONDS = 2


def voice_page(say: str, language: str, action: str, no_key: str) -> str:
    """A spoken page: ``say`` inside ``<Gather numDigits="1">`` posting the key to
    ``action``; with no key, ``no_key`` is said and the call ends (no answer)."""
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=action, method="POST", timeout=GATHER_SECONDS)
    gather.say(say, **VOICES.get(language, {}))
    response.say(no_key, **VOICES.get(language, {}))
    response.hangup()
    return str(response.to_xml())


def voice_hangup(say: str, language: str = "en") -> str:
    """Say ``say`` and end the call."""
    response = VoiceResponse()
    response.say(say, **VOICES.get(language, {}))
    response.hangup()
    return str(response.to_xml())


def dial_response(
    say: str | None,
    language: str,
    number: str,
    ring_seconds: int,
    action: str,
    screen: str,
    keypad: str | None = None,
) -> str:
    """Say ``say`` (if any), then ring ``number`` for ``ring_seconds``.

    With ``keypad``, ``say`` is spoken inside ``<Gather numDigits="1">`` posting a key to
    ``keypad`` (no key: the call goes straight on to the ringing). ``answerOnBridge``
    keeps the caller hearing ringing until the callee takes the call; the callee first
    hears the TwiML at ``screen`` (the whisper and its key); when the leg ends, Twilio asks
    ``action`` what to do next. One number per ``<Dial>``: several ring at once and a
    voicemail could win.
    """
    response = VoiceResponse()
    voice = VOICES.get(language, {})
    if say and keypad:
        gather = response.gather(num_digits=1, action=keypad, method="POST", timeout=KEYPAD_SECONDS)
        gather.say(say, **voice)
    elif say:
        response.say(say, **voice)
    dial = response.dial(answer_on_bridge=True, action=action, method="POST", timeout=ring_seconds)
    dial.number(number, url=screen, method="POST")
    return str(response.to_xml())


def screen_response(say: str, language: str, action: str) -> str:
    """The callee's screen: ``say`` inside ``<Gather numDigits="1">`` posting to ``action``;
    with no key (or a voicemail) the leg hangs up, which ends that leg only."""
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=action, method="POST", timeout=GATHER_SECONDS)
    gather.say(say, **VOICES.get(language, {}))
    response.hangup()
    return str(response.to_xml())


def bridge_response(say: str | None = None, language: str = "en") -> str:
    """The answer to the screen's key that puts the callee through to the caller once it
    ends: empty, or ``say`` spoken to the callee first."""
    response = VoiceResponse()
    if say:
        response.say(say, **VOICES.get(language, {}))
    return str(response.to_xml())


def voice_hangup_silently() -> str:
    """End the call (or the leg) without a word."""
    response = VoiceResponse()
    response.hangup()
    return str(response.to_xml())
