"""Roster files: the issue's example, every kind of bad file, round trips, updates by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.db import Base, Database
from dispatcher.durations import format_duration
from dispatcher.errors import ValidationError
from dispatcher.rosters.models import (
    WEEKDAYS,
    Agency,
    Officer,
    Override,
    Person,
    Roster,
    Rotation,
)
from dispatcher.rosters.phones import parse_phone
from dispatcher.rosters.rosterapply import ENTITIES, ApplySummary, apply_roster_file
from dispatcher.rosters.rostercheck import RosterFileError, validate
from dispatcher.rosters.rosterexport import export_roster_file
from dispatcher.rosters.rosterfile import load_roster_file
from dispatcher.settings import CONFIG_DIR

# The example from the foundation issue, verbatim.
EXAMPLE = """\
[[people]]
name = "Ana Ruiz"
phone = "(262) 555-0101"
languages = ["en", "es"]
skills = ["juvenile"]

[[people]]
name = "Kim Moss"
phone = "+12625550109"
coordinator = true

[[rosters]]
name = "advocates"
kind = "advocate"
timezone = "America/Chicago"

[[rosters.rotations]]
name = "nights"
type = "daily"
length = 1
start = "2026-03-06T20:00"
participants = ["Ana Ruiz", "Ben Okafor", "Cruz Lee"]
windows = [{ days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], from = "20:00", to = "08:00" }]

[[rosters.overrides]]
action = "replace"          # add | remove | replace
person = "Dee Park"
replaces = "Ana Ruiz"
from = "2026-03-10T20:00"
to = "2026-03-11T08:00"

[rosters.escalation]
steps = [
  { notify = "on-call", wait = "5m" },
  { notify = "next", wait = "5m" },
  { notify = "all", wait = "10m" },
  { notify = "coordinators", wait = "10m" },
]
repeat = 1

[[agencies]]
name = "Racine Police Department"
kind = "police"
enrollment_code = "RPD-4821"
officers = [{ name = "Inv. N. Lofy", phone = "+12625550150" }]
"""  # noqa: E501 (verbatim)

# The people the example refers to without listing them.
OTHERS = """
[[people]]
name = "Ben Okafor"
phone = "262-555-0102"

[[people]]
name = "Cruz Lee"
phone = "262.555.0103"

