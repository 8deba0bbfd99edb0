"""axe-core on the admin pages the other browser tests do not check: the roster file's
preview, the confirmations (a rotation change from now, removing a participant), a step
edited in place, regions, a person's trainings and the API tokens.

The demo coalition is loaded through the roster file page itself. The clock stands at
Tue 10 Mar 2026 12:00 UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dispatcher.rosters.models import EscalationStep, Person, Region, Roster, Rotation
from dispatcher.settings import CONFIG_DIR
from tests.support.axe import axe_violations
from tests.support.browser import REQUIRE_BROWSER, Server, sign_in

pytestmark = pytest.mark.browser
try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip("browser tests skipped: playwright is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def page(browser: Any, server: Server) -> Iterator[Any]:
    """A signed-in admin's page, kept for the module (the tests run in order)."""
    context = browser.new_context(base_url=server.url)
    opened = context.new_page()
    sign_in(opened)
    yield opened
    context.close()


def ids(server: Server, model: Any, **where: Any) -> int:
    """The id of the one row of ``model`` matching ``where``."""
    with server.database.session_scope() as session:
        row_id: int = session.query(model).filter_by(**where).first().id
        return row_id


def test_the_roster_file_preview_passes_axe(page: Any) -> None:
    page.goto("/admin/roster-file")
    page.get_by_label("Roster file (TOML)").set_input_files(str(CONFIG_DIR / "demo.toml"))
    page.get_by_role("button", name="Check and show the changes").click()
    expect(page.get_by_role("heading", name="Apply demo.toml?", level=1)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Applied demo.toml")).to_be_visible()


def test_the_rotation_confirmations_pass_axe(page: Any, server: Server) -> None:
    rotation = ids(server, Rotation, name="nights")
    page.goto(f"/admin/rotations/{rotation}?when=now")
    page.get_by_role("button", name="Remove").first.click()
    expect(page.get_by_role("heading", name="Apply this change from now?")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"/admin/rotations/{rotation}")
    page.get_by_role("button", name="Remove").first.click()
    expect(page.get_by_role("heading", name="from rotation nights?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Rotation nights", level=1)).to_be_visible()


def test_a_step_edited_in_place_and_its_confirmation_pass_axe(page: Any, server: Server) -> None:
    roster = ids(server, Roster, name="advocates")
    with server.database.session_scope() as session:
        step = session.query(EscalationStep).filter_by(roster_id=roster, position=0).one().id
    page.goto(f"/admin/rosters/{roster}")
    page.get_by_role("link", name="Edit step 1").click()
    form = page.get_by_role("form", name="Edit step 1")
    form.get_by_label("Then wait").fill("nonsense")
    form.get_by_role("button", name="Save step 1").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a duration")
    assert axe_violations(page) == []
    page.get_by_role("form", name="Edit step 1").get_by_label("Then wait").fill("7m")
    page.get_by_role("button", name="Save step 1").click()
    notice = page.locator("#policy-notices")
    expect(notice).to_contain_text("Saved step 1.")
    assert axe_violations(page) == []
    with server.database.session_scope() as session:
        assert session.get(EscalationStep, step).wait_seconds == 420


def test_the_regions_pass_axe(page: Any, server: Server) -> None:
    page.goto("/admin/regions")
    expect(page.get_by_role("heading", name="Regions", level=1)).to_be_visible()
    assert axe_violations(page) == []
    with server.database.session_scope() as session:
        region = session.query(Region).order_by(Region.name).first()
        name, region_id = region.name, region.id
    page.goto(f"/admin/regions/{region_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    assert axe_violations(page) == []


def test_a_persons_trainings_pass_axe(page: Any, server: Server) -> None:
    person = ids(server, Person, name="Ana Ruiz")
    page.goto(f"/admin/people/{person}")
    section = page.locator("section", has=page.get_by_role("heading", name="Trainings"))
    section.get_by_label("Training", exact=True).fill("advocate-40h")
    section.get_by_label("Completed").fill("2025-04-01")
    section.get_by_label("Expires").fill("2026-04-01")
    section.get_by_role("button", name="Save training").click()
    expect(page.get_by_role("cell", name="advocate-40h", exact=True)).to_be_visible()
    assert axe_violations(page) == []


def test_the_api_tokens_pass_axe(page: Any) -> None:
    page.goto("/admin/api-tokens")
    page.get_by_label("Integration").fill("County CAD")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("heading", name="New token for County CAD")).to_be_visible()
    assert axe_violations(page) == []
