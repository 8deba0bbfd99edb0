"""Durations written by people: ``30s``, ``5m``, ``1h``, ``2d`` and combinations like ``1h30m``."""

from __future__ import annotations

import re
from datetime import timedelta

from dispatcher.errors import ValidationError

_PART = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """Parse ``"5m"``, ``"1h30m"``, ``"90s"``; raise ValidationError on anything else, on
    zero and on more than a timedelta holds. Callers cap what they accept."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned or _PART.sub("", cleaned):
        raise ValidationError(f"{text!r} is not a duration (use e.g. 30s, 5m, 1h, 1h30m)")
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(cleaned))
    if seconds <= 0:
        raise ValidationError(f"{text!r}: a duration must be longer than zero")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValidationError(f"{text!r}: that duration is too long") from None


def format_duration(value: timedelta) -> str:
    """Write a duration in the shortest form ``parse_duration`` reads back (``1h30m``)."""
    seconds = int(value.total_seconds())
    if seconds <= 0:
        raise ValueError("a duration must be longer than zero")
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
