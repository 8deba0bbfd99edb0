"""Needs in the roster file: declared, checked against the rosters, applied with an audit
entry, and exported so that export -> import -> export is identical."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.db import Database
from dispatcher.errors import ValidationError
from dispatcher.rosters import needstore
from dispatcher.rosters.file import apply_roster_file, load_roster_file, validate
from tests.support.coalition import COALITION, apply_text, export

SANE = """
[[needs]]
key = "sane"
roster = "sane"
role = "nurse"
label = { en = "a SANE nurse", es = "una enfermera SANE" }
words = { en = ["sane exam", "forensic exam", "rape kit"], es = ["examen forense"] }
learns = ["tags"]
in_person = true
"""
SANE_ROSTER = """
[[rosters]]
name = "sane nurses"
kind = "sane"
timezone = "America/Chicago"
"""


def test_a_declared_need_is_applied_audited_and_exported_identically(database: Database) -> None:
    with database.session_scope() as session:
        data = load_roster_file(SANE + COALITION + SANE_ROSTER)
        auditor = Auditor("cli:kim", datetime(2026, 3, 9, tzinfo=UTC))
        summary = apply_roster_file(session, data, auditor)
    assert summary.created("needs") == 1
    assert str(summary).startswith("needs: 1 created, 0 updated, 0 unchanged\npeople:")
    with database.session_scope() as session:
        table = needstore.current(session)
        spec = table.get("sane")
        assert spec is not None
        assert (spec.roster_kind, spec.role, spec.in_person) == ("sane", "nurse", True)
        assert spec.label("es") == "una enfermera SANE"
        assert table.keys == ("advocate", "room", "ride", "sane")
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "need")).one()
        assert entry.action == "create" and entry.new is not None
        assert entry.new["key"] == "sane"
    first = export(database)
    assert '[[needs]]\nkey = "sane"\nroster = "sane"\nrole = "nurse"' in first
    again = apply_text(database, first)
    assert (again.created("needs"), again.unchanged("needs")) == (0, 1)
    assert export(database) == first


def test_the_built_in_needs_alone_export_no_needs(database: Database) -> None:
    apply_text(database, COALITION)
    assert "[[needs]]" not in export(database)


def test_a_built_in_need_can_be_given_more_words(database: Database) -> None:
    room = """
[[needs]]
key = "room"
roster = "hotel"
role = "hotel"
label = { en = "a room", es = "un cuarto" }
words = { en = ["room", "hotel", "safe house"] }
learns = []
"""
    hotels = '\n[[rosters]]\nname = "hotels"\nkind = "hotel"\ntimezone = "America/Chicago"\n'
    apply_text(database, room + COALITION + hotels)
    with database.session_scope() as session:
        spec = needstore.current(session).get("room")
        assert spec is not None and spec.all_words() == ("room", "hotel", "safe house")
    assert 'words = { en = ["room", "hotel", "safe house"] }' in export(database)


def test_a_need_no_roster_serves_is_reported_by_line_and_nothing_changes(
    database: Database,
) -> None:
    apply_text(database, COALITION)
    before = export(database)
    with pytest.raises(ValidationError) as caught:
        apply_text(database, SANE + COALITION)
    message = str(caught.value)
    assert "roster.toml:4: needs[0]: roster: no roster of kind 'sane' serves need 'sane'" in message
    assert export(database) == before


def test_a_roster_of_an_unknown_kind_is_refused(database: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        apply_text(database, COALITION + SANE_ROSTER)
    assert "kind: 'sane' is not one of advocate, hotel, ride" in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('key = "sane"', 'key = "S A N E"', "key must be 2 to 20 lower-case letters"),
        ('label = { en = "a SANE nurse", ', "label = { ", "an English label is needed"),
        ('learns = ["tags"]', 'learns = ["address"]', "learns must be among words, tags"),
        ('"rape kit"]', '"rape kit", "hotel"]', "words: 'hotel' already opens room"),
        ("label = { en", 'label = { fr = "x", en', "languages must be among en, es"),
    ],
    ids=["key", "label", "learns", "shared word", "language"],
)
def test_a_bad_need_names_its_entry_and_field(old: str, new: str, expected: str) -> None:
    text = (SANE + COALITION + SANE_ROSTER).replace(old, new, 1)
    data = load_roster_file(text, name="roster.toml")
    with pytest.raises(ValidationError) as caught:
        validate(data)
    message = str(caught.value)
    assert "needs[0]" in message
    assert expected in message
