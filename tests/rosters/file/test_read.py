"""Reading and checking roster files: the issue's example, every kind of bad file, phones."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from dispatcher.db import Database
from dispatcher.errors import ValidationError
from dispatcher.rosters.contacts import read_phone
from dispatcher.rosters.file import RosterFileError, load_roster_file, validate
from dispatcher.rosters.models import (
    Officer,
    Person,
    Roster,
)
from tests.support.coalition import COALITION, EXAMPLE, OTHERS, apply_text, export


def test_the_issue_example_is_accepted_when_its_other_people_are_known(database: Database) -> None:
    apply_text(database, OTHERS)
    summary = apply_text(database, EXAMPLE)
    assert summary.created("people") == 2
    assert summary.unchanged("people") == 0
    assert summary.created("rosters") == summary.created("agencies") == 1
    assert summary.created("officers") == 1
    with database.session_scope() as session:
        ana = session.scalars(select(Person).where(Person.name == "Ana Ruiz")).one()
        assert (ana.phone, ana.languages, ana.skills) == (
            "+12625550101",
            ["en", "es"],
            ["juvenile"],
        )
        roster = session.scalars(select(Roster)).one()
        nights = roster.rotations[0]
        assert [p.person.name for p in nights.participants] == [
            "Ana Ruiz",
            "Ben Okafor",
            "Cruz Lee",
        ]
        assert nights.start == datetime(2026, 3, 6, 20, 0)
        assert (nights.windows[0].starts, nights.windows[0].ends) == (time(20), time(8))
        override = roster.overrides[0]
        assert override.person is not None and override.person.name == "Dee Park"
        assert override.starts_at == datetime(2026, 3, 11, 1, 0, tzinfo=UTC)  # 20:00 CDT
        assert [(s.notify, s.wait_seconds) for s in roster.steps] == [
            ("on-call", 300),
            ("next", 300),
            ("all", 600),
            ("coordinators", 600),
        ]
        assert roster.escalation_repeat == 1
        officer = session.scalars(select(Officer)).one()
        assert (officer.agency.enrollment_code, officer.phone) == ("RPD-4821", "+12625550150")


def test_the_example_alone_names_the_people_it_does_not_list(database: Database) -> None:
    with pytest.raises(RosterFileError) as caught:
        apply_text(database, EXAMPLE)
    assert len(caught.value.errors) == 3
    assert (
        'roster.toml:22: rosters[0] "advocates" rotations[0] "nights": participants: '
        "unknown person 'Ben Okafor'" in str(caught.value)
    )
    assert "overrides[0]: person: unknown person 'Dee Park'" in str(caught.value)
    assert export(database).count("[[") == 0


# Each case: (what to replace in COALITION, with what, the entry and field the error must name).
BAD_FILES: dict[str, tuple[str, str, str]] = {
    "toml syntax": ('kind = "advocate"', 'kind = "advocate', "roster.toml:14: TOML syntax error"),
    "unknown section": (
        "[[agencies]]",
        "[[agencys]]",
        "roster.toml:41: top level: agencys: unknown",
    ),
    "unknown field": (
        "coordinator = true",
        "coordinator = true\nemail = 'k@x'",
        'people[1] "Kim Moss": email: unknown field',
    ),
    "missing field": (
        'phone = "+12625550109"\n',
        "",
        'roster.toml:7: people[1] "Kim Moss": phone: is missing',
    ),
    "invalid phone": (
        '"(262) 555-0101"',
        '"555-01"',
        "roster.toml:3: people[0] \"Ana Ruiz\": phone: '555-01' is not a valid "
        "phone number for Ana Ruiz",
    ),
    "check-ins too often": (
        'timezone = "America/Chicago"',
        'timezone = "America/Chicago"\ncheckin = "2m"',
        'rosters[0] "advocates": checkin: must be between 5m and 12h, or off',
    ),
    "check-ins not a duration": (
        'timezone = "America/Chicago"',
        'timezone = "America/Chicago"\ncheckin = "often"',
        'rosters[0] "advocates": checkin: ',
    ),
    "wrong type": (
        "length = 1",
        'length = "1"',
        'rotations[0] "nights": length: must be a whole number, not a string',
    ),
    "duplicate person": (
        'name = "Kim Moss"',
        'name = "Ana Ruiz"',
        "people[1] \"Ana Ruiz\": name: 'Ana Ruiz' appears 2 times",
    ),
    "duplicate phone": (
        '"+12625550150"',
        '"+12625550109"',
        'officers[0] "Inv. N. Lofy": phone: another person or officer',
    ),
    "unknown person": (
        '"Cruz Lee"]',
        '"Cruz Li"]',
        "rotations[0] \"nights\": participants: unknown person 'Cruz Li'",
    ),
    "unknown kind": (
        'kind = "advocate"',
        'kind = "lawyer"',
        "rosters[0] \"advocates\": kind: 'lawyer' is not one of",
    ),
    "bad timezone": (
        "America/Chicago",
        "America/Racine",
        "rosters[0] \"advocates\": timezone: 'America/Racine' is not a known",
    ),
    "unknown rotation type": (
        'type = "daily"',
        'type = "nightly"',
        "rotations[0] \"nights\": type: 'nightly' is not one of",
    ),
    "length below one": ("length = 1", "length = 0", "length: must be at least 1, not 0"),
    "bad start": (
        '"2026-03-06T20:00"',
        '"2026-03-06 8pm"',
        "rotations[0] \"nights\": start: '2026-03-06 8pm' is not an ISO 8601",
    ),
    "bad window time": (
        'from = "20:00"',
        'from = "25:00"',
        "rotations[0] \"nights\" windows[0]: from: '25:00' is not a time",
    ),
    "bad window day": ('"sun"]', '"sunday"]', "windows[0]: days: must list days among"),
    "override ends before it starts": (
        'to = "2026-03-11T08:00"',
        'to = "2026-03-10T20:00"',
        "overrides[0]: to: must be after from",
    ),
    "replace without replaces": (
        'replaces = "Ana Ruiz"\n',
        "",
        "overrides[0]: replaces: is missing",
    ),
    "bad duration": (
        'wait = "10m" },\n]',
        'wait = "10 minutes" },\n]',
        "escalation steps[3]: wait: '10 minutes' is not a duration",
    ),
    "bad notify": (
        'notify = "next"',
        'notify = "backup"',
        "escalation steps[1]: notify: 'backup' is not one of",
    ),
    "unknown person to notify": (
        'notify = "next"',
        'notify = "person:Zed"',
        "steps[1]: notify: unknown person 'Zed'",
    ),
    "negative repeat": ("repeat = 1", "repeat = -1", "escalation: repeat: must be at least 0"),
    "officer name with more than a name": (
        '"Inv. N. Lofy"',
        '"Inv. N. Lofy re girl 16"',
        "name: must be a rank and a name",
    ),
    "bad enrollment": (
        'enrollment_code = "RPD-4821"',
        'enrollment_code = "RPD-4821"\nenrollment = "closed"',
        "enrollment: 'closed' is not one of",
    ),
    "bad enrollment code": ('"RPD-4821"', '"R P D"', "enrollment_code: must be 3 to 40"),
    "away without offset": (
        "coordinator = true",
        'coordinator = true\naway_until = "2026-03-12"',
        'people[1] "Kim Moss": away_until: needs a UTC offset',
    ),
    "on now of a stranger": (
        "windows = [",
        'on_now = { person = "Kim Moss", since = "2026-03-09T20:00" }\nwindows = [',
        "on_now: person: 'Kim Moss' is not a participant",
    ),
    "language nobody writes in": (
        "coordinator = true",
        'coordinator = true\nlanguage = "fr"',
        "people[1] \"Kim Moss\": language: 'fr' is not one of: en, es",
    ),
    "channel nobody offers": (
        "coordinator = true",
        'coordinator = true\nchannels = ["sms", "fax"]',
        "people[1] \"Kim Moss\": channels: 'fax' is not a channel",
    ),
    "channel named twice": (
        "coordinator = true",
        'coordinator = true\nchannels = ["voice", "voice"]',
        "people[1] \"Kim Moss\": channels: 'voice' is named twice",
    ),
    "bad voice_after": (
        "repeat = 1",
        'repeat = 1\nvoice_after = "soon"',
        "escalation: voice_after: 'soon' is not a duration",
    ),
    "voice_after over a day": (
        "repeat = 1",
        'repeat = 1\nvoice_after = "2d"',
        "escalation: voice_after: must be at most 1d",
    ),
    "officer language as a list": (
        'phone = "+12625550150" }',
        'phone = "+12625550150", language = ["es"] }',
        'officers[0] "Inv. N. Lofy": language: must be a string',
    ),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_names_file_entry_and_field_and_changes_nothing(
    database: Database, case: tuple[str, str, str]
) -> None:
    old, new, expected = case
    assert old in COALITION
    apply_text(database, OTHERS)
    before = export(database)
    with pytest.raises(ValidationError) as caught:
        apply_text(database, COALITION.replace(old, new, 1))
    message = str(caught.value)
    assert message.startswith("roster.toml: ")
    assert "nothing was changed" in message
    assert expected in message
    assert export(database) == before


def test_every_problem_is_reported_at_once(database: Database) -> None:
    text = COALITION.replace("length = 1", "length = 0").replace('"5m"', '"5 min"', 1)
    text = text.replace('"(262) 555-0101"', '"12"').replace('"Cruz Lee"]', '"Cruz Li"]')
    with pytest.raises(RosterFileError) as caught:
        apply_text(database, text)
    fields = [error.split(": ")[2] for error in caught.value.errors]
    assert sorted(fields) == ["length", "participants", "phone", "wait"]


def test_a_number_held_by_someone_stored_is_refused(database: Database) -> None:
    apply_text(database, '[[people]]\nname = "Old Timer"\nphone = "262-555-0104"\n')
    with pytest.raises(RosterFileError) as caught:
        apply_text(database, COALITION)
    assert "people[4] \"Dee Park\": phone: 'Old Timer' already has this number" in str(caught.value)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    data = load_roster_file(tmp_path / "absent.toml")
    with pytest.raises(RosterFileError, match=r"absent\.toml: cannot read the file"):
        validate(data)


def test_reading_twice_gives_equal_values_and_a_pure_check_needs_listed_people() -> None:
    first, second = load_roster_file(COALITION), load_roster_file(COALITION, name="other.toml")
    assert (first.people, first.rosters, first.agencies) == (
        second.people,
        second.rosters,
        second.agencies,
    )
    validate(load_roster_file(COALITION))
    with pytest.raises(RosterFileError, match="unknown person 'Ben Okafor'"):
        validate(load_roster_file(EXAMPLE))


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("(262) 555-0101", "US", "+12625550101"),
        ("262.555.0101", "US", "+12625550101"),
        ("+1 262 555 0101", "GB", "+12625550101"),
        ("020 7946 0958", "GB", "+442079460958"),
    ],
)
def test_phones_are_stored_as_e164(text: str, region: str, expected: str) -> None:
    assert read_phone(text, "Ana Ruiz", region) == expected


@pytest.mark.parametrize("text", ["555-0101", "+1 262 555", "call me", "", "020 7946 0958"])
def test_an_invalid_phone_names_its_owner(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a valid phone number for Ana Ruiz"):
        read_phone(text, "Ana Ruiz", "US")


def test_languages_and_skills_must_be_known_and_are_read_by_name() -> None:
    text = """
[[people]]
name = "Ana Ruiz"
phone = "+12625550101"
languages = ["English", "Spanish"]
skills = ["Juvenile"]

[[people]]
name = "Ben Okafor"
phone = "+12625550102"
languages = ["klingon"]
skills = ["trauma"]
"""
    parsed = load_roster_file(text, name="people.toml")
    assert parsed.people[0].languages == ("en", "es") and parsed.people[0].skills == ("juvenile",)
    problems = " ".join(parsed.errors)
    assert "'klingon' is not a known language; known: en (English), es (Spanish)" in problems
    assert "'trauma' is not a known skill; known: juvenile (Juvenile-trained)" in problems