[[people]]
name = "Dee Park"
phone = "+1 262 555 0104"
"""

FULL = EXAMPLE + OTHERS


def apply_text(database: Database, text: str, name: str = "roster.toml") -> ApplySummary:
    """Import ``text`` in one committed unit of work, as the CLI does."""
    with database.session_scope() as session:
        return apply_roster_file(session, load_roster_file(text, name=name), "test")


def export(database: Database) -> str:
    """The database as a roster file."""
    with database.session_scope() as session:
        return export_roster_file(session)


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


# Each case: (what to replace in FULL, with what, the entry and field the error must name).
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
    "language nobody writes in": (
        "coordinator = true",
        'coordinator = true\nlanguage = "fr"',
        "roster.toml:11: people[1] \"Kim Moss\": language: 'fr' is not one of: en, es",
    ),
    "officer language as a list": (
        'phone = "+12625550150" }',
        'phone = "+12625550150", language = ["es"] }',
        'officers[0] "Inv. N. Lofy": language: must be a string',
    ),
    "on now of a stranger": (
        "windows = [",
        'on_now = { person = "Kim Moss", since = "2026-03-09T20:00" }\nwindows = [',
        "on_now: person: 'Kim Moss' is not a participant",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_names_file_entry_and_field_and_changes_nothing(
    database: Database, case: tuple[str, str, str]
) -> None:
    old, new, expected = case
    assert old in FULL
    apply_text(database, OTHERS)
    before = export(database)
    with pytest.raises(ValidationError) as caught:
        apply_text(database, FULL.replace(old, new, 1))
    message = str(caught.value)
    assert message.startswith("roster.toml: ")
    assert "nothing was changed" in message
    assert expected in message
    assert export(database) == before


def test_every_problem_is_reported_at_once(database: Database) -> None:
    text = FULL.replace("length = 1", "length = 0").replace('"5m"', '"5 min"', 1)
    text = text.replace('"(262) 555-0101"', '"12"').replace('"Cruz Lee"]', '"Cruz Li"]')
    with pytest.raises(RosterFileError) as caught:
        apply_text(database, text)
    fields = [error.split(": ")[2] for error in caught.value.errors]
    assert sorted(fields) == ["length", "participants", "phone", "wait"]


def test_a_number_held_by_someone_stored_is_refused(database: Database) -> None:
    apply_text(database, '[[people]]\nname = "Old Timer"\nphone = "262-555-0104"\n')
    with pytest.raises(RosterFileError) as caught:
        apply_text(database, FULL)
    assert "people[4] \"Dee Park\": phone: 'Old Timer' already has this number" in str(caught.value)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    data = load_roster_file(tmp_path / "absent.toml")
    with pytest.raises(RosterFileError, match=r"absent\.toml: cannot read the file"):
        validate(data)


def test_reading_twice_gives_equal_values_and_a_pure_check_needs_listed_people() -> None:
    first, second = load_roster_file(FULL), load_roster_file(FULL, name="other.toml")
    assert (first.people, first.rosters, first.agencies) == (
        second.people,
        second.rosters,
        second.agencies,
    )
    validate(load_roster_file(FULL))
    with pytest.raises(RosterFileError, match="unknown person 'Ben Okafor'"):
        validate(load_roster_file(EXAMPLE))


# Everything the format can say, including instants that only an offset can pin down.
RICH = FULL.replace("coordinator = true", 'coordinator = true\naway_until = "2026-03-12T06:00Z"')
RICH = RICH.replace(
    "windows = [", 'on_now = { person = "Cruz Lee", since = "2026-03-09T20:00" }\nwindows = ['
)
RICH += """
[[people]]
name = "Rae Quinn"
phone = "(262) 555-0111"
active = false

[[rosters]]
name = "rides"
kind = "ride"
timezone = "Australia/Lord_Howe"

[[rosters.rotations]]
name = "drivers"
type = "hourly"
length = 12
start = "2026-04-05T01:45:30"
participants = ["Rae Quinn", "Ben Okafor", "Rae Quinn"]

[[rosters.rotations]]
name = "weekends"
type = "monthly"
length = 2
start = "2026-01-31T09:00"
participants = ["Ana Ruiz"]
windows = [
  { days = ["sat", "sun"], from = "00:00", to = "00:00" },
  { days = ["fri"], from = "18:00", to = "23:59:30" },
]

[[rosters.overrides]]
action = "add"
person = "Kim Moss"
from = "2026-04-05T01:45+11:00"
to = "2026-04-05T01:45+10:30"

[[rosters.overrides]]
action = "remove"
person = "Ana Ruiz"
from = "2026-04-05T12:00"
to = "2026-04-06T12:00"

