"""Configured needs at intake: their words open them, negated mentions do not, and the
built-in needs read as before (tests/data/intake_needs_cases.toml, and properties)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.intake import read_request
from dispatcher.rosters.needkinds import DEFAULT_NEEDS, make_need

CONFIGURED = DEFAULT_NEEDS.with_needs(
    [
        make_need(
            "sane",
            "sane",
            {"en": "a SANE nurse", "es": "una enfermera SANE"},
            {"en": ["sane exam", "sane", "forensic exam", "rape kit"], "es": ["examen forense"]},
            role="nurse",
            in_person=True,
        ),
        make_need(
            "legal",
            "legal",
            {"en": "legal aid", "es": "asesoría legal"},
            {"en": ["lawyer", "attorney", "legal aid"], "es": ["abogado", "abogada"]},
            role="lawyer",
        ),
        make_need(
            "interpreter",
            "interpreter",
            {"en": "an interpreter", "es": "un intérprete"},
            {"en": ["interpreter", "translator"], "es": ["interprete", "traductor"]},
        ),
    ]
)
CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent.parent / "data" / "intake_needs_cases.toml").read_text("utf-8")
)["case"]
ADDED = {spec.key: spec.all_words() for spec in CONFIGURED.specs if not spec.builtin}
# Ways to deny a mention, before or after it.
BEFORE = ("no", "not a", "doesn't need a", "does not need an", "never a", "sin")
AFTER = ("not needed", "no longer needed", "is not necessary", "no")


@pytest.mark.parametrize("case", CASES, ids=[case["text"][:40] for case in CASES])
def test_a_configured_need_is_read_from_the_officers_words(case: dict[str, Any]) -> None:
    assert read_request(case["text"], CONFIGURED).needs == ("advocate", *case["needs"])


def test_the_default_table_reads_no_configured_need() -> None:
    assert read_request("needs a lawyer and a sane exam").needs == ("advocate",)


def test_needs_follow_the_tables_order_whatever_the_texts() -> None:
    text = "interpreter, lawyer, rape kit, ride, room"
    assert read_request(text, CONFIGURED).needs == (
        "advocate", "room", "ride", "sane", "legal", "interpreter"
    )  # fmt: skip


@given(st.sampled_from(sorted(ADDED)), st.data())
def test_every_configured_word_opens_its_need(key: str, data: st.DataObject) -> None:
    word = data.draw(st.sampled_from(ADDED[key]))
    assert key in read_request(f"officer here, needs {word} asap", CONFIGURED).needs


@given(st.sampled_from(sorted(ADDED)), st.data(), st.sampled_from(BEFORE))
def test_a_word_negated_before_opens_nothing(key: str, data: st.DataObject, deny: str) -> None:
    word = data.draw(st.sampled_from(ADDED[key]))
    assert read_request(f"{deny} {word}", CONFIGURED).needs == ("advocate",)


@given(st.sampled_from(sorted(ADDED)), st.data(), st.sampled_from(AFTER))
def test_a_word_negated_after_opens_nothing(key: str, data: st.DataObject, deny: str) -> None:
    word = data.draw(st.sampled_from(ADDED[key]))
    assert read_request(f"{word} {deny}", CONFIGURED).needs == ("advocate",)


@given(st.text())
def test_any_text_gives_known_needs_once_advocate_first(text: str) -> None:
    needs = read_request(text, CONFIGURED).needs
    assert needs[0] == "advocate"
    assert len(set(needs)) == len(needs)
    assert set(needs) <= set(CONFIGURED.keys)
