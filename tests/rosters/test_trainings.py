"""Trainings: the pure gate, the roster file (both databases), and the paging candidates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from dispatcher.db import Database
from dispatcher.rosters.file import load_roster_file
from dispatcher.rosters.models import Person, Roster, Training
from dispatcher.rosters.service import escalation_candidates, get_roster
from dispatcher.rosters.targets import is_current, missing_trainings, required_trainings
from tests.support.coalition import COALITION, apply_text, export

D = date.fromisoformat
ROSTER = 'name = "advocates"\nkind = "advocate"\ntimezone = "America/Chicago"\n'
REQUIRED = COALITION.replace(
    ROSTER, ROSTER + 'requires_training = "advocate-40h"\njuvenile_training = "juvenile"\n'
)
TRAINED = REQUIRED.replace(
    'name = "Ana Ruiz"\n',
    'name = "Ana Ruiz"\ntrainings = [\n'
    '  { name = "juvenile", completed = 2025-07-01, expires = 2026-07-01 },\n'
    '  { name = "advocate-40h", completed = "2024-03-10", expires = "2026-03-10" },\n]\n',
).replace(
    'name = "Ben Okafor"\n',
    'name = "Ben Okafor"\ntrainings = [{ name = "advocate-40h", completed = "2025-06-01" }]\n',
)
assert TRAINED.count("advocate-40h") == 3


@pytest.mark.parametrize(
    ("completed", "expires", "today", "current"),
    [
        ("2025-01-01", None, "2026-03-10", True),
        ("2025-01-01", "2026-03-11", "2026-03-10", True),
        ("2025-01-01", "2026-03-10", "2026-03-10", False),  # expires that day
        ("2025-01-01", "2026-03-09", "2026-03-10", False),
        ("2026-03-11", None, "2026-03-10", False),  # not completed yet
        ("2026-03-10", None, "2026-03-10", True),
    ],
)
def test_a_training_counts_from_completion_to_the_day_before_expiry(
    completed: str, expires: str | None, today: str, current: bool
) -> None:
    assert is_current(D(completed), D(expires) if expires else None, D(today)) is current


@pytest.mark.parametrize(
    ("requires", "juvenile", "tags", "expected"),
    [
        (None, None, ["juvenile"], ()),
        ("advocate-40h", None, [], ("advocate-40h",)),
        ("advocate-40h", "juvenile", [], ("advocate-40h",)),
        ("advocate-40h", "juvenile", ["juvenile", "es"], ("advocate-40h", "juvenile")),
        (None, "juvenile", ["juvenile"], ("juvenile",)),
        ("same", "same", ["juvenile"], ("same",)),
    ],
)
def test_the_trainings_a_request_requires(
    requires: str | None, juvenile: str | None, tags: list[str], expected: tuple[str, ...]
) -> None:
    assert required_trainings(requires, juvenile, tags) == expected


def test_missing_trainings_names_the_absent_and_the_expired() -> None:
    held = {"a": (D("2025-01-01"), None), "b": (D("2025-01-01"), D("2026-01-01"))}
    assert missing_trainings(held, ("a", "b", "c"), D("2026-03-10")) == ("b", "c")
    assert missing_trainings(held, (), D("2026-03-10")) == ()


def test_trainings_and_requirements_round_trip_through_the_roster_file(
    database: Database,
) -> None:
    apply_text(database, TRAINED)
    first = export(database)
    assert 'requires_training = "advocate-40h"\njuvenile_training = "juvenile"' in first
    assert (
        'trainings = [\n  { name = "advocate-40h", completed = "2024-03-10", '
        'expires = "2026-03-10" },\n  { name = "juvenile", completed = "2025-07-01", '
        'expires = "2026-07-01" },\n]'
    ) in first
    summary = apply_text(database, first, "exported.toml")
    assert summary.updated("people") == summary.updated("rosters") == 0
    assert export(database) == first
    with database.session_scope() as session:
        rows = session.scalars(select(Training).order_by(Training.name)).all()
        assert [
            (t.name, t.completed, t.expires) for t in rows if t.person.name == "Ben Okafor"
        ] == [("advocate-40h", D("2025-06-01"), None)]


def test_a_file_without_trainings_removes_them_and_the_change_is_audited(
    database: Database,
) -> None:
    apply_text(database, TRAINED)
    summary = apply_text(database, COALITION)
    assert summary.updated("people") == 2 and summary.updated("rosters") == 1
    with database.session_scope() as session:
        assert session.scalars(select(Training)).all() == []
        roster = session.scalars(select(Roster)).one()
        assert roster.requires_training is None and roster.juvenile_training is None


@pytest.mark.parametrize(
    ("training", "message"),
    [
        ('{ name = "x", completed = "2026-13-01" }', "is not a date"),
        ('{ name = "x", completed = 2026-03-01T10:00:00 }', "not a date-time"),
        ('{ name = "x" }', "completed"),
        ('{ name = "x", completed = "2026-03-01", expires = "2026-03-01" }', "after completed"),
        (
            '{ name = "x", completed = "2026-03-01" }, { name = "x", completed = "2026-03-02" }',
            "twice",
        ),
        ('{ name = "x", completed = "2026-03-01", until = "2027-01-01" }', "until"),
    ],
)
def test_bad_trainings_are_refused_naming_the_field(training: str, message: str) -> None:
    text = COALITION.replace(
        'name = "Ana Ruiz"\n', f'name = "Ana Ruiz"\ntrainings = [{training}]\n'
    )
    errors = load_roster_file(text, name="roster.toml").errors
    assert errors and any(message in e and "trainings[" in e for e in errors), errors


def test_candidates_leave_out_the_untrained_but_not_coordinators(database: Database) -> None:
    apply_text(database, TRAINED)
    night = datetime(2026, 3, 11, 3, tzinfo=UTC)  # 03-10 21:00 in Chicago
    with database.session_scope() as session:
        roster = get_roster(session, "advocates")
        plain = escalation_candidates(session, roster, night)
        juvenile = escalation_candidates(session, roster, night, ["juvenile"])
        kim = session.scalars(select(Person).where(Person.name == "Kim Moss")).one()
        kim.coordinator = True

        def names(people: list[Person]) -> list[str]:
            return [p.name for p in people]

        assert names(plain.everyone) == ["Ben Okafor"]
        assert names(plain.untrained) == ["Ana Ruiz", "Cruz Lee", "Dee Park"]
        assert names(juvenile.everyone) == []  # Ana's 40-hour lapsed; Ben lacks juvenile
        assert "Kim Moss" in names(juvenile.coordinators)
        roster.requires_training = roster.juvenile_training = None
        session.flush()
        assert len(escalation_candidates(session, roster, night, ["juvenile"]).everyone) == 4
