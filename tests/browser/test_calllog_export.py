"""The call log in a real browser: sign in, filter the month, export the CSV; read the charts.

The clock stands at Tue 10 Mar 2026 12:00 UTC (07:00 in Chicago), so March is this month.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from dispatcher.admin.calllog_export import CSV_COLUMNS
from dispatcher.audit import AuditEntry
from tests.admin.calllog_rows import MARCH, Seeded, alike, seed_call_log, utc
from tests.support.admin import Store
from tests.support.browser import ADMIN_EMAIL, ADMIN_PASSWORD, REQUIRE_BROWSER, Server

pytestmark = pytest.mark.browser
try:
    from playwright.sync_api import Page, expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip("browser tests skipped: playwright is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def seeded(server: Server) -> Seeded:
    """Closed requests from January to April, and five alike in March, in the served app."""
    store = Store(server.database)
    found = seed_call_log(store)
    with store.scope() as session:
        session.add_all(alike("RA", 5, utc(2026, 3, 3, 15), found.racine))
    return found


@pytest.fixture
def page(browser: object, server: Server, seeded: Seeded) -> Iterator[tuple[Page, list[str]]]:
    """A signed-in admin's page and the console errors it logs."""
    context = browser.new_context(base_url=server.url, accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.goto("/admin/login")
    opened.get_by_label("Email").fill(ADMIN_EMAIL)
    opened.get_by_label("Password").fill(ADMIN_PASSWORD)
    opened.get_by_role("button", name="Sign in").click()
    expect(opened.get_by_role("navigation", name="Main")).to_be_visible()
    yield opened, errors
    context.close()


def test_export_the_filtered_call_log_as_csv(
    page: tuple[Page, list[str]], server: Server, seeded: Seeded, tmp_path: Path
) -> None:
    tab, errors = page
    tab.get_by_role("navigation", name="Main").get_by_role("link", name="Call log").click()
    expect(tab.get_by_role("heading", name="Call log", level=1)).to_be_visible()
    table = tab.get_by_role("table")
    for code in MARCH:
        expect(table.get_by_role("cell", name=code, exact=True)).to_be_visible()

    tab.get_by_label("Agency").select_option(label="Racine PD")
    tab.get_by_label("Outcome").select_option(label="Accepted")
    tab.get_by_role("button", name="Show").click()
    expect(table.get_by_role("cell", name="M1AN", exact=True)).to_be_visible()
    expect(table.get_by_role("cell", name="M4NA", exact=True)).to_have_count(0)

    with tab.expect_download() as download:
        tab.get_by_role("link", name="Export as CSV").click()
    assert download.value.suggested_filename == "call-log-2026-03.csv"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(CSV_COLUMNS)
    # The five alike only: M1AN (a room, juvenile, Spanish) stands out, so it is withheld.
    alike_row = ["2026-03", "Racine PD", "advocate:accepted", "", "accepted"]
    assert rows[1:] == [[*alike_row, "under 5 min", "5-15 min", "over 60 min", "0"]] * 5
    assert "M1AN" not in saved.read_text(encoding="utf-8")

    with server.database.session_scope() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "call_log")).one()
        assert (audit.actor, audit.action) == (ADMIN_EMAIL, "export")
        assert audit.new["agency"] == str(seeded.racine) and audit.new["outcome"] == "accepted"
        assert (audit.new["rows"], audit.new["withheld"]) == (5, 1)
    assert errors == []


def test_the_statistics_charts_are_styled_without_breaking_the_page_policy(
    page: tuple[Page, list[str]],
) -> None:
    tab, errors = page
    tab.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    expect(tab.get_by_role("heading", name="Statistics", level=1)).to_be_visible()
    charts = tab.locator("svg.stats-chart")
    expect(charts).to_have_count(3)  # needs, services, the trend; no rosters in this database
    filled = charts.first.locator(".color-0 rect").first
    assert filled.evaluate("e => getComputedStyle(e).fill") == "rgb(27, 94, 32)"
    expect(tab.get_by_role("row", name="Requests 10")).to_be_visible()  # exact for an admin
    assert errors == []  # a refused inline style or script would be logged here
