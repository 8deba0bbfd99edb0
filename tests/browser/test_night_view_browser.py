"""The Now board at night on a phone, in a real browser: on call first with tap-to-call,
focus kept across refreshes, new requests announced, a visible focus ring, no sideways
scrolling at 390 x 844, and axe-core finds nothing to fix.

The clock stands at Tue 10 Mar 2026 12:00 UTC (07:00 in Chicago): Ana is on call.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from dispatcher.admin.views import now as views_now
from dispatcher.flows.models import Request
from dispatcher.rosters.models import Roster
from tests.support.axe import axe_violations
from tests.support.browser import (
    REQUIRE_BROWSER,
    Server,
    signed_in_page,
)
from tests.support.rosters import daily_roster, new_person

pytestmark = pytest.mark.browser
try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip("browser tests skipped: playwright is not installed", allow_module_level=True)

# The outline colour and the colour behind it, walking up to the first opaque background.
RING = """(element) => {
  const style = getComputedStyle(element);
  let node = element.parentElement, behind = "rgb(255, 255, 255)";
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== "transparent" && !bg.startsWith("rgba(0, 0, 0, 0)")) { behind = bg; break; }
    node = node.parentElement;
  }
  return [style.outlineStyle, style.outlineWidth, style.outlineColor, behind];
}"""


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``rgb(r, g, b)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(scope="module")
def on_call(server: Server) -> None:
    """Ana on call on a daily advocates roster (Ben after the 08:00 handoff)."""
    with server.database.session_scope() as session:
        ana = new_person("Ana Night", "+12625550181")
        ben = new_person("Ben Night", "+12625550182")
        daily_roster(session, ana, ben, name="Night advocates")


@pytest.fixture
def page(browser: Any, server: Server, on_call: None) -> Iterator[Any]:
    """A signed-in page on the Now board; script errors fail the test."""
    with signed_in_page(browser, server) as opened:
        yield opened


def test_a_refresh_keeps_focus_and_announces_the_new_request(
    page: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_now, "REFRESH_SECONDS", 1)
    page.reload()
    call = page.get_by_role("link", name="Call Ana Night")
    expect(call).to_have_attribute("href", "tel:+12625550181")
    expect(page.get_by_role("link", name="Text Ana Night")).to_have_attribute(
        "href", "sms:+12625550181"
    )
    call.focus()
    opened = server.clock.now() - timedelta(minutes=2)
    with server.database.session_scope() as session:
        session.add(Request(code="N8HT", opened_at=opened, last_activity_at=opened, tags=[]))
    expect(page.get_by_role("heading", name="N8HT")).to_be_visible(timeout=5000)
    expect(page.locator("#board-news")).to_have_text("New request N8HT from unknown agency.")
    expect(page.get_by_role("link", name="Call Ana Night")).to_be_focused()


def test_the_focus_ring_meets_three_to_one_on_the_page_and_the_top_bar(page: Any) -> None:
    for link in (
        page.get_by_role("link", name="Call Ana Night"),
        page.get_by_role("navigation", name="Main").get_by_role("link").first,
    ):
        page.keyboard.press("Tab")  # focus-visible applies after keyboard use
        link.focus()
        style, width, colour, behind = link.evaluate(RING)
        assert style == "solid" and float(width.rstrip("px")) >= 2
        assert contrast(colour, behind) >= 3, (colour, behind)


def test_the_night_view_fits_a_phone_and_passes_axe(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings.index("On call now") < next(
        i for i, h in enumerate(headings) if h.startswith("Open requests")
    )
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert axe_violations(page) == []


def test_the_roster_calendar_fits_a_phone_and_passes_axe(page: Any, server: Server) -> None:
    with server.database.session_scope() as session:
        roster_id = session.query(Roster).filter_by(name="Night advocates").one().id
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/admin/rosters/{roster_id}?on=2026-03-12")
    expect(page.get_by_role("heading", name="Who is on call on Thu 12 Mar 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="March 2026")).to_be_visible()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert axe_violations(page) == []


def test_the_statistics_with_their_trend_pass_axe(page: Any) -> None:
    page.goto("/admin/statistics")
    expect(page.get_by_role("heading", name="The last 12 months")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/admin/drills", "Drills"),
        ("/admin/drills/report", "Drill report"),
        ("/admin/reports/coalition?by=quarter&month=2026-03", "Coalition report, Q1 2026"),
    ],
)
def test_the_drill_and_coalition_pages_fit_a_phone_and_pass_axe(
    page: Any, url: str, heading: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert axe_violations(page) == []


def test_a_drill_started_from_its_page_is_listed_and_passes_axe(page: Any) -> None:
    page.goto("/admin/drills")
    page.get_by_label("Roster").select_option(label="Night advocates (advocate)")
    page.get_by_label("At a random time within").fill("2h")
    page.get_by_role("button", name="Start a drill…").click()
    expect(page.get_by_role("heading", name="Start a drill of Night advocates?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start the drill").click()
    expect(page.get_by_role("cell", name="scheduled")).to_be_visible()
    assert axe_violations(page) == []


def test_the_needs_page_and_its_form_errors_pass_axe(page: Any) -> None:
    page.goto("/admin/needs")
    expect(page.get_by_role("heading", name="Needs", level=1)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add need").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []
