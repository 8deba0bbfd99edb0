"""Typed texts: each template's parameters are a class; a stored row loads back or fails
alone, and every text the flows can build has a writer."""

from __future__ import annotations

import json
from dataclasses import fields

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
