"""Officer names: a rank and a name, nothing else.

An officer's name is texted to coordinators, shown on the admin pages and kept in the
audit log, so it must never carry anything else (a victim's details typed after JOIN).
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 40
EXPECTED_FORM = (
    "a rank and a name, e.g. Sgt. Ada Byrne: letters, spaces, periods, hyphens and "
    f"apostrophes, at most {MAX_LENGTH} characters"
)
# Letters of any script; words joined by spaces; periods, hyphens and apostrophes inside.
_WORD = r"[^\W\d_](?:[^\W\d_]|[.'\u2019-])*"
_NAME = re.compile(rf"{_WORD}(?: {_WORD})+")
NOT_A_NAME = "(not a valid name)"


def officer_name(text: str) -> str | None:
    """``text`` as an officer's name (NFC, single spaces), or None when it is not one.

    A name is at least two words (a rank and a name) of letters with periods, hyphens or
    apostrophes, at most MAX_LENGTH characters in all.
    """
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if len(name) > MAX_LENGTH or not _NAME.fullmatch(name):
        return None
    return name


def to_officer_name(value: object) -> str:
    """A roster-file or form value as an officer's name; ValueError naming the form."""
    name = officer_name(value) if isinstance(value, str) else None
    if name is None:
        raise ValueError(f"must be {EXPECTED_FORM}")
    return name


def name_for_the_record(name: str) -> str:
    """What the audit log keeps of a stored name: itself if valid, else a marker.

    Free text that never passed validation (stored before names were checked) is not
    copied into the append-only log; the log still shows that the name changed.
    """
    return name if officer_name(name) == name else NOT_A_NAME
