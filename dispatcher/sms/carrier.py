"""What the carrier answers to its own keywords, as Twilio's default opt-out handling does.

Twilio answers STOP, START and HELP (and their synonyms, sent alone) itself and still
forwards the text to the webhook. The simulator shows these answers, marked as the
carrier's, so a drill sees what a real phone would. They are Twilio's default English
texts, not the service's, so they are not in the service's catalogs.
"""

from __future__ import annotations

from dispatcher.sms.commands import CommandKind, parse

ANSWERS: dict[CommandKind, str] = {
    CommandKind.CARRIER_HELP: "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
    CommandKind.OPT_OUT: (
        "You have successfully been unsubscribed. You will not receive any more messages "
        "from this number. Reply START to resubscribe."
    ),
    CommandKind.OPT_IN: (
        "You have successfully been re-subscribed to messages from this number. Reply HELP "
        "for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
    ),
}


def carrier_answer(body: str) -> str | None:
    """The carrier's own answer to ``body``, or None when the carrier lets it pass."""
    return ANSWERS.get(parse(body).kind)
