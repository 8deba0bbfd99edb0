"""Open shifts in a real browser: the coordinator's publish form with its error summary,
the fill page, and a member's own page on a phone, where a slot is taken with one tap; axe-core
finds nothing to fix on any of them.

The clock stands at Tue 10 Mar 2026 12:00 UTC (07:00 in Chicago).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from dispatcher.flows import signups
from dispatcher.flows.models import Signup
from dispatcher.rosters.models import Person, Roster, Rotation, RotationParticipant
from tests.support.axe import axe_violations
from tests.support.browser import (
    REQUIRE_BROWSER,
    Server,
    signed_in_page,
)

pytestmark = pytest.mark.browser
try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip("browser tests skipped: playwright is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def roster_id(server: Server) -> int:
    """A nightly volunteers roster with two members."""
    with server.database.session_scope() as session:
        ana = Person(name="Ana Open", phone="+12625550191", languages=[], skills=[])
        ben = Person(name="Ben Open", phone="+12625550192", languages=[], skills=[])
        roster = Roster(name="Volunteers", kind="advocate", timezone="America/Chicago")
        rotation = Rotation(name="nights", type="daily", length=1, start=datetime(2026, 3, 9, 20))
        rotation.participants = [
            RotationParticipant(person=ana, position=0),
            RotationParticipant(person=ben, position=1),
        ]
        roster.rotations.append(rotation)
        session.add_all([ana, ben, roster])
        session.flush()
        return roster.id


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    """A signed-in page; script errors fail the test."""
    with signed_in_page(browser, server) as opened:
        yield opened


def test_publishing_from_the_form_and_the_pages_pass_axe(
    page: Any, server: Server, roster_id: int
) -> None:
    page.goto(f"/admin/rosters/{roster_id}/open-shifts")
    expect(page.get_by_role("heading", name="Open shifts: Volunteers")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Month", exact=True).fill("2026-13")
    page.get_by_label("Sign up by", exact=True).fill("2026-03-20T17:00")
    page.get_by_role("button", name="Publish and text the members").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Month", exact=True).fill("2026-04")
    page.get_by_role("button", name="Publish and text the members").click()
    expect(page.get_by_text("0 of 30 slots taken")).to_be_visible()
    assert axe_violations(page) == []
    with server.database.session_scope() as session:
        signup = session.scalars(select(Signup)).one()
        ben = session.scalars(select(Person).where(Person.name == "Ben Open")).one()
        token = signups.token(signup.id, ben.id, signup.deadline, server.app.config["SECRET_KEY"])
    member = page.context.browser.new_context(base_url=server.url)
    phone = member.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"/shifts/{token}")
    expect(phone.get_by_role("heading", name="Open shifts: Volunteers, April 2026")).to_be_visible()
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Take shift 3", exact=True).click()
    expect(phone.get_by_role("status")).to_have_text("Shift 3 is yours. Thank you.")
    widths = phone.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert axe_violations(phone) == []
    member.close()
