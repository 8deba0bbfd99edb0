"""Where a roster member's words may go: a pure decision, from what they are on.

Words reach an officer only when the sender accepted a need of that officer's request and
the text names it: by starting with its code, or, when the sender is on exactly one request,
by starting with no command word. Words that name the code of another request the sender
is on or was ever paged for are never relayed (other code-shaped numbers, say a street number, are
just words). Everything else is answered, not relayed. ``accepted`` and ``waiting`` are
upper-case reference codes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from dispatcher.sms.commands import Command, CommandKind, codes_mentioned

# relay: send ``words`` to the officer of ``code``; accept: accept ``code``; choose: several
# pages could be meant, list them; not_sent: say nothing was relayed and how to write to an
# officer (``codes``: the requests the sender is on); help: the sender is on nothing.
ROUTE_ACTIONS = ("relay", "accept", "choose", "not_sent", "help")


@dataclass(frozen=True)
class Route:
    """What to do with a member's text; ``words`` (not shown by repr) are what to relay."""

    action: str
    code: str | None = None
    codes: tuple[str, ...] = ()
    words: str = field(default="", repr=False)


def route_words(
    command: Command,
    accepted: Collection[str],
    waiting: Collection[str],
    paged: Collection[str] = (),
) -> Route:
    """Decide what a ``text``, ``soft_accept``, ``new`` or ``unclear`` command does.

    ``paged`` adds the codes of requests the sender was paged for and answered (declined,
    covered): words naming them are not relayed either.

    Any other kind of command is never words to relay: it gets ``not_sent``.
    """
    on = tuple(sorted(set(accepted)))
    known = frozenset(on) | frozenset(waiting) | frozenset(paged)
    if command.kind == CommandKind.SOFT_ACCEPT and waiting:
        return _soft_accept(on, tuple(sorted(set(waiting))))
    if command.kind == CommandKind.SOFT_ACCEPT:
        return _unnamed(on, known, command.text)
    if command.kind != CommandKind.TEXT:
        return Route("not_sent", codes=on)
    if command.code is not None:
        return _coded(on, known, command.code, command.argument)
    return _unnamed(on, known, command.text)


def _soft_accept(on: tuple[str, ...], waiting: tuple[str, ...]) -> Route:
    """ "On my way": accepts the one waiting page when the sender is on nothing else."""
    if len(waiting) == 1 and not on:
        return Route("accept", code=waiting[0])
    return Route("choose", codes=tuple(sorted(set(waiting) | set(on))))


def _coded(on: tuple[str, ...], known: frozenset[str], code: str, words: str) -> Route:
    """``K7Q4 words``: relayed only to a request the sender is on, naming no other."""
    if code in on and words.strip() and not _names_another(words, known, code):
        return Route("relay", code=code, words=words)
    return Route("not_sent", codes=on)


def _names_another(words: str, known: frozenset[str], code: str) -> bool:
    """True when ``words`` name a request of the sender's other than ``code``."""
    return bool(codes_mentioned(words) & known - {code})


def _unnamed(on: tuple[str, ...], known: frozenset[str], words: str) -> Route:
    """Words without a code: only with exactly one request, and no other code named."""
    if not on:
        return Route("help")
    if len(on) > 1 or not words.strip() or _names_another(words, known, on[0]):
        return Route("not_sent", codes=on)
    return Route("relay", code=on[0], words=words)


# An officer's text of these kinds is words for whoever accepts: accepting, declining,
# setting a duress word and signing up for open shifts are not officers' commands.
OFFICER_WORD_KINDS = (
    CommandKind.TEXT,
    CommandKind.DURESS,
    CommandKind.ACCEPT,
    CommandKind.DECLINE,
    CommandKind.SOFT_ACCEPT,
    CommandKind.SHIFTS,
    CommandKind.TAKE,
)


def route_officer_words(command: Command, open_codes: Collection[str]) -> Route:
    """Where an officer's words go, among their open requests (upper-case codes, in order).

    ``relay`` names the request (its advocate gets the words, or they are held); with two
    or more open, the words must start with a code, else ``choose`` lists the codes. A
    command word of ours without a code (``done with her``) is ``not_sent``.
    """
    codes = tuple(dict.fromkeys(open_codes))
    unclear_words = command.kind == CommandKind.UNCLEAR and command.argument in (
        "accept",
        "decline",
    )
    if command.kind not in OFFICER_WORD_KINDS and not unclear_words:
        return Route("not_sent", codes=codes)
    if command.kind == CommandKind.TEXT and command.code in codes and command.argument.strip():
        return Route("relay", code=command.code, words=command.argument)
    if len(codes) == 1:
        return Route("relay", code=codes[0], words=command.text)
    return Route("choose", codes=codes)
