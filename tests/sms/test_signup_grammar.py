"""SHIFTS and TAKE n in the grammar: a table, and properties that keep them from colliding
with request codes, offer codes, other commands and an officer's words."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.codes import REFERENCE_ALPHABET, looks_like_code, looks_like_offer_code
from dispatcher.sms.commands import (
    CARRIER_WORDS,
    CODED_WORDS,
    DECISION_WORDS,
    OFFER_WORDS,
    SINGLE_WORDS,
    TAKE_WORD,
    Command,
    parse,
)
from dispatcher.sms.routing import route_officer_words, route_words

request_codes = st.text(alphabet=REFERENCE_ALPHABET, min_size=4, max_size=4).filter(looks_like_code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SHIFTS", Command("shifts")),
        ("shifts", Command("shifts")),
        (" Shifts. ", Command("shifts")),
        ("TAKE 3", Command("take", argument="3")),
        ("take 12", Command("take", argument="12")),
        ("Take #7", Command("take", argument="7")),
        ("take 007.", Command("take", argument="7")),
        ("TAKE 9999", Command("take", argument="9999")),
        # Anything else is words, never a claim.
        ("TAKE", Command("text", argument="TAKE")),
        ("take 12345", Command("text", argument="take 12345")),
        ("take 3 please", Command("text", argument="take 3 please")),
        ("take her to the hospital", Command("text", argument="take her to the hospital")),
        ("take K7Q4", Command("text", argument="take K7Q4")),
        ("take ３", Command("text", argument="take ３")),
        ("shifts please", Command("text", argument="shifts please")),
        ("i'll take it", Command("soft_accept")),
    ],
)
def test_shifts_and_take_spellings(text: str, expected: Command) -> None:
    assert parse(text) == expected


def test_the_new_words_are_not_carrier_words_codes_or_other_commands() -> None:
    for word in ("SHIFTS", TAKE_WORD):
        assert word not in CARRIER_WORDS
        assert word not in CODED_WORDS and word not in OFFER_WORDS
        assert word not in DECISION_WORDS
        assert not looks_like_code(word) and not looks_like_offer_code(word)
    assert SINGLE_WORDS["SHIFTS"] == "shifts"


@given(st.integers(0, 9999), st.sampled_from(["TAKE", "take", "Take", "tAkE"]))
def test_take_and_any_number_of_up_to_four_digits_is_a_claim(number: int, word: str) -> None:
    assert parse(f"{word} {number}") == Command("take", argument=str(number))


@given(request_codes, st.text())
def test_a_request_code_first_is_never_a_claim(code: str, rest: str) -> None:
    assert parse(f"{code} {rest}").kind not in ("take", "shifts")


# What TAKE reads as a number: digits, a leading # and trailing punctuation allowed.
NUMBER_LIKE = re.compile(r"#?\d+[.,;:!?)\"']*")


@given(st.text(min_size=1).filter(lambda rest: not NUMBER_LIKE.fullmatch(rest.strip())))
def test_take_followed_by_anything_but_a_number_is_words(rest: str) -> None:
    command = parse(f"take {rest}")
    assert command.kind != "take"


@given(st.sampled_from(["SHIFTS", "take 2", "TAKE 14"]), st.lists(request_codes, max_size=2))
def test_a_members_shifts_or_take_is_never_relayed(text: str, accepted: list[str]) -> None:
    assert route_words(parse(text), accepted, []).action != "relay"


@given(st.sampled_from(["SHIFTS", "take 2", "TAKE 14", "take her home"]), request_codes)
def test_an_officers_shifts_or_take_is_their_words(text: str, code: str) -> None:
    route = route_officer_words(parse(text), [code])
    assert (route.action, route.code, route.words) == ("relay", code, text)
