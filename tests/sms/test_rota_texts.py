"""The on-call notice: periods said in the roster's zone, relative to the change."""

from __future__ import annotations

import pytest

from dispatcher.flows.oncall_texts import OnCallChanged, Span
from dispatcher.sms.messages import render, segments, write

AT = "2026-03-10T17:00:00+00:00"  # 12:00 in Chicago (CDT)
ZONE = "America/Chicago"


def notice(on: list[list[str]], off: list[list[str]] | None = None, language: str = "en") -> str:
    text = OnCallChanged(
        roster="advocates",
        zone=ZONE,
        at=AT,
        on=tuple(Span(*span) for span in on),
        off=tuple(Span(*span) for span in off or []),
    )
    return write(text, language)


def test_an_outbox_row_reads_back_as_the_same_text() -> None:
    span = {"start": "2026-03-11T01:00:00+00:00", "end": "2026-03-11T13:00:00+00:00"}
    params = {"roster": "advocates", "zone": ZONE, "at": AT, "on": [span], "off": []}
    assert render("on_call_changed", params) == (
        "You are on call for advocates from 20:00 tonight to 08:00."
    )


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (
            ["2026-03-11T01:00:00+00:00", "2026-03-11T13:00:00+00:00"],
            "You are on call for advocates from 20:00 tonight to 08:00.",
        ),
        (
            ["2026-03-10T17:00:00+00:00", "2026-03-10T23:00:00+00:00"],
            "You are on call for advocates from now to 18:00.",
        ),
        (
            ["2026-03-10T19:00:00+00:00", "2026-03-10T21:00:00+00:00"],
            "You are on call for advocates from 14:00 today to 16:00.",
        ),
        (
            ["2026-03-11T13:00:00+00:00", "2026-03-11T23:00:00+00:00"],
            "You are on call for advocates from 08:00 tomorrow to 18:00.",
        ),
        (
            ["2026-03-12T13:00:00+00:00", "2026-03-14T13:00:00+00:00"],
            "You are on call for advocates from Thu 12 Mar 08:00 to Sat 14 Mar 08:00.",
        ),
    ],
)
def test_periods_are_said_as_a_person_would(span: list[str], text: str) -> None:
    assert notice([span]) == text


def test_a_lost_period_follows_a_gained_one_in_one_text() -> None:
    text = notice(
        [["2026-03-11T01:00:00+00:00", "2026-03-11T13:00:00+00:00"]],
        [["2026-03-10T17:00:00+00:00", "2026-03-11T01:00:00+00:00"]],
    )
    assert text == (
        "You are on call for advocates from 20:00 tonight to 08:00. "
        "You are no longer on call for advocates from now to 20:00."
    )
    assert segments(text) <= 2


def test_spanish_readers_get_it_in_spanish() -> None:
    text = notice([["2026-03-11T01:00:00+00:00", "2026-03-11T13:00:00+00:00"]], language="es")
    assert text == "Está de guardia para advocates desde 20:00 esta noche hasta 08:00."
