"""Applying roster files: updates by name, what an import keeps, the audit log, the demo."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.db import Database
from dispatcher.rosters.file import export_roster_file, load_roster_file
from dispatcher.rosters.file.apply import apply_roster_file
from dispatcher.rosters.models import (
    Agency,
    Officer,
    Override,
    Person,
    Roster,
    Rotation,
)
from dispatcher.settings import CONFIG_DIR
from tests.support.coalition import COALITION, apply_text, export


def test_import_updates_by_name_and_leaves_the_rest_alone(database: Database) -> None:
    apply_text(database, COALITION)
    apply_text(database, '[[people]]\nname = "Zoe Stray"\nphone = "262-555-0119"\n')
    with database.session_scope() as session:
        nights_id = session.scalars(select(Rotation.id)).one()
    changed = COALITION.replace('"(262) 555-0101"', '"(262) 555-0112"')
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
    two = COALITION.replace("[[rosters.overrides]]", NIGHTS_COPY + "\n[[rosters.overrides]]")
    apply_text(database, two)
    apply_text(database, COALITION)
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
    apply_text(database, COALITION)
    swapped = COALITION.replace('"262-555-0102"', '"X"').replace('"262.555.0103"', '"262-555-0102"')
    apply_text(database, swapped.replace('"X"', '"262-555-0103"'))
    with database.session_scope() as session:
        phones = {name: phone for name, phone in session.execute(select(Person.name, Person.phone))}
    assert (phones["Ben Okafor"], phones["Cruz Lee"]) == ("+12625550103", "+12625550102")


def test_runtime_state_survives_an_import(database: Database) -> None:
    apply_text(database, COALITION)
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
    apply_text(database, COALITION)
    with database.session_scope() as session:
        kim = session.scalars(select(Person).where(Person.name == "Kim Moss")).one()
        assert (kim.opted_out, kim.away_until) == (True, away)
        assert session.scalar(select(func.count()).select_from(Officer)) == 2
    assert "Self Enrolled" in export(database)
    assert "Lofy" not in export(database)  # revoked officers are not exported


def test_changes_are_recorded_by_the_auditor(database: Database) -> None:
    auditor = Auditor("cli:tester", datetime(2026, 3, 2, 12, tzinfo=UTC))
    with database.session_scope() as session:
        apply_roster_file(session, load_roster_file(COALITION), auditor)
    with database.session_scope() as session:
        changed = COALITION.replace("repeat = 1", "repeat = 2")
        apply_roster_file(session, load_roster_file(changed), auditor)
    with database.session_scope() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        calls = [(e.actor, e.action, e.entity, e.at, e.old, e.new) for e in entries]
    created = [c for c in calls if c[1] == "create"]
    assert sorted(c[2] for c in created) == ["agency", "officer"] + ["person"] * 5 + ["roster"]
    update = calls[len(created)]
    assert update[:3] == ("cli:tester", "update", "roster")
    assert update[3] == auditor.now
    assert update[4] and update[5]
    assert (update[4]["escalation"]["repeat"], update[5]["escalation"]["repeat"]) == (1, 2)
    assert len(calls) == len(created) + 1


def test_the_demo_file_imports_cleanly(database: Database) -> None:
    summary = apply_text(database, (CONFIG_DIR / "demo.toml").read_text())
    assert summary.created("rosters") == 4
    assert summary.created("agencies") == 2
    assert summary.created("regions") == 2
    with database.session_scope() as session:
        kinds = {name: kind for name, kind in session.execute(select(Roster.name, Roster.kind))}
    assert kinds == {
        "advocates": "advocate",
        "kenosha advocates": "advocate",
        "hotels": "hotel",
        "rides": "ride",
    }


def test_an_agency_may_approve_each_enrollment(database: Database) -> None:
    text = COALITION.replace(
        'enrollment_code = "RPD-4821"', 'enrollment_code = "RPD-4821"\nenrollment = "approve"'
    )
    apply_text(database, text)
    with database.session_scope() as session:
        assert session.scalars(select(Agency.enrollment)).one() == "approve"
        assert 'enrollment = "approve"' in export_roster_file(session)
