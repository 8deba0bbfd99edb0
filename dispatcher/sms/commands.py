"""The reply grammar: what an SMS asks for, parsed in memory and never stored or logged.

Carrier keywords (STOP, START, HELP, ...) are the carrier's: Twilio acts on them when they
make up the whole message, so they are recognised only then, and never read as a command
of ours. Everything is case-insensitive; surrounding whitespace and trailing punctuation
are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dispatcher.flows.codes import CODE_LENGTH as REFERENCE_LENGTH

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
CARRIER_HELP_WORDS = frozenset({"HELP", "INFO"})
CARRIER_WORDS = OPT_OUT_WORDS | OPT_IN_WORDS | CARRIER_HELP_WORDS

# Words that may be followed by a reference code; a bare "1" accepts the one open page.
CODED_WORDS = {
    "1": "accept",
    "A": "accept",
    "ACCEPT": "accept",
    "OK": "accept",
    "2": "decline",
    "D": "decline",
    "DECLINE": "decline",
    "PASS": "decline",
    "DONE": "done",
    "STATUS": "status",
}
SINGLE_WORDS = {"BACK": "back", "WHO": "who"}
KINDS = (
    "accept",
    "decline",
    "done",
    "status",
    "away",
    "back",
    "who",
    "join",
    "opt_out",
    "opt_in",
    "carrier_help",
    "text",
)

_TRAILING_PUNCTUATION = ".,;:!?)\"'"
# What a typed code may look like: lenient (a mistyped code still reads as a code and gets
# "no such code", instead of being relayed as free text), but with a digit, so that words
# ("ok then") are never taken for codes.
_CODE_SHAPE = re.compile(rf"^(?=[A-Z]*[0-9])[A-Z0-9]{{{REFERENCE_LENGTH}}}$")
_GLUED_DIGIT_CODE = re.compile(rf"^([12])([A-Z0-9]{{{REFERENCE_LENGTH}}})$")


@dataclass(frozen=True)
class Command:
    """One parsed reply. ``code`` is an upper-case reference (or agency code for ``join``).

    ``argument`` holds the AWAY duration, the JOIN name, or the free text itself for
    ``text``; it is left out of ``repr`` so a logged command never carries what was written.
    """

    kind: str
    code: str | None = None
    argument: str = field(default="", repr=False)


def parse(text: str) -> Command:
    """Read one SMS body as a command; never raises, anything unknown is ``text``."""
    cleaned = _clean(text)
    tokens = cleaned.split()
    if not tokens:
        return Command("text", argument=cleaned)
    head = tokens[0].upper()
    if len(tokens) == 1 and head in CARRIER_WORDS:
        return Command(_carrier_kind(head))
    if head in CARRIER_WORDS:
        return Command("text", argument=cleaned)
    return _command(head, tokens, cleaned) or Command("text", argument=cleaned)


def _clean(text: str) -> str:
    """Strip whitespace and trailing punctuation, and collapse inner runs of whitespace."""
    return " ".join(text.split()).rstrip(_TRAILING_PUNCTUATION).strip()


def _carrier_kind(word: str) -> str:
    """The kind of a carrier keyword sent on its own."""
    if word in OPT_OUT_WORDS:
        return "opt_out"
    if word in OPT_IN_WORDS:
        return "opt_in"
    return "carrier_help"


def _command(head: str, tokens: list[str], cleaned: str) -> Command | None:
    """The command named by the first word, or None when the message is free text."""
    if head in CODED_WORDS:
        return _coded(CODED_WORDS[head], tokens[1:])
    if head in SINGLE_WORDS:
        return Command(SINGLE_WORDS[head]) if len(tokens) == 1 else None
    if head == "AWAY":
        return Command("away", argument=" ".join(tokens[1:]))
    if head == "JOIN":
        code = tokens[1] if len(tokens) > 1 else None
        return Command("join", code=code, argument=" ".join(tokens[2:]))
    glued = _GLUED_DIGIT_CODE.match(head)
    if glued and len(tokens) == 1 and _CODE_SHAPE.match(glued.group(2)):
        return Command(CODED_WORDS[glued.group(1)], code=glued.group(2))
    return None


def _coded(kind: str, rest: list[str]) -> Command | None:
    """A command word followed by nothing or by exactly one reference code."""
    if not rest:
        return Command(kind)
    if len(rest) == 1 and _CODE_SHAPE.match(rest[0].upper()):
        return Command(kind, code=rest[0].upper())
    return None
