"""The reply grammar: what an SMS asks for, parsed in memory and never stored or logged.

Carrier keywords (STOP, START, HELP, ...) are the carrier's: Twilio acts on them when they
make up the whole message, so they are recognised only then, and never read as a command
of ours. Everything is case-insensitive; surrounding whitespace and trailing punctuation
are ignored.

A text that starts with a command word and a code is that command for that code, whatever
follows (the extra words are dropped here, never relayed). A command word followed by
anything else is ``unclear``: it acts on nothing and is never relayed either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from dispatcher.flows.codes import CODE_LENGTH as REFERENCE_LENGTH
from dispatcher.flows.codes import looks_like_code, looks_like_offer_code


class CommandKind(StrEnum):
    """What a parsed reply asks for."""

    ACCEPT = "accept"
    DECLINE = "decline"
    DONE = "done"
    STATUS = "status"
    ADD = "add"
    DROP = "drop"
    NEW = "new"
    APPROVE = "approve"
    DENY = "deny"
    SOFT_ACCEPT = "soft_accept"
    UNCLEAR = "unclear"
    AWAY = "away"
    BACK = "back"
    WHO = "who"
    COVER = "cover"
    SWAP = "swap"
    SHIFTS = "shifts"
    TAKE = "take"
    JOIN = "join"
    DURESS = "duress"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    CARRIER_HELP = "carrier_help"
    TEXT = "text"


KINDS: tuple[CommandKind, ...] = tuple(CommandKind)


OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
CARRIER_HELP_WORDS = frozenset({"HELP", "INFO"})
CARRIER_WORDS = OPT_OUT_WORDS | OPT_IN_WORDS | CARRIER_HELP_WORDS

# Words that may be followed by a reference code; a bare "1" accepts the one open page.
CODED_WORDS = {
    "1": CommandKind.ACCEPT,
    "A": CommandKind.ACCEPT,
    "ACCEPT": CommandKind.ACCEPT,
    "OK": CommandKind.ACCEPT,
    "2": CommandKind.DECLINE,
    "D": CommandKind.DECLINE,
    "DECLINE": CommandKind.DECLINE,
    "PASS": CommandKind.DECLINE,
    "DONE": CommandKind.DONE,
    "STATUS": CommandKind.STATUS,
    "ROOM": CommandKind.ADD,
    "RIDE": CommandKind.ADD,
    "ADVOCATE": CommandKind.ADD,
    "NO ROOM": CommandKind.DROP,
    "NO RIDE": CommandKind.DROP,
}
# The need an add or drop word is about.
NEED_OF_WORD = {
    "ROOM": "room",
    "RIDE": "ride",
    "ADVOCATE": "advocate",
    "NO ROOM": "room",
    "NO RIDE": "ride",
}
# What a ride may require of whoever gives it (``RIDE carseat``, ``RIDE K7Q4 wheelchair``).
REQUIREMENT_WORDS = {"CARSEAT": "carseat", "CAR-SEAT": "carseat", "WHEELCHAIR": "wheelchair"}
# The needs whose add word takes requirements.
REQUIRING_NEEDS = frozenset({"ride"})
SINGLE_WORDS = {"BACK": CommandKind.BACK, "WHO": CommandKind.WHO, "SHIFTS": CommandKind.SHIFTS}
# Claiming an open shift: TAKE and its number (at most this many digits); "take" followed
# by anything else is words.
TAKE_WORD = "TAKE"
TAKE_DIGITS = 4
# Offering one's shift: COVER SAT / COVER 3/14 / COVER NEXT to the rotation, SWAP <name> to one.
OFFER_WORDS = {"COVER": CommandKind.COVER, "SWAP": CommandKind.SWAP}
# A coordinator settling a pending enrollment: APPROVE 12, DENY 12.
DECISION_WORDS = {"APPROVE": CommandKind.APPROVE, "DENY": CommandKind.DENY}
# Whole texts that accept the one page waiting on the sender (apostrophes made straight).
ACCEPT_PHRASES = frozenset(
    {"on my way", "omw", "i'll take it", "ill take it", "i can take it", "coming"}
    | {"voy", "yo voy"}
)

_TRAILING_PUNCTUATION = ".,;:!?)\"'"
# What a typed code after a command word may look like: lenient (a mistyped code still
# reads as a code and gets "no such code", instead of being relayed as free text), but
# with a digit, so that words ("ok then") are never taken for codes.
_CODE_SHAPE = re.compile(rf"^(?=[A-Z]*[0-9])[A-Z0-9]{{{REFERENCE_LENGTH}}}$")
_GLUED_DIGIT_CODE = re.compile(rf"^([12])([A-Z0-9]{{{REFERENCE_LENGTH}}})$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@dataclass(frozen=True)
class Command:
    """One parsed reply. ``code`` is an upper-case reference (or agency code for ``join``).

    ``count`` is the number of nights after an accept's code (``1 K7Q4 2``); ``requires``
    what an added ride needs (``RIDE carseat``). ``argument`` holds the AWAY duration, the
    JOIN name, the number of TAKE, the words of NEW, the new duress word of DURESS, the need
    of an ``add``/``drop``, the command an ``unclear`` text started with, or for ``text`` the
    words (after a leading code, when ``code`` is set, as written). ``text`` is the whole
    message as written, runs of whitespace collapsed. Neither is shown by ``repr`` and
    ``text`` is not compared, so a logged command never carries what was written.
    """

    kind: CommandKind
    code: str | None = None
    argument: str = field(default="", repr=False)
    text: str = field(default="", repr=False, compare=False)
    count: int | None = None
    requires: tuple[str, ...] = ()


def parse(text: str, needs: Iterable[str] = ()) -> Command:
    """Read one SMS body as a command; never raises, anything unknown is ``text``.

    ``needs`` are the configured need keys: each is an add word (``SANE``) and, after
    ``NO``, a drop word, as ``ROOM`` and ``NO ROOM`` are.
    """
    whole = " ".join(text.split())
    cleaned = whole.rstrip(_TRAILING_PUNCTUATION).strip()
    tokens = cleaned.split()
    if not tokens:
        return Command(CommandKind.TEXT, argument=cleaned, text=whole)
    head = _word(tokens[0])
    if len(tokens) == 1 and head in CARRIER_WORDS:
        return Command(_carrier_kind(head), text=whole)
    if head in CARRIER_WORDS:
        return Command(CommandKind.TEXT, argument=cleaned, text=whole)
    words = _need_words(needs)
    found = _command(head, tokens, words) or _free_text(tokens, cleaned, whole)
    return replace(found, text=whole)


def _word(token: str) -> str:
    """A token as a command word or code: upper case, trailing punctuation dropped."""
    return token.rstrip(_TRAILING_PUNCTUATION).upper()


def _carrier_kind(word: str) -> CommandKind:
    """The kind of a carrier keyword sent on its own."""
    if word in OPT_OUT_WORDS:
        return CommandKind.OPT_OUT
    if word in OPT_IN_WORDS:
        return CommandKind.OPT_IN
    return CommandKind.CARRIER_HELP


def _need_words(needs: Iterable[str]) -> dict[str, tuple[CommandKind, str]]:
    """Add and drop words of the configured needs the built-in words do not name."""
    words: dict[str, tuple[CommandKind, str]] = {}
    for need in needs:
        word = need.upper()
        if word not in CODED_WORDS and word not in CARRIER_WORDS and word.isidentifier():
            words[word] = (CommandKind.ADD, need)
            words[f"NO {word}"] = (CommandKind.DROP, need)
    return words


def _command(
    head: str, tokens: list[str], needs: dict[str, tuple[CommandKind, str]]
) -> Command | None:
    """The command named by the first word(s), or None when the message is free text."""
    second = f"NO {_word(tokens[1])}" if head == "NO" and len(tokens) > 1 else ""
    if second in CODED_WORDS:
        return _coded(second, tokens[2:])
    if second in needs:
        return _coded(second, tokens[2:], needs[second])
    if head in CODED_WORDS:
        return _coded(head, tokens[1:])
    if head in needs:
        return _coded(head, tokens[1:], needs[head])
    if head in SINGLE_WORDS:
        return Command(SINGLE_WORDS[head]) if len(tokens) == 1 else None
    if head == TAKE_WORD and len(tokens) == 2:
        number = _word(tokens[1]).lstrip("#")
        if number.isdecimal() and number.isascii() and len(number) <= TAKE_DIGITS:
            return Command(CommandKind.TAKE, argument=str(int(number)))
        return None
    if head == "AWAY":
        return Command(CommandKind.AWAY, argument=" ".join(tokens[1:]))
    if head in OFFER_WORDS:
        return Command(OFFER_WORDS[head], argument=" ".join(tokens[1:]))
    if head == "JOIN":
        code = tokens[1] if len(tokens) > 1 else None
        return Command(CommandKind.JOIN, code=code, argument=" ".join(tokens[2:]))
    if head in DECISION_WORDS and len(tokens) == 2 and tokens[1].isdigit():
        return Command(DECISION_WORDS[head], argument=tokens[1])
    if head == "NEW":
        return Command(CommandKind.NEW, argument=" ".join(tokens[1:]))
    if head == "DURESS":
        return Command(CommandKind.DURESS, argument=" ".join(tokens[1:]))
    glued = _GLUED_DIGIT_CODE.match(head)
    if glued and _CODE_SHAPE.match(glued.group(2)):
        return Command(CODED_WORDS[glued.group(1)], code=glued.group(2))
    return None


def _coded(word: str, rest: list[str], need_word: tuple[CommandKind, str] | None = None) -> Command:
    """A command word, then nothing, a code (and words that are dropped), or anything else;
    ``need_word`` is the kind and need of a configured need's word.

    An accept's code may be followed by a number of nights; an added ride's word by what
    it requires, before or after the code.
    """
    kind, need = need_word or (CODED_WORDS[word], NEED_OF_WORD.get(word, ""))
    requires: tuple[str, ...] = ()
    if kind == CommandKind.ADD and need in REQUIRING_NEEDS:
        requires, rest = _requirements(rest)
    if not rest:
        return Command(kind, argument=need, requires=requires)
    code = _word(rest[0])
    if _CODE_SHAPE.match(code):
        nights = _nights(rest[1:]) if kind == CommandKind.ACCEPT else None
        return Command(kind, code=code, argument=need, count=nights, requires=requires)
    return Command(CommandKind.UNCLEAR, argument=kind)


def _nights(rest: list[str]) -> int | None:
    """The number right after an accept's code (``1 K7Q4 2``), if any."""
    first = _word(rest[0]) if rest else ""
    return int(first) if first.isascii() and first.isdigit() and len(first) <= 3 else None


