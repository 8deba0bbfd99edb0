"""Phone numbers as people write them, stored as E.164 (``+12625550101``)."""

from __future__ import annotations

import phonenumbers

from dispatcher.errors import ValidationError

DEFAULT_REGION = "US"


def parse_phone(text: str, owner: str, region: str = DEFAULT_REGION) -> str:
    """Return ``text`` as E.164; national formats are read in ``region``.

    Raises ValidationError naming ``owner`` (the person or officer) when the number is
    not a valid, dialable number. The number itself is quoted only back to whoever wrote it.
    """
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(f"{text!r} is not a valid phone number for {owner}")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
