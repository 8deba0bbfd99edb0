"""Long messages in parts: each part within Twilio's limit, numbered, nothing lost."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.parts import MAX_CHARS, split_parts, units


@pytest.mark.parametrize(
    ("length", "parts"),
    [(0, 1), (1600, 1), (1601, 2), (3000, 2), (3300, 3), (4800, 4)],
)
def test_a_text_splits_only_past_the_limit(length: int, parts: int) -> None:
    text = ("word " * length)[:length]
    assert len(split_parts(text)) == parts


def test_a_short_text_is_left_as_it_is() -> None:
    assert split_parts("Ana accepted K7Q4.") == ["Ana accepted K7Q4."]


def test_parts_break_at_spaces_and_read_in_order() -> None:
    text = " ".join(f"w{n:04d}" for n in range(700))
    parts = split_parts(text)
    assert [p.split(" ", 1)[0] for p in parts] == [f"({k}/3)" for k in (1, 2, 3)]
    assert " ".join(p.split(" ", 1)[1] for p in parts) == text


@given(st.text(min_size=0, max_size=6000), st.integers(min_value=40, max_value=MAX_CHARS))
def test_every_part_fits_and_nothing_is_lost(text: str, limit: int) -> None:
    parts = split_parts(text, limit)
    assert all(units(part) <= limit for part in parts)
    if len(parts) == 1:
        assert parts == [text]
    else:
        bodies = [part.split(" ", 1)[1] for part in parts]
        assert "".join(bodies).replace(" ", "") == "".join(text.split(" ")).replace(" ", "")
        assert [part.split(" ", 1)[0] for part in parts] == [
            f"({k}/{len(parts)})" for k in range(1, len(parts) + 1)
        ]