[rosters.escalation]
steps = [{ notify = "person:Kim Moss", wait = "1h30m" }]
"""


def test_export_import_export_is_identical(database: Database) -> None:
    apply_text(database, RICH)
    first = export(database)
    summary = apply_text(database, first, "exported.toml")
    assert summary.created("people") == summary.updated("people") == 0
    assert summary.unchanged("rosters") == 2
    assert export(database) == first
    # Lord Howe shows 01:45 twice that night: the first needs no offset, the second does.
    assert 'from = "2026-04-05T01:45"\nto = "2026-04-05T01:45+10:30"' in first
    assert 'away_until = "2026-03-12T06:00+00:00"' in first
    assert 'on_now = { person = "Cruz Lee", since = "2026-03-09T20:00" }' in first
    assert 'start = "2026-04-05T01:45:30"' in first
    assert '{ notify = "person:Kim Moss", wait = "1h30m" }' in first


def test_the_export_reads_back_as_the_same_values(database: Database) -> None:
    apply_text(database, RICH)
    first = export(database)
    again = load_roster_file(first)
    assert again.errors == ()
    assert load_roster_file(export(database)) == again
    assert [p.name for p in again.people] == sorted(p.name for p in again.people)


def test_import_updates_by_name_and_leaves_the_rest_alone(database: Database) -> None:
    apply_text(database, FULL)
    apply_text(database, '[[people]]\nname = "Zoe Stray"\nphone = "262-555-0119"\n')
    with database.session_scope() as session:
        nights_id = session.scalars(select(Rotation.id)).one()
    changed = FULL.replace('"(262) 555-0101"', '"(262) 555-0112"')
    changed = changed.replace('["Ana Ruiz", "Ben Okafor", "Cruz Lee"]', '["Cruz Lee", "Ana Ruiz"]')
    changed = changed.replace('"Inv. N. Lofy"', '"Lt. N. Lofy"')
    cut = changed.index("[[rosters.overrides]]"), changed.index("[rosters.escalation]")
    changed = changed[: cut[0]] + changed[cut[1] :]
    summary = apply_text(database, changed)
    assert (summary.updated("people"), summary.unchanged("people")) == (1, 4)
    assert (summary.updated("rosters"), summary.updated("officers")) == (1, 1)
    with database.session_scope() as session:
        ana = session.scalars(select(Person).where(Person.name == "Ana Ruiz")).one()
        assert ana.phone == "+12625550112"
        nights = session.get(Rotation, nights_id)
        assert nights is not None
        assert [p.person.name for p in nights.participants] == ["Cruz Lee", "Ana Ruiz"]
        assert session.scalar(select(func.count()).select_from(Override)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 6  # Zoe kept
        assert session.scalars(select(Officer.name)).one() == "Lt. N. Lofy"


def test_a_rotation_left_out_of_the_file_is_removed(database: Database) -> None:
    two = FULL.replace("[[rosters.overrides]]", NIGHTS_COPY + "\n[[rosters.overrides]]")
    apply_text(database, two)
    apply_text(database, FULL)
    with database.session_scope() as session:
        assert list(session.scalars(select(Rotation.name))) == ["nights"]


NIGHTS_COPY = """
[[rosters.rotations]]
name = "days"
type = "weekly"
start = "2026-03-02T08:00"
participants = ["Dee Park"]
"""


def test_two_people_can_swap_numbers(database: Database) -> None:
    apply_text(database, FULL)
    swapped = FULL.replace('"262-555-0102"', '"X"').replace('"262.555.0103"', '"262-555-0102"')
    apply_text(database, swapped.replace('"X"', '"262-555-0103"'))
    with database.session_scope() as session:
        phones = {name: phone for name, phone in session.execute(select(Person.name, Person.phone))}
    assert (phones["Ben Okafor"], phones["Cruz Lee"]) == ("+12625550103", "+12625550102")


def test_runtime_state_survives_an_import(database: Database) -> None:
    apply_text(database, FULL)
    away = datetime(2026, 3, 20, tzinfo=UTC)
    with database.session_scope() as session:
        kim = session.scalars(select(Person).where(Person.name == "Kim Moss")).one()
        kim.opted_out, kim.away_until = True, away
        officer = session.scalars(select(Officer)).one()
        officer.revoked_at = away
        agency = session.scalars(select(Agency)).one()
        session.add(
            Officer(agency=agency, name="Self Enrolled", phone="+12625550160", enrolled_by="sms")
        )
    apply_text(database, FULL)
    with database.session_scope() as session:
        kim = session.scalars(select(Person).where(Person.name == "Kim Moss")).one()
        assert (kim.opted_out, kim.away_until) == (True, away)
        assert session.scalar(select(func.count()).select_from(Officer)) == 2
    assert "Self Enrolled" in export(database)
    assert "Lofy" not in export(database)  # revoked officers are not exported


def test_changes_are_passed_to_the_audit_recorder(database: Database) -> None:
    calls: list[tuple[Any, ...]] = []

    def record(session: Session, *args: Any) -> None:
        calls.append(args)

    with database.session_scope() as session:
        apply_roster_file(session, load_roster_file(FULL), "cli:tester", record)
    with database.session_scope() as session:
        changed = FULL.replace("repeat = 1", "repeat = 2")
        apply_roster_file(session, load_roster_file(changed), "cli:tester", record)
    created = [c for c in calls if c[1] == "create"]
    assert sorted(c[2] for c in created) == ["agency", "officer"] + ["person"] * 5 + ["roster"]
    update = calls[len(created)]
    assert update[:3] == ("cli:tester", "update", "roster")
    assert (update[4]["escalation"]["repeat"], update[5]["escalation"]["repeat"]) == (1, 2)
    assert len(calls) == len(created) + 1


def test_the_demo_file_imports_cleanly(database: Database) -> None:
    summary = apply_text(database, (CONFIG_DIR / "demo.toml").read_text())
    assert summary.created("rosters") == 3
    assert summary.created("agencies") == 2
    with database.session_scope() as session:
        kinds = {name: kind for name, kind in session.execute(select(Roster.name, Roster.kind))}
    assert kinds == {"advocates": "advocate", "hotels": "hotel", "rides": "ride"}


# --- Round trips of generated files ------------------------------------------------------

ZONES = ["America/Chicago", "Australia/Lord_Howe", "Europe/London", "UTC"]
GIVEN = ["Ana Ruiz", "Ben Okafor", "Cruz Lee", "Dee Park", "Eli Hart", "Fay Moreno"]
MOMENTS = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31))


def toml(value: object) -> str:
    """A TOML value for the generated file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value) if isinstance(value, str) else str(value)


