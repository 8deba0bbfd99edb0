"""Reference codes: short, unambiguous, never reused while anything still knows them."""

from __future__ import annotations

import random
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows.models import CallLogEntry, Request

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


def looks_like_code(token: str) -> bool:
    """True when ``token`` (any case) is shaped like a reference code."""
    upper = token.upper()
    return (
        len(upper) == CODE_LENGTH
        and all(c in REFERENCE_ALPHABET for c in upper)
        and any(c in REFERENCE_DIGITS for c in upper)
    )


def new_code(session: Session) -> str:
    """A code used by no request and no call log entry."""
    while True:
        code = random_code()
        taken = session.scalar(select(Request.id).where(Request.code == code)) or session.scalar(
            select(CallLogEntry.id).where(CallLogEntry.code == code)
        )
        if not taken:
            return code
