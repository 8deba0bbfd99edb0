"""Configured needs in the reply grammar: each key adds its need and ``NO key`` drops it,
as ``ROOM`` and ``NO ROOM`` do; built-in and carrier words keep their meaning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.sms.commands import Command, CommandKind, parse

NEEDS = ("advocate", "room", "ride", "sane", "legal", "interpreter")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SANE", Command(CommandKind.ADD, argument="sane")),
        ("sane K7Q4", Command(CommandKind.ADD, code="K7Q4", argument="sane")),
        ("Legal k7q4.", Command(CommandKind.ADD, code="K7Q4", argument="legal")),
        ("NO SANE", Command(CommandKind.DROP, argument="sane")),
        ("no interpreter K7Q4", Command(CommandKind.DROP, code="K7Q4", argument="interpreter")),
        ("ROOM", Command(CommandKind.ADD, argument="room")),
        ("NO RIDE", Command(CommandKind.DROP, argument="ride")),
        ("interpreter for her please", Command(CommandKind.UNCLEAR, argument="add")),
    ],
)
def test_configured_need_words(text: str, expected: Command) -> None:
    assert parse(text, NEEDS) == expected


def test_without_configured_needs_their_words_are_text() -> None:
    assert parse("SANE K7Q4").kind is CommandKind.TEXT
    assert parse("no sane").kind is CommandKind.TEXT


def test_a_need_named_like_a_carrier_word_is_never_a_command() -> None:
    assert parse("STOP", ("stop",)).kind is CommandKind.OPT_OUT
    assert parse("HELP", ("help",)).kind is CommandKind.CARRIER_HELP


@given(
    st.sampled_from(NEEDS[3:]),
    st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=4, max_size=4).filter(
        lambda c: any(ch.isdigit() for ch in c)
    ),
)
def test_each_key_with_a_code_adds_and_no_key_drops(need: str, code: str) -> None:
    assert parse(f"{need} {code}", NEEDS) == Command(CommandKind.ADD, code=code, argument=need)
    assert parse(f"no {need.upper()} {code}", NEEDS) == Command(
        CommandKind.DROP, code=code, argument=need
    )


@given(st.text())
def test_any_text_parses_without_raising(text: str) -> None:
    assert parse(text, NEEDS).kind in set(CommandKind)