def _requirements(rest: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Requirement words (``carseat``, ``car seat``, ``wheelchair``) taken out of ``rest``,
    in a fixed order, and the tokens left."""
    found: set[str] = set()
    left: list[str] = []
    words = [_word(token) for token in rest]
    skip = False
    for i, token in enumerate(rest):
        if skip:
            skip = False
            continue
        if words[i] == "CAR" and i + 1 < len(words) and words[i + 1] == "SEAT":
            found.add("carseat")
            skip = True
        elif words[i] in REQUIREMENT_WORDS:
            found.add(REQUIREMENT_WORDS[words[i]])
        else:
            left.append(token)
    return tuple(sorted(found)), left


def _free_text(tokens: list[str], cleaned: str, whole: str) -> Command:
    """Words: an accept phrase, words after a leading reference code, or plain text.

    Words after a code keep their punctuation (``whole`` is the text as written, with
    runs of whitespace collapsed).
    """
    if cleaned.lower().translate(_APOSTROPHES) in ACCEPT_PHRASES:
        return Command(CommandKind.SOFT_ACCEPT)
    lead = _word(tokens[0])
    if len(tokens) > 1 and looks_like_code(lead):
        return Command(CommandKind.TEXT, code=lead, argument=whole.split(" ", 1)[1])
    if looks_like_offer_code(lead):  # an offer's code is never words for an officer
        rest = whole.split(" ", 1)[1] if len(tokens) > 1 else ""
        return Command(CommandKind.TEXT, code=lead, argument=rest)
    return Command(CommandKind.TEXT, argument=cleaned)


def codes_mentioned(words: str) -> frozenset[str]:
    """Every token of ``words`` shaped like a reference code (also glued to 1 or 2)."""
    found = set()
    for token in words.split():
        word = token.strip(_TRAILING_PUNCTUATION + "([").upper()
        if looks_like_code(word):
            found.add(word)
        elif word[:1] in ("1", "2") and looks_like_code(word[1:]):
            found.add(word[1:])
    return frozenset(found)


# COVER's day: a weekday (the next one, today included), TODAY, TOMORROW, NEXT, 2026-03-14
# or 3/14 (month/day, this year or, once past, the next).
NEXT_SHIFT = "next"
_WEEKDAY_WORDS = {
    **{name: i for i, name in enumerate(("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"))},
    **{
        name: i
        for i, name in enumerate(
            ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
        )
    },
    "TUES": 1, "THUR": 3, "THURS": 3,
}  # fmt: skip
_MONTH_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def cover_day(words: str, today: date) -> date | str | None:
    """The local date COVER names, NEXT_SHIFT for ``NEXT``, or None when it names no day."""
    word = _word(words.strip()) if words.strip() else ""
    if word in ("NEXT", ""):
        return NEXT_SHIFT if word else None
    if word in ("TODAY", "TONIGHT"):
        return today
    if word == "TOMORROW":
        return today + timedelta(days=1)
    if word in _WEEKDAY_WORDS:
        return today + timedelta(days=(_WEEKDAY_WORDS[word] - today.weekday()) % 7)
    try:
        return date.fromisoformat(word)
    except ValueError:
        pass
    found = _MONTH_DAY.match(word)
    if found is None:
        return None
    try:
        day = date(today.year, int(found.group(1)), int(found.group(2)))
    except ValueError:
        return None
    return day if day >= today else day.replace(year=today.year + 1)
