"""The texts about a person's own shifts: pure, table-tested, in both languages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.sms.messages import render, segments
from dispatcher.sms.shift_texts import day_word, shift_hours

CHICAGO = ZoneInfo("America/Chicago")


def at(text: str) -> datetime:
    """A Chicago wall time as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("start", "sent", "word"),
    [
        ("2026-03-10T20:00", "2026-03-10T18:00", "tonight"),
        ("2026-03-10T17:00", "2026-03-10T15:00", "tonight"),
        ("2026-03-10T16:59", "2026-03-10T14:59", "today"),
        ("2026-03-10T08:00", "2026-03-10T06:00", "today"),
        ("2026-03-11T00:00", "2026-03-10T22:00", "tomorrow"),
        ("2026-03-11T20:00", "2026-03-10T20:00", "tomorrow"),
        ("2026-03-12T08:00", "2026-03-10T09:00", "later"),
    ],
)
def test_the_day_is_read_from_when_the_text_is_sent(start: str, sent: str, word: str) -> None:
    assert day_word(at(start), at(sent)) == word


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2026-03-10T20:00", "2026-03-11T08:00", "20:00-08:00"),
        ("2026-03-10T08:00", "2026-03-10T20:00", "08:00-20:00"),
        ("2026-03-10T08:00", "2026-03-11T08:00", "08:00-Wed 11 Mar 08:00"),
        ("2026-03-09T00:00", "2026-03-16T00:00", "00:00-Mon 16 Mar 00:00"),
    ],
)
def test_hours_name_the_end_day_only_for_long_shifts(start: str, end: str, shown: str) -> None:
    assert shift_hours(at(start), at(end), "en") == shown


def reminder(start: str, end: str, sent: str, language: str = "en", **extra: object) -> str:
    """The reminder for a shift on "advocates", Chicago wall times."""
    params = {
        "roster": "advocates",
        "start": at(start).isoformat(),
        "end": at(end).isoformat(),
        "sent": at(sent).isoformat(),
        "zone": "America/Chicago",
        **extra,
    }
    return render("shift_reminder", params, language)


def test_the_reminder_reads_as_the_issue_asks() -> None:
    text = reminder("2026-03-10T20:00", "2026-03-11T08:00", "2026-03-10T18:00")
    assert text == ("You are on call for advocates tonight 20:00-08:00. Reply AWAY if you cannot.")
    assert segments(text) == 1


def test_a_reminder_for_a_later_day_names_it() -> None:
    text = reminder("2026-03-12T20:00", "2026-03-13T08:00", "2026-03-10T21:00")
    assert text.startswith("You are on call for advocates on Thu 12 Mar 20:00-08:00.")


def test_the_reminder_in_spanish() -> None:
    text = reminder("2026-03-10T20:00", "2026-03-11T08:00", "2026-03-10T18:00", "es")
    assert (
        text == "Está de guardia para advocates esta noche 20:00-08:00. Responda AWAY si no puede."
    )


def test_the_hours_are_shown_in_the_roster_zone() -> None:
    params = {
        "roster": "advocates",
        "start": "2026-03-11T01:00:00+00:00",  # 20:00 CDT the evening before
        "end": "2026-03-11T13:00:00+00:00",
        "sent": "2026-03-10T23:00:00+00:00",
        "zone": "America/Chicago",
    }
    assert "tonight 20:00-08:00" in render("shift_reminder", params, "en")


def test_the_handoff_names_the_open_requests() -> None:
    params = {
        "roster": "advocates",
        "start": at("2026-03-10T20:00").isoformat(),
        "end": at("2026-03-11T08:00").isoformat(),
        "sent": at("2026-03-10T20:00").isoformat(),
        "zone": "America/Chicago",
        "codes": ["K7Q2", "M3TX"],
    }
    assert render("shift_handoff", params) == (
        "You are on call now for advocates until 08:00. Still open: K7Q2, M3TX."
    )
    params["codes"] = []
    assert render("shift_handoff", params, "es") == (
        "Está de guardia ahora para advocates hasta 08:00."
    )


@given(
    start=st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)),
    length=st.integers(1, 24 * 8),
    lead=st.integers(1, 24),
    language=st.sampled_from(["en", "es"]),
)
def test_every_reminder_renders_and_fits_two_segments(
    start: datetime, length: int, lead: int, language: str
) -> None:
    begins = start.replace(tzinfo=CHICAGO)
    params = {
        "roster": "advocates",
        "start": begins.isoformat(),
        "end": (begins + timedelta(hours=length)).isoformat(),
        "sent": (begins - timedelta(hours=lead)).isoformat(),
        "zone": "America/Chicago",
    }
    text = render("shift_reminder", params, language)
    assert "AWAY" in text and segments(text) <= 2


def gap_report(*gaps: tuple[str, str], language: str = "en") -> str:
    """The gap report for "advocates" with Chicago wall-time gaps."""
    spans = [{"start": at(a).isoformat(), "end": at(b).isoformat()} for a, b in gaps]
    rosters = [{"roster": "advocates", "zone": "America/Chicago", "gaps": spans}]
    return render("coverage_gaps", {"rosters": rosters}, language)


def test_the_gap_report_reads_as_the_issue_asks() -> None:
    text = gap_report(
        ("2026-03-14T08:00", "2026-03-14T20:00"), ("2026-03-15T08:00", "2026-03-15T20:00")
    )
    assert text == "advocates: Sat 08:00-20:00, Sun 08:00-20:00 uncovered"


def test_a_gap_across_midnight_names_both_days_and_many_gaps_are_counted() -> None:
    assert gap_report(("2026-03-14T20:00", "2026-03-15T08:00")) == (
        "advocates: Sat 20:00-Sun 08:00 uncovered"
    )
    many = [(f"2026-03-{d}T08:00", f"2026-03-{d}T09:00") for d in range(11, 19)]
    assert gap_report(*many).endswith("Mon 08:00-09:00 and 2 more uncovered")
    assert "sin cubrir" in gap_report(*many, language="es")
