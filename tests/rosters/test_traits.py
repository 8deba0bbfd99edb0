"""Languages and skills come from fixed lists: read by key or English name, else refused."""

from __future__ import annotations

import pytest

from dispatcher.errors import ValidationError
from dispatcher.flows.intake import LANGUAGE_NAMES
from dispatcher.flows.policy import traits_of
from dispatcher.languages import SPOKEN
from dispatcher.rosters.traits import SKILLS, read_languages, read_skills


@pytest.mark.parametrize(
    ("words", "codes"),
    [
        (["en", "es"], ["en", "es"]),
        (["EN", "Spanish", "es"], ["en", "es"]),
        (["haitian creole", "ASL"], ["ht", "asl"]),
        ([], []),
    ],
)
def test_languages_are_read_by_code_or_name(words: list[str], codes: list[str]) -> None:
    assert read_languages(words) == codes


def test_an_unknown_language_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValidationError) as refused:
        read_languages(["en", "klingon"])
    assert "'klingon' is not a known language" in str(refused.value)
    assert "es (Spanish)" in str(refused.value) and "vi (Vietnamese)" in str(refused.value)


def test_skills_are_the_ones_requests_ask_for() -> None:
    assert read_skills(["Juvenile", "juvenile-trained"]) == ["juvenile"]
    with pytest.raises(ValidationError, match="'trauma' is not a known skill; known: juvenile"):
        read_skills(["trauma"])


def test_every_known_value_matches_a_tag_that_intake_can_give() -> None:
    intake_tags = {f"lang:{code}" for code in LANGUAGE_NAMES} | {"juvenile"}
    offered = traits_of(list(SPOKEN), list(SKILLS)) - {"lang:en"}
    assert offered == intake_tags
