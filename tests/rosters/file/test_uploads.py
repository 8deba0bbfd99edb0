"""Uploads: the change list first, a warning for a stale file, and an undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.errors import Conflict, NotFound
from dispatcher.flows.engine import KEEP_RECEIPTS, purge
from dispatcher.rosters import changes
from dispatcher.rosters.file import export_roster_file, load_roster_file
from dispatcher.rosters.file.describe import Change, describe
from dispatcher.rosters.file.uploads import (
    apply_upload,
    last_upload,
    preview_upload,
    undo_last_upload,
)
from dispatcher.rosters.models import Override, Person, Roster
from tests.support.coalition import COALITION

AUDITOR = Auditor("coord@coalition.test", datetime(2026, 3, 10, 12, tzinfo=UTC))
MARIA = '[[people]]\nname = "Maria Gonzalez"\nphone = "262-555-0133"\n'


@pytest.mark.parametrize(
    ("change", "lines"),
    [
        (Change("people", 1, None, {"name": "Maria Gonzalez"}), ["adds person Maria Gonzalez"]),
        (
            Change("people", 1, {"name": "Ana", "phone": "+1"}, {"name": "Ana", "phone": "+2"}),
            ["changes person Ana: phone"],
        ),
        (
            Change(
                "rosters",
                1,
                {
                    "name": "advocates",
                    "overrides": [
                        {"action": "add", "person": "Eli Hart", "from": "2026-12-06T06:00"}
                    ],
                },
                {"name": "advocates", "overrides": []},
            ),
            ["removes 1 override from advocates: Eli Hart, Sun 06 Dec"],
        ),
        (
            Change(
                "rosters",
                1,
                {"name": "advocates", "rotations": [{"name": "nights", "length": 1}]},
                {"name": "advocates", "rotations": [{"name": "nights", "length": 2}]},
            ),
            ["changes rotation nights of advocates: length"],
        ),
        (Change("agencies", 1, {"name": "PD"}, {"name": "PD"}), []),
    ],
)
def test_changes_are_worded_for_a_coordinator(change: Change, lines: list[str]) -> None:
    assert describe(change) == lines


def coalition(session: Session) -> str:
    """The coalition applied as an upload; returns the file a coordinator downloads."""
    apply_upload(session, load_roster_file(COALITION), AUDITOR)
    return export_roster_file(session)


def test_a_preview_lists_the_changes_and_writes_nothing(session: Session) -> None:
    coalition(session)
    people = session.scalar(select(func.count()).select_from(Person))
    preview = preview_upload(session, load_roster_file(MARIA, name="new.toml"), AUDITOR)
    assert preview.lines == ["adds person Maria Gonzalez"]
    assert not preview.stale and preview.file_version == 0
    assert session.scalar(select(func.count()).select_from(Person)) == people


def test_an_older_file_warns_by_name_what_it_would_undo(session: Session) -> None:
    downloaded = coalition(session)
    roster = session.scalars(select(Roster)).one()
    eli = Person(name="Eli Hart", phone="+12625550140", languages=[], skills=[])
    session.add(eli)
    period = (datetime(2026, 12, 6, 12, tzinfo=UTC), datetime(2026, 12, 6, 20, tzinfo=UTC))
    changes.audited(
        session,
        AUDITOR,
        roster,
        lambda: changes.add_override(session, roster, "add", (eli, None), period),
    )
    preview = preview_upload(session, load_roster_file(downloaded, name="old.toml"), AUDITOR)
    assert "removes 1 override from advocates: Eli Hart, Sun 06 Dec" in preview.lines
    assert preview.stale
    assert preview.since == ["coord@coalition.test updated roster advocates (Tue 10 Mar 12:00 UTC)"]
    assert preview.lost == ["removes 1 override from advocates: Eli Hart, Sun 06 Dec"]
    assert session.scalar(select(func.count()).select_from(Override)) == 2  # still there


def test_the_current_file_is_not_stale(session: Session) -> None:
    downloaded = coalition(session)
    preview = preview_upload(session, load_roster_file(downloaded), AUDITOR)
    assert preview.lines == [] and not preview.stale


def test_the_last_upload_can_be_undone(session: Session) -> None:
    coalition(session)
    changed = COALITION.replace('"(262) 555-0101"', '"(262) 555-0112"') + MARIA
    apply_upload(session, load_roster_file(changed, name="changed.toml"), AUDITOR)
    ana = session.scalars(select(Person).where(Person.name == "Ana Ruiz")).one()
    assert ana.phone == "+12625550112"
    upload = undo_last_upload(session, AUDITOR, region="US", hotline="")
    assert upload.source == "changed.toml" and upload.before == ""
    names = set(session.scalars(select(Person.name)))
    assert "Maria Gonzalez" not in names and "Ana Ruiz" in names
    session.refresh(ana)
    assert ana.phone == "+12625550101"
    assert last_upload(session) is None
    actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-1] == "undo" and "delete" in actions


def test_an_undo_that_would_lose_a_later_change_is_refused(session: Session) -> None:
    coalition(session)
    roster = session.scalars(select(Roster)).one()
    changes.audited(session, AUDITOR, roster, lambda: changes.set_repeat(session, roster, 3))
    with pytest.raises(Conflict, match="updated roster advocates"):
        undo_last_upload(session, AUDITOR, region="US", hotline="")
    assert roster.escalation_repeat == 3


def test_nothing_to_undo(session: Session) -> None:
    with pytest.raises(NotFound):
        undo_last_upload(session, AUDITOR, region="US", hotline="")


def test_the_copy_kept_for_undo_is_purged_after_a_week(session: Session) -> None:
    coalition(session)
    purge(session, AUDITOR.now + KEEP_RECEIPTS - timedelta(seconds=1))
    assert last_upload(session) is not None
    purge(session, AUDITOR.now + KEEP_RECEIPTS)
    assert last_upload(session) is None
