"""Every text in every language: translated, segment-aware, the referral exact."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.intake import LANGUAGE_NAMES
from dispatcher.languages import LANGUAGES
from dispatcher.sms.messages import TEXTS, is_gsm7, render, segments, show_time
from dispatcher.sms.twiml import voice_response
from dispatcher.sms.wording import TAG_WORDS
from tests.sms.test_messages import LONG_AGENCIES, SAMPLES

SPOKEN = {name for name in TEXTS if name.startswith("call_")}
# Texts with nothing to translate: a person's name and their own words.
UNTRANSLATED = {"relay_to_officer"}
SPANISH_REFERRAL = (
    "Si está en peligro, llame al 911. Línea Nacional contra la Trata de Personas: "
    "llame al 1-888-373-7888 o envíe un texto al 233733."
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_message_in_every_language_keeps_its_segment_budget(name: str, language: str) -> None:
    text = render(name, SAMPLES[name], language)
    english = render(name, SAMPLES[name], "en")
    assert text.strip() == text and text
    assert "{" not in text and "}" not in text  # every placeholder was filled
    if name == "page":
        assert segments(text) <= (1 if language == "en" else 2)
        assert language != "en" or is_gsm7(text)
    elif name not in SPOKEN:
        # A translation may need UCS-2 for its accents, at most one segment more.
        assert segments(text) <= max(segments(english), 2) + 1


@pytest.mark.parametrize("name", sorted(set(SAMPLES) - UNTRANSLATED))
def test_every_message_reads_in_spanish(name: str) -> None:
    assert render(name, SAMPLES[name], "es") != render(name, SAMPLES[name], "en")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_codes_and_numbers_survive_translation(name: str) -> None:
    english, spanish = render(name, SAMPLES[name], "en"), render(name, SAMPLES[name], "es")
    for token in ("K7Q4", "M3XT", "1-888-373-7888", "233733", "911"):
        assert (token in english) == (token in spanish), token


def test_the_referral_in_spanish_is_the_hotlines_own_wording() -> None:
    assert render("referral", {}, "es") == SPANISH_REFERRAL
    assert SPANISH_REFERRAL in render("enrollment_pending", {}, "es")


@pytest.mark.parametrize("language", [None, "", "fr", "xx"])
def test_an_unknown_or_missing_language_reads_in_english(language: str | None) -> None:
    assert render("declined", {"code": "K7Q4"}, language) == "You passed on K7Q4. Thank you."


def test_a_spanish_page_names_the_need_and_tags_in_spanish() -> None:
    params = {**SAMPLES["page"], "tags": ["juvenile", "lang:es"], "need": "room"}
    assert render("page", params, "es") == (
        "Racine PD necesita un cuarto (menor, español). Ref K7Q4. "
        "Responda 1 K7Q4 para aceptar, 2 K7Q4 para pasar."
    )


@given(
    agency=st.sampled_from(LONG_AGENCIES) | st.text(max_size=200),
    tags=st.lists(st.sampled_from(["juvenile", *(f"lang:{c}" for c in LANGUAGE_NAMES)])),
    need=st.sampled_from(["advocate", "room", "ride"]),
    open_codes=st.integers(1, 30),
    language=st.sampled_from(LANGUAGES),
)
def test_any_page_fits_its_languages_budget(
    agency: str, tags: list[str], need: str, open_codes: int, language: str
) -> None:
    params = {"code": "K7Q4", "agency": agency, "need": need, "tags": tags}
    text = render("page", {**params, "open_codes": open_codes}, language)
    assert "K7Q4" in text and text.endswith(("pass.", "pasar.", "open.", "abiertos."))
    if language == "en":
        assert is_gsm7(text) and segments(text) == 1
    else:
        assert segments(text) <= 2


def test_every_language_name_a_tag_can_carry_is_marked_for_translation() -> None:
    assert set(LANGUAGE_NAMES.values()) <= set(TAG_WORDS)


def test_times_are_shown_with_the_readers_day_and_month_names() -> None:
    instant = "2026-03-10T20:00+00:00"
    assert show_time(instant, "America/Chicago") == "Tue 10 Mar 15:00"
    assert show_time(instant, "America/Chicago", "es") == "mar 10 mar 15:00"
    spanish = render("away_ack", {"until": instant, "zone": "America/Chicago"}, "es")
    assert spanish.startswith("Está ausente hasta el mar 10 mar 15:00")


def test_a_spanish_call_is_spoken_by_a_spanish_voice() -> None:
    assert 'language="es-MX"' in voice_response(render("call_referral", {}, "es"), "es")
    assert "language=" not in voice_response(render("call_referral", {}, "en"))
