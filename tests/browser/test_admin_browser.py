"""A coordinator's evening in a real browser: add a person, put them on call, swap a shift.

The clock stands at Tue 10 Mar 2026 12:00 UTC (07:00 in Chicago) for the whole module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from dispatcher.admin.views import now as views_now
from dispatcher.flows.models import Request
from dispatcher.rosters.models import Person
from tests.support.browser import ADMIN_EMAIL, ADMIN_PASSWORD, REQUIRE_BROWSER, Server

pytestmark = pytest.mark.browser
try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip("browser tests skipped: playwright is not installed", allow_module_level=True)


class Tab:
    """A page in a fresh browser context, with the console errors it logged."""

    def __init__(self, browser: object, server: Server, javascript: bool = True) -> None:
        self.context = browser.new_context(base_url=server.url, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def sign_in(self) -> None:
        """Sign in as the admin; the first page is the Now board."""
        page = self.page
        page.goto("/admin/login")
        page.get_by_label("Email").fill(ADMIN_EMAIL)
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Now", level=1)).to_be_visible()

    def open(self, menu_entry: str) -> None:
        """Follow a link of the main menu."""
        menu = self.page.get_by_role("navigation", name="Main")
        menu.get_by_role("link", name=menu_entry, exact=True).click()

    def form(self, button: str) -> object:
        """The form whose submit button says ``button``."""
        return self.page.locator("form", has=self.page.get_by_role("button", name=button))


@pytest.fixture
def tab(browser: object, server: Server) -> Iterator[Tab]:
    opened = Tab(browser, server)
    yield opened
    opened.context.close()


def test_a_new_person_goes_on_call_and_a_swap_shows_on_the_timeline(
    tab: Tab, server: Server
) -> None:
    with server.database.session_scope() as session:
        session.add(Person(name="Eli Moss", phone="+12625550198", languages=[], skills=[]))
    page = tab.page
    tab.sign_in()

    tab.open("People")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Name", exact=True).fill("Dana Reyes")
    page.get_by_label("Mobile number").fill("262 555 0199")
    languages = page.get_by_role("group", name="Languages spoken")
    languages.get_by_label("English").check()
    languages.get_by_label("Spanish").check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("cell", name="(262) 555-0199")).to_be_visible()

    tab.open("Rosters")
    created = tab.form("Create roster")
    created.get_by_label("Name", exact=True).fill("Advocates")
    created.get_by_label("Kind").select_option("advocate")
    expect(created.get_by_label("Time zone")).to_have_value("America/Chicago")
    created.get_by_role("button", name="Create roster").click()
    expect(page.get_by_role("heading", name="Advocates", level=1)).to_be_visible()

    rotation = tab.form("Add rotation")
    rotation.get_by_label("Name", exact=True).fill("days")
    rotation.get_by_label("Hands off").select_option("daily")
    rotation.get_by_label("Every").fill("1")
    rotation.get_by_label("First handoff").fill("2026-03-09T08:00")
    rotation.get_by_role("button", name="Add rotation").click()
    expect(page.get_by_role("heading", name="Rotation days")).to_be_visible()

    for name in ("Eli Moss", "Dana Reyes"):
        adding = tab.form("Add to the rotation")
        adding.get_by_label("Person").select_option(label=name)
        adding.get_by_role("button", name="Add to the rotation").click()
        expect(page.get_by_text(f"Added {name} to the rotation.")).to_be_visible()
    on_now = tab.form("Set on now")
    on_now.get_by_label("Person").select_option(label="Dana Reyes")
    on_now.get_by_role("button", name="Set on now").click()
    expect(page.get_by_text("Dana Reyes is on now for days.")).to_be_visible()

    tab.open("Now")
    card = page.locator("article", has=page.get_by_role("heading", name="Advocates"))
    expect(card.get_by_role("link", name="Call Dana Reyes")).to_be_visible()
    expect(card).to_contain_text("Tue 10 Mar 2026, 08:00 CDT: Eli Moss")

    card.get_by_role("link", name="Advocates").click()
    today = page.locator(".day").first.locator(".segments")
    expect(today).to_contain_text("07:00–08:00 Dana Reyes")
    expect(today).to_contain_text("08:00–24:00 Eli Moss")

    swap = tab.form("Add override")
    swap.get_by_label("Change").select_option("replace")
    swap.get_by_label("Person", exact=True).select_option(label="Dana Reyes")
    swap.get_by_label("Instead of (replace only)").select_option(label="Eli Moss")
    swap.get_by_label("From").fill("2026-03-10T12:00")
    swap.get_by_label("Until").fill("2026-03-10T18:00")
    swap.get_by_role("button", name="Add override").click()
    expect(page.get_by_text("Added the override.")).to_be_visible()
    today = page.locator(".day").first.locator(".segments")
    expect(today).to_contain_text("08:00–12:00 Eli Moss")
    expect(today).to_contain_text("12:00–18:00 Dana Reyes")
    expect(today).to_contain_text("18:00–24:00 Eli Moss")
    assert tab.errors == []


def test_the_board_refreshes_in_place(
    tab: Tab, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_now, "REFRESH_SECONDS", 1)
    tab.sign_in()
    page = tab.page
    page.evaluate("window.notReloaded = true")
    opened = server.clock.now() - timedelta(minutes=3)
    with server.database.session_scope() as session:
        session.add(Request(code="W4TX", opened_at=opened, last_activity_at=opened, tags=[]))
    expect(page.get_by_role("heading", name="W4TX")).to_be_visible(timeout=5000)
    assert page.evaluate("window.notReloaded") is True
    assert tab.errors == []


def test_the_pages_work_without_javascript(browser: object, server: Server) -> None:
    tab = Tab(browser, server, javascript=False)
    try:
        tab.sign_in()
        expect(tab.page.get_by_role("heading", name="On call")).to_be_visible()
        tab.open("People")
        expect(tab.page.get_by_role("heading", name="People", level=1)).to_be_visible()
        # Signed in and moved through the menu by plain links and forms, no script run.
        assert tab.page.url == f"{server.url}/admin/people"
        assert tab.errors == []
    finally:
        tab.context.close()


def test_every_form_error_is_summarised_at_the_top_and_takes_the_focus(
    tab: Tab, server: Server
) -> None:
    with server.database.session_scope() as session:
        session.add(Person(name="Fay Holt", phone="+12625550197", languages=[], skills=[]))
    page = tab.page
    tab.sign_in()
    page.goto("/admin/people/new")
    page.get_by_label("Name", exact=True).fill("Fay Holt")
    page.get_by_label("Mobile number").fill("+1 262 555 0197")
    page.get_by_role("button", name="Add person").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Name: Another person has this name.",
            "Mobile number: Fay Holt (person) already has this number.",
        ]
    )
    summary.get_by_role(
        "link", name="Mobile number: Fay Holt (person) already has this number."
    ).click()
    expect(page.get_by_label("Mobile number")).to_be_focused()
    expect(page.get_by_text("For example (262) 555-0101")).to_be_visible()
    assert tab.errors == []
