"""The languages the service writes in, and the mark for texts that a catalog translates.

English is the source of every text; each other language has a gettext catalog under
``dispatcher/translations`` (``make messages`` extracts, updates and compiles them).
"""

from __future__ import annotations

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "es")
# How each language names itself (in forms and the pages' language switch).
LANGUAGE_LABELS = {"en": "English", "es": "Español"}
# The languages people on the rosters may speak, by the code a request's tag carries
# (``lang:es``), with their English names: the list a coordinator chooses from.
SPOKEN = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "vi": "Vietnamese",
    "hmn": "Hmong",
    "ar": "Arabic",
    "so": "Somali",
    "zh": "Chinese",
    "pt": "Portuguese",
    "ru": "Russian",
    "ko": "Korean",
    "tl": "Tagalog",
    "asl": "ASL",
    "ht": "Haitian Creole",
    "uk": "Ukrainian",
}


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the catalogs; it is translated where it is used."""
    return message


def language_or_default(language: str | None) -> str:
    """``language`` when the service writes in it, else the source language (English)."""
    return language if language in LANGUAGES else SOURCE_LANGUAGE
