"""The need table, pure: the built-in rows, checked needs, and a table with needs added."""

from __future__ import annotations

import pytest

from dispatcher.errors import ValidationError
from dispatcher.rosters.needkinds import DEFAULT_NEEDS, clashing_words, make_need


def legal(**changes: object) -> dict[str, object]:
    """The arguments of a legal-aid need, with ``changes``."""
    return {
        "key": "legal",
        "roster_kind": "legal",
        "labels": {"en": "legal aid", "es": "asesoría legal"},
        "words": {"en": ["Lawyer", " legal  aid", "lawyer"], "es": ["Abogado"]},
    } | changes


def test_the_built_in_table_is_todays_three_needs() -> None:
    assert DEFAULT_NEEDS.keys == ("advocate", "room", "ride")
    assert [(s.roster_kind, s.role, s.in_person) for s in DEFAULT_NEEDS.specs] == [
        ("advocate", "advocate", True),
        ("hotel", "hotel", False),
        ("ride", "driver", True),
    ]
    assert [s.hears_words for s in DEFAULT_NEEDS.specs] == [True, False, False]
    assert DEFAULT_NEEDS.added() == ()
    assert "advocate" not in DEFAULT_NEEDS.vocabulary()


def test_a_need_is_read_as_intake_matches_it() -> None:
    spec = make_need(**legal())
    assert spec.words == (("en", ("lawyer", "legal aid")), ("es", ("abogado",)))
    assert (spec.role, spec.learns, spec.hears_words) == ("legal", ("tags",), False)
    assert spec.label("es") == "asesoría legal" and spec.label("fr") == "legal aid"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"key": "Legal Aid"}, "key must be"),
        ({"roster_kind": ""}, "roster kind must be"),
        ({"labels": {"es": "asesoría"}}, "an English label is needed"),
        ({"words": {}}, "at least one intake word"),
        ({"words": {"en": ["?!"]}}, "is not a word"),
        ({"words": {"de": ["anwalt"]}}, "languages must be among"),
        ({"learns": ["address"]}, "learns must be among"),
    ],
)
def test_a_wrong_field_is_named(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        make_need(**legal(**changes))


def test_adding_keeps_the_order_and_replacing_keeps_the_place() -> None:
    spec = make_need(**legal())
    table = DEFAULT_NEEDS.with_needs([spec])
    assert table.keys == ("advocate", "room", "ride", "legal")
    assert table.added() == (spec,)
    room = make_need("room", "hotel", {"en": "a room"}, {"en": ["room"]}, role="hotel")
    again = table.with_needs([room])
    assert again.keys == table.keys and again.get("room") == room
    assert again.role("legal") == "legal" and again.role("boat") == "boat"


def test_a_word_two_needs_share_is_named_with_the_later_need() -> None:
    shelter = make_need("shelter", "shelter", {"en": "a shelter bed"}, {"en": ["shelter"]})
    assert clashing_words(DEFAULT_NEEDS.with_needs([shelter])) == [
        ("shelter", "'shelter' already opens room")
    ]
