"""Duress words: hashed with scrypt and a salt of their own, never kept or shown in clear.

A duress word is one word (letters of any alphabet or digits, 3 to 30 characters) that a
person sets privately. Any reply of theirs that contains it raises a silent alarm. Matching
is by word: the reply is split into words (case, accents-as-written and punctuation
around a word do not matter) and each is hashed with the stored salt. The hash is costly
enough to slow a guess down and cheap enough to check a short text in a few milliseconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from dispatcher.errors import ValidationError

SCHEME = "scrypt1"
# scrypt cost: about 1-3 ms per word on a small server.
_N, _R, _P = 2**10, 8, 1
_SALT_BYTES = 16
MIN_LENGTH, MAX_LENGTH = 3, 30
# Only the first words of a reply are checked, so a long text costs a bounded time.
MAX_WORDS = 40
_PUNCTUATION = ".,;:!?()[]{}\"'`\u2018\u2019\u201c\u201d-_*/\\"


def normalize(word: str) -> str:
    """A word as it is hashed: punctuation around it dropped, case folded."""
    return word.strip(_PUNCTUATION).casefold()


def check_word(word: str) -> str:
    """The normalized duress word; ValidationError (naming no value) when it is not one
    word of 3 to 30 letters or digits."""
    cleaned = normalize(word.strip())
    if not (MIN_LENGTH <= len(cleaned) <= MAX_LENGTH) or not cleaned.isalnum():
        raise ValidationError(
            f"a duress word is one word of {MIN_LENGTH} to {MAX_LENGTH} letters or digits"
        )
    return cleaned


def hash_word(word: str) -> str:
    """``scrypt1$salt$digest`` (base64) of the checked, normalized ``word``."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _digest(check_word(word), salt)
    return "$".join((SCHEME, _b64(salt), _b64(digest)))


def contains_word(stored: str | None, text: str) -> bool:
    """True when a word of ``text`` (its first MAX_WORDS distinct words) is the duress word
    hashed in ``stored``. A malformed or missing hash never matches."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    salt, expected = parsed
    seen: set[str] = set()
    found = False
    for token in text.split():
        word = normalize(token)
        if word in seen or not (MIN_LENGTH <= len(word) <= MAX_LENGTH):
            continue
        seen.add(word)
        # every candidate is hashed, so the time taken does not tell where the word was
        found |= hmac.compare_digest(_digest(word, salt), expected)
        if len(seen) >= MAX_WORDS:
            break
    return found


def _parse(stored: str | None) -> tuple[bytes, bytes] | None:
    """The salt and digest of a stored hash, or None."""
    if not stored:
        return None
    parts = stored.split("$")
    if len(parts) != 3 or parts[0] != SCHEME:
        return None
    try:
        return base64.b64decode(parts[1]), base64.b64decode(parts[2])
    except ValueError:
        return None


def _digest(word: str, salt: bytes) -> bytes:
    """scrypt of the word's UTF-8 with ``salt``."""
    return hashlib.scrypt(word.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def _b64(data: bytes) -> str:
    """Standard base64 text."""
    return base64.b64encode(data).decode("ascii")
