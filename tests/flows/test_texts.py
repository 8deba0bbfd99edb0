"""Typed texts: each template's parameters are a class; a stored row loads back or fails
alone, and every text the flows can build has a writer."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from types import NoneType, UnionType
from typing import Any, get_args, get_origin, get_type_hints

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows import texts
from dispatcher.sms.messages import render, write
from dispatcher.sms.wording import WRITERS


def test_every_text_has_one_writer_and_a_unique_template() -> None:
    assert set(texts.TEXTS.values()) == set(WRITERS)
    assert all(name == kind.template for name, kind in texts.TEXTS.items())


def test_a_stored_text_loads_back_equal_nested_ones_included() -> None:
    status = texts.OfficerStatusList(
        requests=(
            texts.OfficerStatus(
                code="K7Q4",
                needs=(texts.NeedLine(kind="advocate", state="accepted", first_name="Ana"),),
            ),
            texts.OfficerStatus(code="M3XT", needs=(texts.NeedLine(kind="ride", state="paging"),)),
        )
    )
    stored = json.loads(json.dumps(status.params()))
    assert texts.load(status.template, stored) == status
    who = texts.Who(rosters=(texts.OnCall(roster="Advocates", names=("Ana", "Ben")),))
    assert texts.load("who", json.loads(json.dumps(who.params()))) == who


@pytest.mark.parametrize(
    ("template", "params", "error"),
    [
        ("no_such_text", {}, KeyError),
        ("page", {"code": "K7Q4", "need": "advocate"}, TypeError),  # no agency
        ("person_closed", {}, TypeError),
        ("declined", {"code": "K7Q4", "words": "she is 16"}, TypeError),
        ("who", {"rosters": [{"roster": "A", "names": [], "phone": "+1"}]}, TypeError),
    ],
)
def test_a_row_that_does_not_fit_its_text_is_refused(
    template: str, params: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        render(template, params)


@pytest.mark.parametrize(
    ("template", "params", "where"),
    [
        ("page", {"code": 4721, "need": "advocate", "agency": "RPD"}, "page.code"),
        (
            "page",
            {"code": "K7Q4", "need": "advocate", "agency": "RPD", "tags": "juvenile"},
            "page.tags",
        ),
        (
            "page",
            {"code": "K7Q4", "need": "advocate", "agency": "RPD", "tags": [1]},
            "page.tags[0]",
        ),
        (
            "page",
            {"code": "K7Q4", "need": "advocate", "agency": "RPD", "open_codes": "2"},
            "page.open_codes",
        ),
        (
            "page",
            {"code": "K7Q4", "need": "advocate", "agency": "RPD", "open_codes": True},
            "page.open_codes",
        ),
        ("covered", {"code": "K7Q4", "first_name": 7}, "covered.first_name"),
        ("who", {"rosters": [{"roster": "A", "names": ["Ana", 2]}]}, "who.rosters[0].names[1]"),
        ("who", {"rosters": [{"roster": None, "names": []}]}, "who.rosters[0].roster"),
        ("who", {"rosters": ["Advocates"]}, "who.rosters[0]"),
        ("who", {"rosters": {"roster": "A", "names": []}}, "who.rosters"),
        (
            "officer_status_list",
            {"requests": [{"code": "K7Q4", "needs": [{"kind": "advocate", "state": 3}]}]},
            "officer_status_list.requests[0].needs[0].state",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_at_any_depth(
    template: str, params: dict[str, Any], where: str
) -> None:
    with pytest.raises(TypeError) as refused:
        texts.load(template, params)
    assert str(refused.value).startswith(f"{where}: expected ")


def test_the_refusal_names_the_types_never_the_value() -> None:
    words = {"code": "K7Q4", "need": "advocate", "agency": "RPD", "officer_name": "Ofc. Lee"}
    with pytest.raises(TypeError) as refused:
        texts.load("accepted", {**words, "notes": [["she is 16"]]})
    assert str(refused.value) == "accepted.notes[0]: expected str, got list"
    assert "16" not in str(refused.value)


def test_an_optional_value_loads_as_none_or_its_type() -> None:
    assert texts.load("covered", {"code": "K7Q4", "first_name": None}) == texts.Covered("K7Q4")
    named = texts.Covered("K7Q4", first_name="Ana")
    assert texts.load("covered", {"code": "K7Q4", "first_name": "Ana"}) == named


def _sample(hint: Any) -> Any:
    """A JSON value of the type ``hint`` declares (nested texts as objects)."""
    if get_origin(hint) is UnionType:
        return _sample(next(a for a in get_args(hint) if a is not NoneType))
    if get_origin(hint) is tuple:
        return [_sample(get_args(hint)[0])]
    if is_dataclass(hint):
        return {name: _sample(h) for name, h in get_type_hints(hint).items() if name != "template"}
    return {str: "x", int: 2, bool: True, float: 1.5}[hint]


@pytest.mark.parametrize("template", sorted(texts.TEXTS))
def test_every_text_loads_back_what_it_stores(template: str) -> None:
    """Every parameter type of every text is one ``load`` checks (a type it cannot check
    would make every stored row of that text unreadable)."""
    params = _sample(texts.TEXTS[template])
    text = texts.load(template, params)
    assert json.loads(json.dumps(text.params())) == params


def test_only_the_texts_for_whoever_accepted_or_the_officer_have_a_field_for_words() -> None:
    with_words = {
        kind.template
        for kind in texts.TEXTS.values()
        if {"text", "notes"} & {f.name for f in fields(kind)}
    }
    # voice_details: the details spoken to an accepter who texted STOP
    assert with_words == {"accepted", "voice_details", "relay_to_person", "relay_to_officer"}


@given(
    code=st.text(alphabet="ABCDEFGHJKMNPQRTUVWXY346789", min_size=4, max_size=4),
    agency=st.text(max_size=80),
    tags=st.lists(st.sampled_from(["juvenile", "lang:es", "lang:vi"]), max_size=3),
    open_codes=st.integers(min_value=1, max_value=20),
)
def test_a_page_reads_the_same_built_or_stored(
    code: str, agency: str, tags: list[str], open_codes: int
) -> None:
    page = texts.Page(
        code=code, need="advocate", agency=agency, tags=tuple(tags), open_codes=open_codes
    )
    stored = json.loads(json.dumps(page.params()))
    assert render("page", stored, "es") == write(page, "es")
