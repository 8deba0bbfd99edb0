"""Phone numbers as people write them, stored as E.164 (``+12625550101``)."""

from __future__ import annotations

import re

import phonenumbers

from dispatcher.errors import ValidationError

DEFAULT_REGION = "US"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class HotlineNumber(ValidationError):
    """A person's or officer's phone given as the hotline's own number."""


def parse_phone(text: str, owner: str, region: str = DEFAULT_REGION, hotline: str = "") -> str:
    """Return ``text`` as E.164; national formats are read in ``region``.

    Raises ValidationError naming ``owner`` (the person or officer) when the number is
    not a valid, dialable number, or is ``hotline`` (the service's own number: texts to
    it would loop back). The number itself is quoted only back to whoever wrote it.
    """
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(f"{text!r} is not a valid phone number for {owner}")
    e164 = str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    if hotline and e164 == hotline:
        raise HotlineNumber(f"{text!r} is the hotline's own number, not a phone of {owner}")
    return e164


def is_e164(text: str) -> bool:
    """True for a number in E.164 form (``+`` and 7 to 15 digits); ``whatsapp:+1...`` is not."""
    return E164.fullmatch(text) is not None
