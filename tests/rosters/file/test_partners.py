"""Partners in the roster file: read, checked, applied, audited and exported byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.db import Database
from dispatcher.rosters.file import load_roster_file
from dispatcher.rosters.file.apply import apply_roster_file
from dispatcher.rosters.file.check import RosterFileError
from dispatcher.rosters.models import Partner
from dispatcher.settings import CONFIG_DIR
from tests.rosters.file.test_needs import SANE, SANE_ROSTER
from tests.support.coalition import COALITION, apply_text, export

DEMO = (CONFIG_DIR / "demo.toml").read_text()
HARBORVIEW = """
[[partners]]
name = "Harborview Inn"
need = "room"
contacts = ["Harborview Inn"]
address = "1200 Harbor Rd, Racine"
pledge = 4
unit_value = 89
"""


def test_a_partner_may_give_a_need_the_file_declares(database: Database) -> None:
    hospital = """
[[partners]]
name = "St. Luke's SANE program"
need = "sane"
contacts = ["Ana Ruiz"]
"""
    apply_text(database, SANE + COALITION + SANE_ROSTER + hospital)
    with database.session_scope() as session:
        partner = session.scalars(select(Partner).where(Partner.need == "sane")).one()
        assert partner.name == "St. Luke's SANE program"
    assert 'need = "sane"' in export(database)


def test_the_demo_with_its_partners_exports_imports_and_exports_identically(
    database: Database,
) -> None:
    apply_text(database, DEMO)
    first = export(database)
    summary = apply_text(database, first, "exported.toml")
    assert summary.unchanged("partners") == 4
    assert summary.updated("partners") == 0
    assert export(database) == first
    assert HARBORVIEW in first
    assert (
        '[[partners]]\nname = "Marsh Accessible Rides"\nneed = "ride"\n'
        'contacts = ["Ivo Marsh"]\npledge = 4\nfeatures = ["carseat", "wheelchair"]\n'
    ) in first


def test_a_file_without_partners_exports_none(database: Database) -> None:
    apply_text(database, COALITION)
    assert "[[partners]]" not in export(database)


def test_a_partner_gets_exactly_the_files_values(database: Database) -> None:
    apply_text(database, DEMO)
    changed = DEMO.replace(
        'contacts = ["Gus Tran", "Hana Wolfe"]\npledge = 0',
        'contacts = ["Gus Tran"]\npledge = 8\nunit_value = 30',
    )
    summary = apply_text(database, changed)
    assert summary.updated("partners") == 1
    with database.session_scope() as session:
        drivers = session.scalars(select(Partner).where(Partner.name == "Volunteer drivers")).one()
        assert [p.name for p in drivers.contacts] == ["Gus Tran"]
        assert (drivers.pledge, drivers.unit_value, drivers.features) == (8, 30, ["carseat"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('contacts = ["Ivo Marsh"]', "contacts: 'Ivo Marsh' already answers for partner"),
        ('contacts = ["Nobody Here"]', "contacts: unknown person 'Nobody Here'"),
        ('features = ["sunroof"]', "features: unknown feature 'sunroof'"),
        ('need = "boat"', "need: 'boat' is not one of advocate, room, ride (or a [[needs]] key)"),
        ("pledge = -1", "pledge:"),
    ],
)
def test_a_bad_partner_is_refused_naming_the_field(
    database: Database, change: str, message: str
) -> None:
    key = change.split(" = ")[0]
    lines = [line for line in HARBORVIEW.strip().splitlines() if not line.startswith(key)]
    bad = DEMO.replace(HARBORVIEW.strip(), "\n".join([*lines, change]))
    with pytest.raises(RosterFileError) as raised, database.session_scope() as session:
        apply_roster_file(session, load_roster_file(bad, name="bad.toml"))
    assert message in str(raised.value)
    assert "bad.toml:" in str(raised.value)


def test_the_audit_log_keeps_the_partner_but_not_its_address(database: Database) -> None:
    with database.session_scope() as session:
        auditor = Auditor("cli:test", datetime(2026, 3, 1, tzinfo=UTC))
        apply_roster_file(session, load_roster_file(DEMO), auditor)
    with database.session_scope() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "partner")).all()
        assert len(entries) == 4
        harborview = next(e for e in entries if e.new and e.new["name"] == "Harborview Inn")
        assert harborview.new is not None and harborview.new["pledge"] == 4
        assert "1200 Harbor" not in str(harborview.new)
