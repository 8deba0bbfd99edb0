"""What a person can offer that a request may ask for: the languages they speak and their
skills, chosen from fixed lists so that what a coordinator enters is what paging matches.

A request's tags are ``lang:<code>`` and ``juvenile`` (``flows.intake``); a person matches
them through their language codes and skills. Entries are read case-insensitively, by code
or by English name ("Spanish" is ``es``); anything else is refused with the known values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dispatcher.errors import ValidationError
from dispatcher.languages import SPOKEN

SKILLS = {"juvenile": "Juvenile-trained"}
"""Skills a request can ask for, with how the admin pages name them."""


def read_languages(words: Iterable[str]) -> list[str]:
    """Language codes from codes or English names; ValidationError naming the known ones."""
    return _read(words, SPOKEN, "language")


def read_skills(words: Iterable[str]) -> list[str]:
    """Skills from their keys or names; ValidationError naming the known ones."""
    return _read(words, SKILLS, "skill")


def known(values: Mapping[str, str]) -> str:
    """``"en (English), es (Spanish), ..."``: what an error lists."""
    return ", ".join(f"{key} ({name})" for key, name in values.items())


def _read(words: Iterable[str], values: Mapping[str, str], what: str) -> list[str]:
    """Each word as its key in ``values`` (once, in order); refuse any that is not one."""
    by_word = {key.lower(): key for key in values} | {
        name.lower(): key for key, name in values.items()
    }
    found: list[str] = []
    for word in words:
        key = by_word.get(word.strip().lower())
        if key is None:
            raise ValidationError(f"{word.strip()!r} is not a known {what}; known: {known(values)}")
        if key not in found:
            found.append(key)
    return found
