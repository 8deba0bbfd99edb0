"""Duress words: hashed, matched as a word of a reply, never kept in clear."""

from __future__ import annotations

import pytest

from dispatcher.crypto.duress import check_word, contains_word, hash_word
from dispatcher.errors import ValidationError
from dispatcher.flows.checkins import RESERVED_WORDS
from dispatcher.sms.commands import (
    CARRIER_WORDS,
    CODED_WORDS,
    DECISION_WORDS,
    OFFER_WORDS,
    SINGLE_WORDS,
    TAKE_WORD,
    CommandKind,
)


def test_the_hash_holds_no_clear_word_and_is_salted() -> None:
    first, second = hash_word("Bluebird"), hash_word("bluebird")
    assert "bluebird" not in first.lower() and first != second
    assert contains_word(first, "bluebird") and contains_word(second, "BLUEBIRD")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("OK K7Q4 bluebird", True),
        ("all fine here, Bluebird.", True),
        ("(bluebird)", True),
        ("bluebirds everywhere", False),
        ("blue bird", False),
        ("OK K7Q4", False),
        ("", False),
    ],
)
def test_the_word_is_found_among_the_words_of_a_reply(text: str, found: bool) -> None:
    assert contains_word(hash_word("bluebird"), text) is found


@pytest.mark.parametrize("stored", [None, "", "scrypt1$x", "argon2$a$b", "scrypt1$!!$??"])
def test_a_missing_or_malformed_hash_never_matches(stored: str | None) -> None:
    assert contains_word(stored, "bluebird") is False


@pytest.mark.parametrize("word", ["ab", "two words", "x" * 31, "blue-bird", ""])
def test_a_duress_word_is_one_word_of_3_to_30_letters_or_digits(word: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_word(word)
    assert word not in str(raised.value) or not word


def test_every_command_word_is_reserved() -> None:
    words = set(CARRIER_WORDS) | set(DECISION_WORDS) | set(SINGLE_WORDS)
    words |= {w for w in CODED_WORDS if " " not in w and w.isalpha() and len(w) >= 3}
    words |= {"AWAY", "JOIN", "NEW", CommandKind.DURESS.upper(), "OK"} | set(OFFER_WORDS)
    words |= {TAKE_WORD}
    assert {w.lower() for w in words} <= RESERVED_WORDS
