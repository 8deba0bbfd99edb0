"""The partners, a partner, the ledger and a region's page in a real browser: axe-core finds
nothing to fix, and a confirmation comes before a partner is deleted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from dispatcher.rosters.models import Partner, PartnerMonth, Region
from dispatcher.settings import CONFIG_DIR
from tests.night import load_coalition
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
def demo(server: Server) -> dict[str, int]:
    """The demo coalition with a used-up month for Harborview Inn; ids by name."""
    load_coalition(server.database, (CONFIG_DIR / "demo.toml").read_text())
    with server.database.session_scope() as session:
        inn = session.scalars(select(Partner).where(Partner.name == "Harborview Inn")).one()
        session.add(
            PartnerMonth(partner_id=inn.id, month=date(2026, 3, 1), pledged=4, used=4,
                         accepted=3, declined=1, unanswered=0, alerted=100)
        )  # fmt: skip
        region = session.scalars(select(Region).where(Region.name == "Kenosha County")).one()
        return {"partner": inn.id, "region": region.id}


@pytest.fixture
def page(browser: Any, server: Server, demo: dict[str, int]) -> Iterator[Any]:
    """A signed-in page; script errors fail the test."""
    with signed_in_page(browser, server) as opened:
        yield opened


def test_the_partner_pages_and_the_ledger_pass_axe(page: Any, demo: dict[str, int]) -> None:
    for url, heading in (
        ("/admin/partners", "Partners"),
        (f"/admin/partners/{demo['partner']}", "Harborview Inn"),
        ("/admin/ledger?year=2026", "Ledger 2026"),
        (f"/admin/regions/{demo['region']}", "Kenosha County"),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert axe_violations(page) == [], url


def test_deleting_a_partner_asks_first_and_the_question_passes_axe(
    page: Any, demo: dict[str, int]
) -> None:
    page.goto(f"/admin/partners/{demo['partner']}")
    page.get_by_role("button", name="Delete Harborview Inn…").click()
    expect(page.get_by_role("heading", name="Delete Harborview Inn?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Harborview Inn", level=1)).to_be_visible()
