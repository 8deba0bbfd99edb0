"""Reference codes: short, unambiguous, easy to read aloud. Pure: no database here.

A code is never reused while anything still knows it (``officers.new_code``).
"""

from __future__ import annotations

import random
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read aloud and to type on a phone at night.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
# Every code holds a digit, so that a word such as "then" in "ok then" is never a code.
REFERENCE_DIGITS = "34679"
CODE_LENGTH = 4
_SECURE = secrets.SystemRandom()


def random_code(rng: random.Random | None = None) -> str:
    """A random reference code: CODE_LENGTH characters, at least one of them a digit.

    Drawn from the system's secure source unless ``rng`` is given (tests).
    """
    source = rng or _SECURE
    while True:
        code = "".join(source.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))
        if looks_like_code(code):
            return code


# Shift offers (COVER, SWAP) have codes of their own: this letter, which no reference code
# holds, then three characters of the alphabet with a digit. "1 S4K7" takes offer S4K7 and
# can never mean a request.
OFFER_PREFIX = "S"


def random_offer_code(rng: random.Random | None = None) -> str:
    """A random shift-offer code: OFFER_PREFIX and three characters, one a digit."""
    source = rng or _SECURE
    while True:
        code = OFFER_PREFIX + "".join(source.choice(REFERENCE_ALPHABET) for _ in range(3))
        if looks_like_offer_code(code):
            return code


def looks_like_offer_code(token: str) -> bool:
    """True when ``token`` (any case) is shaped like a shift-offer code."""
    upper = token.upper()
    rest = upper[1:]
    return (
        len(upper) == CODE_LENGTH
        and upper[:1] == OFFER_PREFIX
        and all(c in REFERENCE_ALPHABET for c in rest)
        and any(c in REFERENCE_DIGITS for c in rest)
    )


def looks_like_code(token: str) -> bool:
    """True when ``token`` (any case) is shaped like a reference code."""
    upper = token.upper()
    return (
        len(upper) == CODE_LENGTH
        and all(c in REFERENCE_ALPHABET for c in upper)
        and any(c in REFERENCE_DIGITS for c in upper)
    )
