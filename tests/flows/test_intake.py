"""Reading needs and tags from an officer's words (table tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.intake import describe_tag, read_request


@pytest.mark.parametrize(
    ("text", "needs", "tags"),
    [
        ("need help at the station", ("advocate",), ()),
        ("", ("advocate",), ()),
        ("Juvenile female, needs a HOTEL room tonight", ("advocate", "room"), ("juvenile",)),
        (
            "minor, spanish speaking, needs a ride to the shelter",
            ("advocate", "room", "ride"),
            ("juvenile", "lang:es"),
        ),
        ("español solamente", ("advocate",), ("lang:es",)),
        ("transport needed; speaks Vietnamese", ("advocate", "ride"), ("lang:vi",)),
        ("adult, motel please", ("advocate", "room"), ()),
        ("the kid's mother drove off", ("advocate",), ("juvenile",)),
        ("carpet stroll", ("advocate",), ()),  # no whole-word match for car/room
        ("bedroom", ("advocate",), ()),
    ],
)
def test_needs_and_tags_come_from_whole_words(
    text: str, needs: tuple[str, ...], tags: tuple[str, ...]
) -> None:
    request = read_request(text)
    assert request.needs == needs
    assert request.tags == tags


@given(st.text())
def test_any_text_needs_an_advocate_first(text: str) -> None:
    request = read_request(text)
    assert request.needs[0] == "advocate"
    assert len(set(request.needs)) == len(request.needs)


def test_tags_read_as_people_say_them() -> None:
    assert describe_tag("lang:es") == "Spanish"
    assert describe_tag("juvenile") == "juvenile"
