"""SMS segments: the GSM-7 alphabet, how many parts a text costs, and fitting a name in.

Pure functions of text. A GSM-7 text costs 160 septets alone or 153 per part; anything
else is UCS-2 (70 units alone, 67 per part).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

# GSM 03.38 basic set (without the escape) and the extension table (two septets each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_SINGLE, GSM7_PART = 160, 153
MIN_NAME = "An agency"
UCS2_SINGLE, UCS2_PART = 70, 67

_GSM_LOOKALIKES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "″": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "…": "...",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "•": "-",
    }
)


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM-7 alphabet (basic or extension table)."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def segments(text: str) -> int:
    """How many SMS segments ``text`` costs (0 for an empty text).

    GSM-7: 160 septets alone, 153 per part, extension characters take two and never
    straddle parts. Anything else is UCS-2: 70 UTF-16 units alone, 67 per part, and a
    surrogate pair never straddles parts.
    """
    if is_gsm7(text):
        costs = [2 if c in GSM7_EXTENSION else 1 for c in text]
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(costs) <= single:
        return 1 if costs else 0
    return _parts(costs, part)


def _parts(costs: Iterable[int], size: int) -> int:
    """Pack characters of the given costs into parts of ``size`` units, greedily."""
    count, used = 1, 0
    for cost in costs:
        if used + cost > size:
            count, used = count + 1, 0
        used += cost
    return count


def to_gsm7(text: str) -> str:
    """Replace curly quotes, dashes, ellipses and odd spaces with their GSM-7 equivalents."""
    return text.translate(_GSM_LOOKALIKES)


def plain(text: str) -> str:
    """``text`` reduced to GSM-7 on one line: accents dropped where needed, the rest removed."""
    kept = []
    for char in to_gsm7(" ".join(text.split())):
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            kept.append(char)
        else:
            kept.extend(c for c in unicodedata.normalize("NFKD", char) if c in GSM7_BASIC)
    return " ".join("".join(kept).split())


def fit_one_segment(name: str, rest: str, fallback: str = MIN_NAME) -> str:
    """``name + rest`` in one segment, shortening ``name`` (never ``rest``) to fit."""
    return fit_segments(name, rest, 1, fallback)


def fit_segments(name: str, rest: str, limit: int, fallback: str = MIN_NAME) -> str:
    """``name + rest`` in at most ``limit`` segments, shortening ``name`` (never ``rest``).

    ``name`` is reduced to GSM-7 first (``plain``), so only ``rest`` can make the text UCS-2.
    An empty name becomes ``fallback``, itself cut (even to nothing) when ``rest`` is long.
    """

    def fits(candidate: str) -> bool:
        return segments(candidate + rest) <= limit

    name = _shorten(plain(name) or fallback, fits).rstrip(" ,.-&")
    if name:
        return name + rest
    cut = fallback
    while cut and not fits(cut):
        cut = cut[:-1]
    return cut + rest


def _shorten(name: str, fits: Callable[[str], bool]) -> str:
    """``name`` cut until ``fits``, at a word boundary when that keeps most of it."""
    cut = name
    while cut and not fits(cut):
        cut = cut[:-1]
    if cut == name or name[len(cut)] == " ":
        return cut
    words = cut.rsplit(" ", 1)[0]
    return words if len(words) > len(cut) // 2 else cut
