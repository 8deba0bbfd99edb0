"""How many SQL statements the heavier admin pages cost: a regression guard, not a timing.

Each page renders the demo coalition (four rosters, four partners, regions) with a few
days of shift history, signed in as an admin. The figures below are what the code
reaches; a change that needs more statements should say why here, and one that needs
fewer should lower them. Every page begins with the signed-in account's row; transaction
control is not counted. The pages that show every roster must cost the same whatever
the number of rosters (the last test).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.rosters import changes
from dispatcher.rosters.history import record_due
from dispatcher.rosters.models import Partner, Roster, Rotation
from dispatcher.settings import CONFIG_DIR
from dispatcher.web import runtime_of
from tests.night import load_coalition
from tests.sms.test_statement_counts import counted
from tests.support.admin import Visitor

# The Now page: the account; its gaps (the rosters, their rotations and overrides in four
# queries, the people on call on any of them); the board.
NOW_PAGE = 16
# The board alone: the account, the rosters, their specs (four), the names and phones of
# those on call and handing over, the open requests with their needs and pages, their
# agencies and rosters, the running check-ins.
NOW_BOARD = 10
# A roster with everything its page shows: the roster and its steps, rotations,
# overrides, participants, windows and people (loaded together); its specs once (four);
# the timeline's ledger, history rows and people; who is on call; the calendar's people;
# its calendar feed; the pickers' people and regions.
ROSTER_PAGE = 20
# A rotation: the account, the rotation, its roster loaded as the roster page loads it,
# its specs (four), the roster kinds people rotate on, the people to offer (two columns).
ROTATION_PAGE = 15
# Statistics for a quarter: the account; the call log's counts (four GROUP BYs); every
# roster's shift history (the rosters, ledgers, four spec queries, the recorded rows); the
# texts from unknown numbers; the oldest open request and the trend's unsettled months.
STATISTICS_QUARTER = 15
# The roster file: the account, people with trainings, rosters with everything, agencies
# with officers, regions with agencies and rosters, partners with their contacts (one
# query, not one a partner), the data version and the audit entry of the export.
ROSTER_FILE = 18
# Partners: the account, the list with this month's ledger and contacts, and the add
# form's pickers (active people, the partners they answer for, the configured needs).
PARTNERS = 10
PARTNER = 5


@pytest.fixture
def demo(app: Flask, database: Database, clock: ManualClock) -> Flask:
    """The app on the demo coalition, with two days of shift history written."""
    load_coalition(database, (CONFIG_DIR / "demo.toml").read_text())
    with database.session_scope() as session:
        record_due(session, clock.now())
    clock.advance(timedelta(days=2))
    with database.session_scope() as session:
        record_due(session, clock.now())
    return app


def statements(app: Flask, admin: Visitor, url: str) -> int:
    """The statements one render of ``url`` costs."""
    admin.get(url)  # first use: settled months, catalogues, compiled templates
    with counted(runtime_of(app).database) as seen:
        response = admin.get(url)
    assert response.status_code == 200, url
    return len(seen)


def quarter(now: datetime) -> str:
    """The statistics page for the quarter of ``now``."""
    return f"/admin/statistics?by=quarter&month={now:%Y-%m}"


def test_the_heavier_admin_pages_cost_a_fixed_number_of_statements(
    demo: Flask, database: Database, admin: Visitor, clock: ManualClock
) -> None:
    with database.session_scope() as session:
        roster = session.scalars(select(Roster.id).order_by(Roster.name)).first()
        rotation = session.scalars(select(Rotation.id).order_by(Rotation.id)).first()
        partner = session.scalars(select(Partner.id).order_by(Partner.name)).first()
    pages = {
        "/admin/": NOW_PAGE,
        "/admin/now/board": NOW_BOARD,
        f"/admin/rosters/{roster}": ROSTER_PAGE,
        f"/admin/rotations/{rotation}": ROTATION_PAGE,
        quarter(clock.now()): STATISTICS_QUARTER,
        "/admin/roster-file/download": ROSTER_FILE,
        "/admin/partners": PARTNERS,
        f"/admin/partners/{partner}": PARTNER,
    }
    found = {url: statements(demo, admin, url) for url in pages}
    assert found == pages


def test_pages_of_every_roster_cost_the_same_whatever_the_number_of_rosters(
    demo: Flask, database: Database, admin: Visitor, clock: ManualClock
) -> None:
    urls = ["/admin/", "/admin/now/board", quarter(clock.now()), "/admin/reports/coalition"]
    before = {url: statements(demo, admin, url) for url in urls}
    with database.session_scope() as session:
        people = [p.person for r in session.scalars(select(Rotation)) for p in r.participants]
        for n in range(3):
            roster = changes.save_roster(session, None, f"extra {n}", "advocate", "America/Denver")
            weekly = ("weeks", "weekly", 1, datetime(2026, 3, 2, 9))
            rotation = changes.save_rotation(session, roster, None, weekly)
            for person in people[n : n + 3]:
                changes.add_participant(session, rotation, person)
        record_due(session, clock.now())
    after = {url: statements(demo, admin, url) for url in urls}
    assert after == before
