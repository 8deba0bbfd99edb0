"""Phone numbers read as people write them and shown back the way they write them."""

from __future__ import annotations

import pytest

from dispatcher.phones import format_phone, is_e164, to_e164


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("(262) 555-0101", "US", "+12625550101"),
        ("262.555.0101", "US", "+12625550101"),
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("555-01", "US", None),
        ("not a number", "US", None),
        ("", "US", None),
    ],
)
def test_to_e164_reads_national_and_international_forms(
    text: str, region: str, expected: str | None
) -> None:
    assert to_e164(text, region) == expected


@pytest.mark.parametrize(
    ("e164", "region", "shown"),
    [
        ("+12625550101", "US", "(262) 555-0101"),
        ("+442079460958", "US", "+44 20 7946 0958"),
        ("+442079460958", "GB", "020 7946 0958"),
        (None, "US", ""),
        ("", "US", ""),
        ("garbled", "US", "garbled"),
    ],
)
def test_format_phone_writes_home_numbers_nationally(
    e164: str | None, region: str, shown: str
) -> None:
    assert format_phone(e164, region) == shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [("+12625550101", True), ("12625550101", False), ("whatsapp:+12625550101", False)],
)
def test_is_e164(text: str, expected: bool) -> None:
    assert is_e164(text) is expected
