"""Regions in the roster file: read, checked, applied, audited and exported byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.db import Database
from dispatcher.rosters.file import load_roster_file
from dispatcher.rosters.file.apply import apply_roster_file
from dispatcher.rosters.file.check import RosterFileError
from dispatcher.rosters.models import Agency, Region, Roster
from dispatcher.settings import CONFIG_DIR
from tests.support.coalition import COALITION, apply_text, export

DEMO = (CONFIG_DIR / "demo.toml").read_text()

REGIONS = """
[[regions]]
name = "Racine County"
agencies = ["Racine Police Department"]
rosters = ["advocates"]
"""


def test_the_demo_with_its_regions_exports_imports_and_exports_identically(
    database: Database,
) -> None:
    apply_text(database, DEMO)
    first = export(database)
    summary = apply_text(database, first, "exported.toml")
    assert summary.unchanged("regions") == 2
    assert summary.updated("regions") == summary.updated("rosters") == 0
    assert export(database) == first
    assert '{ notify = "mutual-aid:Racine County", wait = "10m" }' in first
    assert (
        '[[regions]]\nname = "Kenosha County"\n'
        'agencies = ["Kenosha County Sheriff\'s Office"]\nrosters = ["kenosha advocates"]\n'
    ) in first


def test_a_file_without_regions_exports_none(database: Database) -> None:
    apply_text(database, COALITION)
    assert "[[regions]]" not in export(database)
    with database.session_scope() as session:
        assert all(not r.regions for r in session.scalars(select(Roster)))


def test_a_region_gets_exactly_the_files_agencies_and_rosters(database: Database) -> None:
    apply_text(database, DEMO)
    moved = DEMO.replace(
        'agencies = ["Kenosha County Sheriff\'s Office"]\nrosters = ["kenosha advocates"]',
        'agencies = []\nrosters = ["kenosha advocates", "hotels"]',
    )
    apply_text(database, moved)
    with database.session_scope() as session:
        kenosha = session.scalars(select(Region).where(Region.name == "Kenosha County")).one()
        assert [r.name for r in kenosha.rosters] == ["hotels", "kenosha advocates"]
        assert kenosha.agencies == []
        sheriff = session.scalars(select(Agency).where(Agency.kind == "sheriff")).one()
        assert sheriff.region is None


def test_region_changes_are_audited(database: Database) -> None:
    with database.session_scope() as session:
        apply_roster_file(
            session, load_roster_file(DEMO), Auditor("cli:test", datetime(2026, 3, 10, tzinfo=UTC))
        )
    with database.session_scope() as session:
        regions = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "region").order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in regions] == ["create", "create"]


BAD = {
    "unknown region in a step": (
        'mutual-aid:Racine County"',
        'mutual-aid:Walworth County"',
        "unknown region",
    ),
    "unknown agency": ('agencies = ["Racine Police Department"]', 'agencies = ["Nope"]', "Nope"),
    "unknown roster": ('rosters = ["advocates"]', 'rosters = ["advocate"]', "unknown roster"),
    "a name twice": ('rosters = ["advocates"]', 'rosters = ["advocates", "advocates"]', "twice"),
    "an agency in two regions": (
        'agencies = ["Racine Police Department"]',
        'agencies = ["Racine Police Department", "Kenosha County Sheriff\'s Office"]',
        "already in region 'Kenosha County'",
    ),
    "a bare mutual-aid": ('mutual-aid:Racine County"', 'mutual-aid"', "mutual-aid:REGION"),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_a_bad_region_is_named_and_changes_nothing(
    database: Database, case: tuple[str, str, str]
) -> None:
    old, new, expected = case
    assert old in DEMO
    with pytest.raises(RosterFileError) as caught:
        apply_text(database, DEMO.replace(old, new, 1))
    assert expected in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    with database.session_scope() as session:
        assert session.scalars(select(Region)).all() == []


def test_regions_may_name_what_is_already_stored(database: Database) -> None:
    apply_text(database, COALITION)
    with database.session_scope() as session:
        agency = session.scalars(select(Agency)).first()
        roster = session.scalars(select(Roster)).first()
        assert agency is not None and roster is not None
        names = agency.name, roster.name
    text = f'[[regions]]\nname = "Here"\nagencies = ["{names[0]}"]\nrosters = ["{names[1]}"]\n'
    summary = apply_text(database, text)
    assert summary.created("regions") == 1
    assert "regions: 1 created" in str(summary)
