"""The gettext catalogs of the texts the service sends, one per language.

The compiled catalogs (``dispatcher/translations/<language>/LC_MESSAGES/messages.mo``) are
committed and installed with the package; ``make messages`` extracts, updates and compiles
them, and a test fails when a compiled catalog is out of date with its ``.po`` file.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.support import Translations

from dispatcher.languages import LANGUAGES, SOURCE_LANGUAGE

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


@dataclass(frozen=True)
class Words:
    """A language's catalog: ``gettext`` and ``ngettext`` give the text in ``language``."""

    language: str
    catalog: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        """``message`` (an English source text) in this language, or as it is if untranslated."""
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, in this language."""
        return self.catalog.ngettext(singular, plural, n)


@cache
def words_for(language: str | None) -> Words:
    """The catalog for ``language``; English (the source texts) for None or an unknown one."""
    if language not in LANGUAGES or language == SOURCE_LANGUAGE:
        return Words(SOURCE_LANGUAGE, gettext.NullTranslations())
    catalog = Translations.load(str(TRANSLATIONS), [language], DOMAIN)
    return Words(language, catalog)
