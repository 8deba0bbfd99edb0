"""Reading needs and tags from an officer's words: a table of real-looking texts, kept as
data in tests/data/intake_cases.toml, and properties."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.intake import describe_tag, read_request

CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent.parent / "data" / "intake_cases.toml").read_text(encoding="utf-8")
)["case"]


def test_the_table_is_large_and_each_text_appears_once() -> None:
    texts = [case["text"] for case in CASES]
    assert len(texts) >= 60
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("case", CASES, ids=[case["text"][:40] or "(empty)" for case in CASES])
def test_an_officer_text_gives_its_needs_and_tags(case: dict[str, Any]) -> None:
    request = read_request(case["text"])
    assert request.needs == ("advocate", *case["needs"])
    assert request.tags == tuple(case["tags"])


@given(st.text())
def test_any_text_needs_an_advocate_first(text: str) -> None:
    request = read_request(text)
    assert request.needs[0] == "advocate"
    assert len(set(request.needs)) == len(request.needs)
    assert len(set(request.tags)) == len(request.tags)


@given(st.sampled_from(["room", "hotel", "ride", "transporte", "cuarto"]), st.text())
def test_a_plain_request_is_heard_whatever_follows_in_another_sentence(
    word: str, tail: str
) -> None:
    kind = "ride" if word in ("ride", "transporte") else "room"
    assert kind in read_request(f"needs a {word}. {tail}").needs


def test_tags_read_as_people_say_them() -> None:
    assert describe_tag("lang:es") == "Spanish"
    assert describe_tag("juvenile") == "juvenile"
