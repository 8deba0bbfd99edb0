"""COVER, SWAP and offer codes in the member grammar: tables and properties."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.codes import (
    REFERENCE_ALPHABET,
    looks_like_code,
    looks_like_offer_code,
    random_code,
    random_offer_code,
)
from dispatcher.sms.commands import NEXT_SHIFT, Command, cover_day, parse
from dispatcher.sms.routing import route_words

offer_codes = (
    st.text(alphabet=REFERENCE_ALPHABET, min_size=3, max_size=3)
    .map(lambda rest: "S" + rest)
    .filter(looks_like_offer_code)
)
request_codes = st.text(alphabet=REFERENCE_ALPHABET, min_size=4, max_size=4).filter(looks_like_code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("COVER SAT", Command("cover", argument="SAT")),
        ("cover 3/14", Command("cover", argument="3/14")),
        ("Cover next.", Command("cover", argument="next")),
        ("cover", Command("cover")),
        ("SWAP Ana", Command("swap", argument="Ana")),
        ("swap ben okafor", Command("swap", argument="ben okafor")),
        ("1 S4K7", Command("accept", "S4K7")),
        ("1s4k7", Command("accept", "S4K7")),
        ("2 s4k7 cannot, sorry", Command("decline", "S4K7")),
        ("ok S4K7", Command("accept", "S4K7")),
        ("S4K7 hello", Command("text", "S4K7", "hello")),
        ("S4K7", Command("text", "S4K7")),
        ("SAKE", Command("text", argument="SAKE")),  # no digit: a word
    ],
)
def test_offer_spellings(text: str, expected: Command) -> None:
    assert parse(text) == expected


TODAY = date(2026, 3, 10)  # a Tuesday


@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("SAT", date(2026, 3, 14)),
        ("saturday", date(2026, 3, 14)),
        ("tue", TODAY),
        ("mon", date(2026, 3, 16)),
        ("today", TODAY),
        ("tonight", TODAY),
        ("tomorrow", date(2026, 3, 11)),
        ("next", NEXT_SHIFT),
        ("NEXT", NEXT_SHIFT),
        ("2026-03-20", date(2026, 3, 20)),
        ("3/14", date(2026, 3, 14)),
        ("3/9", date(2027, 3, 9)),  # past this year: next year's
        ("2/30", None),
        ("", None),
        ("whenever", None),
        ("sat sun", None),
    ],
)
def test_cover_day(words: str, day: object) -> None:
    assert cover_day(words, TODAY) == day


@given(offer_codes)
def test_offer_and_request_codes_never_collide(code: str) -> None:
    assert not looks_like_code(code)


@given(st.integers(0, 2**32))
def test_generated_codes_keep_to_their_kind(seed: int) -> None:
    rng = random.Random(seed)
    offer, request = random_offer_code(rng), random_code(rng)
    assert looks_like_offer_code(offer) and not looks_like_code(offer)
    assert looks_like_code(request) and not looks_like_offer_code(request)


@given(
    st.sampled_from(["1", "a", "Accept", "ok", "2", "D", "decline", "pass"]),
    offer_codes,
    st.text(),
)
def test_a_command_word_and_an_offer_code_is_that_command_whatever_follows(
    word: str, code: str, rest: str
) -> None:
    command = parse(f"{word} {code} {rest}")
    assert command.kind in ("accept", "decline")
    assert command.code == code and command.argument == ""


@given(offer_codes, st.text(), st.lists(request_codes, max_size=2))
def test_words_led_by_an_offer_code_are_never_relayed(
    code: str, rest: str, accepted: list[str]
) -> None:
    command = parse(f"{code} {rest}")
    assert route_words(command, accepted, []).action != "relay"


@given(
    st.sampled_from(["COVER", "cover", "Swap", "SWAP"]),
    st.text(),
    st.lists(request_codes, max_size=1),
)
def test_cover_and_swap_are_never_relayed(word: str, rest: str, accepted: list[str]) -> None:
    command = parse(f"{word} {rest}")
    assert command.kind in ("cover", "swap")
    assert route_words(command, accepted, []).action != "relay"
