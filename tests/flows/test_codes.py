"""Reference codes: unambiguous, with a digit, drawn uniformly."""

from __future__ import annotations

import random

import pytest

from dispatcher.flows.codes import REFERENCE_ALPHABET, looks_like_code, random_code


def test_alphabet_has_no_lookalikes() -> None:
    assert len(set(REFERENCE_ALPHABET)) == len(REFERENCE_ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(REFERENCE_ALPHABET)


def test_random_code_draws_valid_codes() -> None:
    rng = random.Random(7)
    codes = {random_code(rng) for _ in range(500)}
    assert len(codes) > 450
    assert all(looks_like_code(code) for code in codes)
    assert looks_like_code(random_code())


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("K7Q4", True),
        ("k7q4", True),
        ("M3XT", True),
        ("K7Q2", False),
        ("KQXT", False),
        ("K7Q", False),
        ("K7Q44", False),
        ("O7Q4", False),
        ("", False),
    ],
)
def test_looks_like_code(token: str, expected: bool) -> None:
    assert looks_like_code(token) is expected
