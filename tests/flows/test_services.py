"""Reading a debrief answer: numbers first, words after them discarded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.services import label_of, read_services

LIST = ("crisis_support", "hospital_accompaniment", "shelter_placed", "transport")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", ("crisis_support",)),
        ("1 3", ("crisis_support", "shelter_placed")),
        ("3,1", ("crisis_support", "shelter_placed")),
        ("13", ("crisis_support", "shelter_placed")),
        ("2 2 2", ("hospital_accompaniment",)),
        ("0", ()),
        ("1 4 she was scared, Maria 03/04/2009", ("crisis_support", "transport")),
        ("1 and 9", ("crisis_support",)),  # the words end the numbers
        ("9", None),  # not on the list
        ("3rd floor", None),
        ("thanks", None),
        ("", None),
        ("K7Q4 1", None),
    ],
)
def test_read_services(text: str, expected: tuple[str, ...] | None) -> None:
    assert read_services(text, LIST) == expected


@given(st.text(max_size=60))
def test_an_answer_only_ever_names_listed_services(text: str) -> None:
    found = read_services(text, LIST)
    assert found is None or set(found) <= set(LIST)


def test_unknown_keys_are_shown_with_spaces() -> None:
    assert label_of("peer_support") == "peer support"
    assert label_of("crisis_support") == "crisis support"
