"""Which language to write to someone in: the one set for them, or the one they write in.

A roster member's language is set by the roster file or the admin pages. An officer with
none set who writes in Spanish is written to in Spanish from then on (it is stored); an
unknown sender who writes in Spanish is answered in Spanish, and nothing is stored.
"""

from __future__ import annotations

from dispatcher.flows.intake import written_language
from dispatcher.languages import SOURCE_LANGUAGE, language_or_default
from dispatcher.rosters.models import Officer, Person


def learn_language(officer: Officer, text: str) -> None:
    """Set ``officer.language`` from ``text`` when none is set and the text tells one.

    Nothing is assigned otherwise: setting None over None still marks the officer
    changed, and the session then runs a flush (with nothing to write) before its next
    query.
    """
    if officer.language is None:
        found = written_language(text)
        if found is not None:
            officer.language = found


def reader_language(sender: Person | Officer | None, text: str) -> str:
    """The language to answer ``sender`` in: their own, else (an officer with none set, or
    an unknown number) the one ``text`` is written in, else English."""
    if sender is not None and sender.language is not None:
        return language_or_default(sender.language)
    return language_or_default(written_language(text) or SOURCE_LANGUAGE)
