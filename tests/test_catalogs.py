"""The gettext catalogs: every text extracted, translated, and compiled up to date.

The compiled catalogs (.mo) are committed so that a clean clone, ``make run`` and the
wheel need no build step; this test is what keeps them honest: run ``make messages``
when it fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from dispatcher.languages import LANGUAGES, SOURCE_LANGUAGE

REPO = Path(__file__).resolve().parent.parent
CATALOGS = REPO / "dispatcher" / "translations"
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)s")


def po(language: str) -> Catalog:
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def extracted() -> set[str | tuple[str, ...]]:
    """Every message id in the code and the templates, as ``make messages`` finds them."""
    with (REPO / "babel.cfg").open() as config:
        methods, options = parse_mapping_cfg(config)
    found = extract_from_dir(str(REPO), methods, options_map=options)
    return {message for _, _, message, _, _ in found}


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_holds_every_text_of_the_code_translated(language: str) -> None:
    catalog = po(language)
    ids = {m.id for m in catalog if m.id}
    code = extracted()
    assert code <= ids, f"run `make messages`; not in the catalog: {sorted(map(str, code - ids))}"
    assert ids <= code, f"run `make messages`; not in the code: {sorted(map(str, ids - code))}"
    for message in catalog:
        if message.id:
            assert message.string and not message.fuzzy, message.id
            strings = message.string if isinstance(message.string, tuple) else [message.string]
            ids_text = message.id if isinstance(message.id, tuple) else [message.id]
            wanted = set(PLACEHOLDER.findall(ids_text[-1]))
            for string in strings:
                assert set(PLACEHOLDER.findall(string)) == wanted, message.id


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_is_up_to_date_with_its_po_file(language: str) -> None:
    with (CATALOGS / language / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    source = po(language)
    assert messages(compiled) == messages(source), (
        "run `make messages`: the .mo file is older than the .po file"
    )


def messages(catalog: Catalog) -> dict[object, object]:
    """id -> translation, plural forms as tuples (the .mo reader gives lists)."""
    return {plain(m.id): plain(m.string) for m in catalog if m.id}


def plain(value: object) -> object:
    """A list as a tuple; anything else as it is."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_every_language_but_english_has_a_catalog() -> None:
    found = {path.parent.parent.name for path in CATALOGS.glob("*/LC_MESSAGES/messages.po")}
    assert found == set(TRANSLATED)
