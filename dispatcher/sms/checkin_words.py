"""When an ``OK`` is a safety check-in rather than an accept: a pure decision.

``OK`` is an accept word (``OK K7Q4`` accepts K7Q4). For someone with a check-in running
(``flows.checkins``) it is also the check-in word, by this rule:

- ``OK <code>``: a check-in when the sender has a check-in running for that code; otherwise
  an accept, as before (words after the code are dropped either way).
- ``OK`` alone: with check-ins running and no page waiting, a check-in when exactly one
  runs (several: the reply lists the codes). With a page waiting and no check-in running,
  an accept, as before. With both, neither: the reply lists every code (``OK <code>``).
- ``OK <words>`` (not a code): with exactly one check-in running and no page waiting, a
  check-in (the words are dropped, never relayed); otherwise as before (nothing done).
- ``1``, ``A`` and ``ACCEPT`` never check in.

``running`` and ``waiting`` are upper-case reference codes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from dispatcher.sms.commands import Command, CommandKind

# checkin: check in for ``code``; choose: list ``codes``; other: not a check-in.
OK_ACTIONS = ("checkin", "choose", "other")
_TRAILING = ".,;:!?)\"'"


@dataclass(frozen=True)
class OkRoute:
    """What an OK does for a sender with check-ins running."""

    action: str
    code: str | None = None
    codes: tuple[str, ...] = ()


OTHER = OkRoute("other")


def starts_with_ok(command: Command) -> bool:
    """True when the text's first word is OK (not 1, A or ACCEPT)."""
    words = command.text.split()
    return bool(words) and words[0].rstrip(_TRAILING).upper() == "OK"


def read_ok(command: Command, running: Collection[str], waiting: Collection[str]) -> OkRoute:
    """Apply the rule above to one parsed text."""
    if not running or not starts_with_ok(command):
        return OTHER
    on, pending = tuple(sorted(set(running))), tuple(sorted(set(waiting)))
    if command.kind == CommandKind.ACCEPT and command.code is not None:
        return OkRoute("checkin", code=command.code) if command.code in on else OTHER
    if command.kind == CommandKind.ACCEPT:
        if pending:
            return OkRoute("choose", codes=tuple(sorted(set(on) | set(pending))))
        if len(on) == 1:
            return OkRoute("checkin", code=on[0])
        return OkRoute("choose", codes=on)
    unclear_ok = command.kind == CommandKind.UNCLEAR and command.argument == CommandKind.ACCEPT
    if unclear_ok and len(on) == 1 and not pending:
        return OkRoute("checkin", code=on[0])
    return OTHER