def section(header: str, values: dict[str, object]) -> str:
    """``[[header]]`` and its keys."""
    return f"\n{header}\n" + "".join(f"{k} = {toml(v)}\n" for k, v in values.items())


@st.composite
def moments(draw: st.DrawFn, zone: str) -> str:
    """A date-time as a file may write it: local wall time, or an instant with an offset."""
    moment = draw(MOMENTS).replace(microsecond=0)
    if draw(st.booleans()):
        return moment.isoformat()
    return moment.replace(tzinfo=ZoneInfo(zone)).isoformat()


@st.composite
def roster_files(draw: st.DrawFn) -> str:
    """A valid roster file with people, one roster of every feature, and an agency."""
    names = draw(st.lists(st.sampled_from(GIVEN), min_size=2, max_size=6, unique=True))
    numbers = draw(
        st.lists(
            st.integers(101, 199), min_size=len(names) + 2, max_size=len(names) + 2, unique=True
        )
    )
    text = "".join(
        section(
            "[[people]]",
            {
                "name": name,
                "phone": f"262-555-0{number}",
                "languages": draw(st.lists(st.sampled_from(["en", "es", "fr"]), unique=True)),
                "coordinator": draw(st.booleans()),
                "active": draw(st.booleans()),
            },
        )
        for name, number in zip(names, numbers, strict=False)
    )
    zone = draw(st.sampled_from(ZONES))
    text += section("[[rosters]]", {"name": "r", "kind": "advocate", "timezone": zone})
    for index in range(draw(st.integers(0, 3))):
        participants = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4))
        rotation: dict[str, object] = {
            "name": f"rotation {index}",
            "type": draw(st.sampled_from(["hourly", "daily", "weekly", "monthly"])),
            "length": draw(st.integers(1, 3)),
            "start": draw(MOMENTS).replace(microsecond=0).isoformat(),
            "participants": participants,
            "windows": [
                {
                    "days": draw(
                        st.lists(st.sampled_from(list(WEEKDAYS)), min_size=1, unique=True)
                    ),
                    "from": draw(st.times()).replace(microsecond=0).isoformat(),
                    "to": draw(st.times()).replace(microsecond=0).isoformat(),
                }
                for _ in range(draw(st.integers(0, 2)))
            ],
        }
        if draw(st.booleans()):
            rotation["on_now"] = {"person": participants[-1], "since": draw(moments(zone))}
        text += section("[[rosters.rotations]]", rotation)
    for _ in range(draw(st.integers(0, 3))):
        start, end = sorted(draw(st.lists(MOMENTS, min_size=2, max_size=2, unique=True)))
        action = draw(st.sampled_from(["add", "remove", "replace"]))
        override: dict[str, object] = {"action": action, "person": names[0]}
        if action == "replace":
            override["replaces"] = names[1]
        override |= {"from": f"{start.isoformat()}Z", "to": f"{end.isoformat()}Z"}
        text += section("[[rosters.overrides]]", override)
    steps = [
        {
            "notify": draw(
                st.sampled_from(["on-call", "next", "all", "coordinators", f"person:{names[0]}"])
            ),
            "wait": format_duration(timedelta(seconds=draw(st.integers(1, 90_000)))),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    text += (
        "\n[rosters.escalation]\n" + f"steps = {toml(steps)}\nrepeat = {draw(st.integers(0, 3))}\n"
    )
    officers = [{"name": "Sgt. Officer", "phone": f"262-555-0{numbers[-1]}"}]
    return text + section(
        "[[agencies]]", {"name": "PD", "enrollment_code": "PD-1", "officers": officers}
    )


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=roster_files())
def test_generated_files_round_trip(sqlite_database: Database, text: str) -> None:
    with sqlite_database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    apply_text(sqlite_database, text)
    first = export(sqlite_database)
    summary = apply_text(sqlite_database, first, "exported.toml")
    assert sum(summary.updated(kind) + summary.created(kind) for kind in ENTITIES) == 0
    assert export(sqlite_database) == first


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
    assert parse_phone(text, "Ana Ruiz", region) == expected


@pytest.mark.parametrize("text", ["555-0101", "+1 262 555", "call me", "", "020 7946 0958"])
def test_an_invalid_phone_names_its_owner(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a valid phone number for Ana Ruiz"):
        parse_phone(text, "Ana Ruiz", "US")


def test_an_agency_may_approve_each_enrollment(database: Database) -> None:
    text = FULL.replace(
        'enrollment_code = "RPD-4821"', 'enrollment_code = "RPD-4821"\nenrollment = "approve"'
    )
    apply_text(database, text)
    with database.session_scope() as session:
        assert session.scalars(select(Agency.enrollment)).one() == "approve"
        assert 'enrollment = "approve"' in export_roster_file(session)


def test_the_language_of_peoples_and_officers_texts_round_trips(database: Database) -> None:
    text = FULL.replace("coordinator = true", 'coordinator = true\nlanguage = "es"', 1)
    text = text.replace('phone = "+12625550150" }', 'phone = "+12625550150", language = "ES" }')
    apply_text(database, text)
    with database.session_scope() as session:
        languages = dict(session.execute(select(Person.name, Person.language)).all())
        assert languages["Kim Moss"] == "es" and languages["Ana Ruiz"] == "en"
        assert session.scalars(select(Officer.language)).one() == "es"
    exported = export(database)
    assert 'language = "es"' in exported and exported.count("language =") == 2
    again, given = load_roster_file(exported), load_roster_file(text)
    assert {p.name: p.language for p in again.people} == {p.name: p.language for p in given.people}
    assert [o.language for a in again.agencies for o in a.officers] == ["es"]


def test_a_file_without_an_officers_language_keeps_the_one_stored(database: Database) -> None:
    apply_text(database, FULL)
    with database.session_scope() as session:
        session.scalars(select(Officer)).one().language = "es"  # learnt from a Spanish text
    apply_text(database, FULL)
    with database.session_scope() as session:
        assert session.scalars(select(Officer.language)).one() == "es"
