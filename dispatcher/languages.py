"""The languages the service writes in, and the mark for texts that a catalog translates.

English is the source of every text; each other language has a gettext catalog under
``dispatcher/translations`` (``make messages`` extracts, updates and compiles them).
"""

from __future__ import annotations

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "es")
# How each language names itself (in forms and the pages' language switch).
LANGUAGE_LABELS = {"en": "English", "es": "Español"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the catalogs; it is translated where it is used."""
    return message


def language_or_default(language: str | None) -> str:
    """``language`` when the service writes in it, else the source language (English)."""
    return language if language in LANGUAGES else SOURCE_LANGUAGE
