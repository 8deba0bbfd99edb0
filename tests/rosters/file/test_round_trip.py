"""Round trips: export -> import -> export is identical, for rich and generated files."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select

from dispatcher.db import Base, Database
from dispatcher.durations import format_duration
from dispatcher.rosters.file import load_roster_file
from dispatcher.rosters.file.apply import ENTITIES
from dispatcher.rosters.models import WEEKDAYS, Officer, Person, Roster
from tests.support.coalition import COALITION, apply_text, export

# Everything the format can say, including instants that only an offset can pin down.
RICH = COALITION.replace(
    "coordinator = true", 'coordinator = true\naway_until = "2026-03-12T06:00Z"'
)


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
checkin = "1h30m"

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
    assert 'timezone = "Australia/Lord_Howe"\ncheckin = "1h30m"\n' in first
    assert first.count("checkin =") == 1  # the default (45m) is not written


def test_check_ins_can_be_turned_off_and_back(database: Database) -> None:
    apply_text(database, RICH.replace('checkin = "1h30m"', 'checkin = "off"'))
    assert 'checkin = "off"' in export(database)
    apply_text(database, RICH.replace('checkin = "1h30m"\n', ""))
    assert "checkin =" not in export(database)


def test_the_export_reads_back_as_the_same_values(database: Database) -> None:
    apply_text(database, RICH)
    first = export(database)
    again = load_roster_file(first)
    assert again.errors == ()
    assert load_roster_file(export(database)) == again
    assert [p.name for p in again.people] == sorted(p.name for p in again.people)


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


def test_the_language_of_peoples_and_officers_texts_round_trips(database: Database) -> None:
    text = COALITION.replace("coordinator = true", 'coordinator = true\nlanguage = "es"', 1)
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
    apply_text(database, COALITION)
    with database.session_scope() as session:
        session.scalars(select(Officer)).one().language = "es"  # learnt from a Spanish text
    apply_text(database, COALITION)
    with database.session_scope() as session:
        assert session.scalars(select(Officer.language)).one() == "es"


def test_contact_channels_and_voice_after_round_trip(database: Database) -> None:
    text = COALITION.replace(
        "coordinator = true", 'coordinator = true\nchannels = ["voice", "sms"]', 1
    )
    text = text.replace("repeat = 1", 'repeat = 1\nvoice_after = "2m"', 1)
    apply_text(database, text)
    with database.session_scope() as session:
        channels = dict(session.execute(select(Person.name, Person.channels)).all())
        assert channels["Kim Moss"] == "voice,sms" and channels["Ana Ruiz"] == "sms"
        assert session.scalars(select(Roster.voice_after_seconds)).first() == 120
    exported = export(database)
    assert 'channels = ["voice", "sms"]' in exported and exported.count("channels =") == 1
    assert 'voice_after = "2m"' in exported
    apply_text(database, COALITION)  # a file without them: back to texts only, no calls
    with database.session_scope() as session:
        assert set(session.scalars(select(Person.channels))) == {"sms"}
        assert set(session.scalars(select(Roster.voice_after_seconds))) == {None}
