"""Long messages in parts the provider accepts, numbered so they read in order.

Twilio refuses a body over 1,600 characters (error 21617). The text for the accepting
advocate can carry several long officer texts, so it is split into numbered parts, each
sent as its own message, in order. Pure: no I/O.
"""

from __future__ import annotations

MAX_CHARS = 1600  # Twilio's limit on one message body, in UTF-16 code units


def units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (how the provider counts characters)."""
    return len(text.encode("utf-16-le")) // 2


def split_parts(text: str, limit: int = MAX_CHARS) -> list[str]:
    """``text`` as one part when it fits ``limit``, else parts prefixed "(k/n) " that do.

    Parts break at a space when one is near the end, never inside a surrogate pair; the
    parts without their prefixes, joined, give back the text (up to the spaces broken at).
    """
    if units(text) <= limit:
        return [text]
    count = 2
    while True:
        chunks = _chunks(text, limit - len(f"({count}/{count}) "))
        if len(chunks) <= count:
            return [f"({k}/{len(chunks)}) {chunk}" for k, chunk in enumerate(chunks, 1)]
        count = len(chunks)


def _chunks(text: str, size: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` units, at a space when one is close."""
    pieces: list[str] = []
    rest = text
    while units(rest) > size:
        cut = _fit(rest, size)
        space = rest.rfind(" ", 0, cut)
        if space > cut * 3 // 4:
            cut = space
        pieces.append(rest[:cut].rstrip(" "))
        rest = rest[cut:].lstrip(" ")
    if rest:
        pieces.append(rest)
    return pieces


def _fit(text: str, size: int) -> int:
    """How many characters of ``text`` fit in ``size`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > size:
            return index
    return len(text)
