"""Phone numbers: read as people write them, stored as E.164 (``+12625550101``), shown back.

The one home of phone parsing and formatting; rules about whose number it is (one person
or officer per number, never the hotline's own) live in ``rosters.contacts``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "US"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def to_e164(text: str, region: str = DEFAULT_REGION) -> str | None:
    """``text`` as E.164, national formats read in ``region``; None if not a valid number."""
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def is_e164(text: str) -> bool:
    """True for a number in E.164 form (``+`` and 7 to 15 digits); ``whatsapp:+1...`` is not."""
    return E164.fullmatch(text) is not None


@lru_cache(maxsize=4096)
def format_phone(e164: str | None, region: str) -> str:
    """A stored E.164 number written the way people in ``region`` write it.

    National style for a number of ``region``, international otherwise; a value that is
    not a number comes back as it is. Cached: parsing costs about half a millisecond, and
    the people page shows hundreds.
    """
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    formats = phonenumbers.PhoneNumberFormat
    home = phonenumbers.region_code_for_number(parsed) == region
    style = formats.NATIONAL if home else formats.INTERNATIONAL
    return str(phonenumbers.format_number(parsed, style))
