"""Contact channels: how a page reaches a person, and in which order.

A person has one or two channels: ``sms``, ``voice``, or both in order (the second is
used when a page is still open after the roster's ``voice_after``). Stored as the words
joined by a comma. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from dispatcher.errors import ValidationError


class Channel(StrEnum):
    """A text, or a call that speaks the text and takes a key press."""

    SMS = "sms"
    VOICE = "voice"


DEFAULT = (Channel.SMS,)
# Every stored value, in the order a form offers them.
CHOICES = ("sms", "voice", "sms,voice", "voice,sms")


def parse_channels(words: Iterable[str]) -> tuple[Channel, ...]:
    """The channels named by ``words`` (case-insensitive), in order.

    Raises ValidationError when a word is not a channel, one repeats, or none is given.
    """
    found: list[Channel] = []
    for word in words:
        cleaned = word.strip().lower()
        if cleaned not in {c.value for c in Channel}:
            raise ValidationError(f"{word!r} is not a channel (use sms or voice)")
        if Channel(cleaned) in found:
            raise ValidationError(f"{word!r} is named twice")
        found.append(Channel(cleaned))
    if not found:
        raise ValidationError("name at least one channel (sms or voice)")
    return tuple(found)


def stored(channels: Iterable[Channel]) -> str:
    """The column's value for ``channels`` (``"sms,voice"``)."""
    return ",".join(channels)


def from_stored(value: str | None) -> tuple[Channel, ...]:
    """The channels in a stored value; SMS alone for an empty or unreadable one."""
    try:
        return parse_channels((value or "").split(","))
    except ValidationError:
        return DEFAULT
