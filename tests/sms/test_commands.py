"""The reply grammar: many spellings, carrier keywords kept apart, codes unambiguous."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.codes import REFERENCE_ALPHABET, looks_like_code
from dispatcher.sms.commands import (
    CARRIER_WORDS,
    KINDS,
    Command,
    codes_mentioned,
    parse,
)

SPELLINGS = [
    ("1", Command("accept")),
    ("A", Command("accept")),
    ("a", Command("accept")),
    ("Accept", Command("accept")),
    ("ok", Command("accept")),
    ("OK.", Command("accept")),
    (" ok! ", Command("accept")),
    ("1 K7Q4", Command("accept", "K7Q4")),
    ("1 K7Q2", Command("accept", "K7Q2")),
    ("accept k7q4", Command("accept", "K7Q4")),
    ("a  k7q4 ", Command("accept", "K7Q4")),
    ("A\tk7q4\n", Command("accept", "K7Q4")),
    ("1k7q4", Command("accept", "K7Q4")),
    ("ok m3xt.", Command("accept", "M3XT")),
    ("2", Command("decline")),
    ("d", Command("decline")),
    ("Decline", Command("decline")),
    ("pass", Command("decline")),
    ("2 K7Q4", Command("decline", "K7Q4")),
    ("2k7q4", Command("decline", "K7Q4")),
    ("pass k7q4!", Command("decline", "K7Q4")),
    ("DONE", Command("done")),
    ("done.", Command("done")),
    ("DONE K7Q4", Command("done", "K7Q4")),
    ("Done k7q4", Command("done", "K7Q4")),
    ("STATUS", Command("status")),
    ("status?", Command("status")),
    ("status k7q4", Command("status", "K7Q4")),
    ("AWAY", Command("away")),
    ("away 8h", Command("away", argument="8h")),
    ("Away 2d 4h", Command("away", argument="2d 4h")),
    ("BACK", Command("back")),
    ("back!", Command("back")),
    ("who", Command("who")),
    ("WHO?", Command("who")),
    ("JOIN RPD-7 Jane Smith", Command("join", "RPD-7", "Jane Smith")),
    ("join rpd-7   Jane   Smith.", Command("join", "rpd-7", "Jane Smith")),
    ("JOIN", Command("join")),
    ("JOIN rpd-7", Command("join", "rpd-7")),
    # A command word and a code: that command, whatever follows (never words to relay).
    ("1 JFW9 is this the girl from last week", Command("accept", "JFW9")),
    ("2 JFW9 conflict: I know her family", Command("decline", "JFW9")),
    ("accept k7q4 now", Command("accept", "K7Q4")),
    ("1, k7q4, ok", Command("accept", "K7Q4")),
    ("1k7q4 see you", Command("accept", "K7Q4")),
    ("done k7q4 thanks all", Command("done", "K7Q4")),
    ("pass K7Q4 - sorry, out of town", Command("decline", "K7Q4")),
    # A command word without a code: acts on nothing, relays nothing.
    ("ok then", Command("unclear", argument="accept")),
    ("ok thanks, on my way", Command("unclear", argument="accept")),
    ("2 then", Command("unclear", argument="decline")),
    ("1 2 3", Command("unclear", argument="accept")),
    ("1 thanks", Command("unclear", argument="accept")),
    ("done with this k7q4", Command("unclear", argument="done")),
    ("A kid is at the station, she needs a room", Command("unclear", argument="accept")),
    ("room 12 at the motel", Command("unclear", argument="add")),
    # Needs added and dropped; NEW opens another request.
    ("ROOM", Command("add", argument="room")),
    ("ride k7q4", Command("add", "K7Q4", "ride")),
    ("Advocate K7Q4.", Command("add", "K7Q4", "advocate")),
    ("no room", Command("drop", argument="room")),
    ("NO RIDE k7q4", Command("drop", "K7Q4", "ride")),
    # Nights of a room after an accept's code; what a ride requires, before or after a code.
    ("1 K7Q4 2", Command("accept", "K7Q4", count=2)),
    ("accept k7q4 3 nights", Command("accept", "K7Q4", count=3)),
    ("1 K7Q4 two", Command("accept", "K7Q4")),
    ("2 K7Q4 2", Command("decline", "K7Q4")),
    ("RIDE carseat", Command("add", argument="ride", requires=("carseat",))),
    ("ride car seat", Command("add", argument="ride", requires=("carseat",))),
    ("RIDE K7Q4 wheelchair", Command("add", "K7Q4", "ride", requires=("wheelchair",))),
    (
        "ride wheelchair k7q4 carseat",
        Command("add", "K7Q4", "ride", requires=("carseat", "wheelchair")),
    ),
    ("ROOM carseat", Command("unclear", argument="add")),
    ("ride to the hospital", Command("unclear", argument="add")),
    ("NEW second girl, 15, same motel", Command("new", argument="second girl, 15, same motel")),
    ("new", Command("new")),
    # Whole phrases that accept the one waiting page.
    ("on my way", Command("soft_accept")),
    ("On my way!", Command("soft_accept")),
    ("OMW", Command("soft_accept")),
    ("I’ll take it", Command("soft_accept")),
    ("i can take it.", Command("soft_accept")),
    ("coming", Command("soft_accept")),
    ("Voy", Command("soft_accept")),
    ("yo voy", Command("soft_accept")),
    # Words after a leading code are for that request.
    ("K7Q4 where are you?", Command("text", "K7Q4", "where are you?")),
    ("k7q4: at the back door", Command("text", "K7Q4", "at the back door")),
    ("STOP", Command("opt_out")),
    ("stop", Command("opt_out")),
    ("Stop.", Command("opt_out")),
    ("STOPALL", Command("opt_out")),
    ("unsubscribe", Command("opt_out")),
    ("cancel", Command("opt_out")),
    ("END", Command("opt_out")),
    ("quit", Command("opt_out")),
    ("START", Command("opt_in")),
    ("yes", Command("opt_in")),
    ("Unstop", Command("opt_in")),
    ("HELP", Command("carrier_help")),
    ("info", Command("carrier_help")),
]

FREE_TEXT = [
    "",
    "   ",
    "On my way, 10 minutes",
    "Kid is at the station, she needs a room",
    "no thanks",
    "news at 11",
    "2009 was the year",
    "yes k7q4",
    "y",
    "Y 1",
    "stop paging me",
    "help me",
    "who is coming?",
    "back soon",
    "cancel k7q4",
    "K7Q4",
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_spellings(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", FREE_TEXT)
def test_free_text_is_text_and_carries_the_words(text: str) -> None:
    command = parse(text)
    assert command.kind == "text"
    assert command.code is None
    assert command.argument == " ".join(text.split()).rstrip(".,;:!?)\"'")


def test_repr_never_shows_what_was_written() -> None:
    command = parse("Jane Doe born 2009-04-01 at 12 Main St")
    assert command.kind == "text"
    assert "Jane" not in repr(command)
    assert "Main" not in repr(parse("JOIN RPD Main Person"))


@given(st.text())
def test_parse_never_raises(text: str) -> None:
    command = parse(text)
    assert command.kind in KINDS


@given(
    st.sampled_from(sorted(CARRIER_WORDS)),
    st.text(alphabet=" \t\n", max_size=3),
    st.text(alphabet=".!?", max_size=2),
    st.text(alphabet=" 0123456789ACDEFKQXYZabcd", max_size=8),
)
def test_carrier_keywords_never_accept_or_decline(
    word: str, space: str, punctuation: str, rest: str
) -> None:
    for text in (word, word.lower(), word.title(), space + word + punctuation, f"{word} {rest}"):
        assert parse(text).kind not in {"accept", "decline", "done", "status", "add", "drop"}
    assert parse(space + word.lower() + punctuation).kind in {
        "opt_out",
        "opt_in",
        "carrier_help",
    }


@given(st.text(alphabet=REFERENCE_ALPHABET, min_size=4, max_size=4).filter(looks_like_code))
def test_every_valid_code_parses_back(code: str) -> None:
    assert parse(f"1 {code.lower()}") == Command("accept", code)
    assert parse(f"2{code}") == Command("decline", code)
    assert parse(f"done {code}.") == Command("done", code)


@given(
    st.sampled_from(["1", "a", "Accept", "ok", "2", "D", "decline", "pass", "done", "status"]),
    st.text(alphabet=REFERENCE_ALPHABET, min_size=4, max_size=4).filter(looks_like_code),
    st.text(),
)
def test_a_command_word_and_a_code_is_that_command_whatever_follows(
    word: str, code: str, rest: str
) -> None:
    command = parse(f"{word} {code} {rest}")
    assert command.kind not in {"text", "unclear"}
    assert command.code == code and command.argument == ""


@pytest.mark.parametrize(
    ("words", "codes"),
    [
        ("is this the girl from last week", set()),
        ("is this JFW9 or J9VH?", {"JFW9", "J9VH"}),
        ("re (k7q4): where", {"K7Q4"}),
        ("1jfw9", {"JFW9"}),
        ("2009 ford", set()),
    ],
)
def test_codes_mentioned(words: str, codes: set[str]) -> None:
    assert codes_mentioned(words) == codes
