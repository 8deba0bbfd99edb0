"""A drill on the simulator in a real browser: typing survives the phones' updates, the page
fits a 390 px phone, an officer's call rings an advocate who takes it on the keypad, and
axe-core finds nothing to fix (a ringing phone included).

The server runs the test coalition with the simulator backend; the engine is not started,
so the test puts pages on the phones itself (as the engine's sender would) while typing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from dispatcher.app import create_app
from dispatcher.clock import ManualClock
from dispatcher.db import upgrade_database
from dispatcher.flows.models import Need
from dispatcher.sms.simulator import SimulatorPhones, phones_of
from tests.night import ANA, BEN, OFFICER, load_coalition
from tests.support.axe import axe_violations
from tests.support.browser import REQUIRE_BROWSER, Server
from tests.support.databases import START, make_settings

pytestmark = pytest.mark.browser
try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip("browser tests skipped: playwright is not installed", allow_module_level=True)

TYPED = "On my way to the Racine PD lobby, there in twenty minutes; Spanish speaker ok."
ANA_CARD = "#phone-" + ANA.lstrip("+")
OFFICER_CARD = "#phone-" + OFFICER.lstrip("+")


@pytest.fixture(scope="module")
def drill_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app with the test coalition, served on loopback (the simulator is open there)."""
    folder = tmp_path_factory.mktemp("simulator")
    url = f"sqlite:///{folder / 'dispatcher.db'}"
    upgrade_database(url)
    settings = make_settings(folder, url, public_base_url="http://127.0.0.1")
    clock = ManualClock(START)
    app = create_app(settings, clock=clock)
    load_coalition(app.extensions["dispatcher"].database)
    running = Server(app, clock)
    yield running
    running.stop()


@pytest.fixture
def phones(drill_server: Server) -> Iterator[SimulatorPhones]:
    """The server's in-app phones, cleared after each test."""
    found = phones_of(drill_server.app.extensions["dispatcher"])
    yield found
    found.reset()


@pytest.fixture
def page(browser: Any, drill_server: Server) -> Iterator[Any]:
    """A fresh browser page on the server, failing the test on any script error."""
    context = browser.new_context(base_url=drill_server.url)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert errors == []


class Pager:
    """Puts a page on two phones every ``every`` seconds until stopped, as the engine would."""

    def __init__(self, phones: SimulatorPhones, every: float = 0.7) -> None:
        self.phones, self.every, self.sent = phones, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        """Deliver until stopped."""
        while not self._stop.wait(self.every):
            self.sent += 1
            self.phones.deliver(ANA, f"Page {self.sent} for Ana. Reply 1 to accept.")
            self.phones.deliver(BEN, f"Page {self.sent} for Ben.")

    def __enter__(self) -> Pager:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_typing_slowly_for_twelve_seconds_while_the_phones_update_loses_nothing(
    page: Any, phones: SimulatorPhones
) -> None:
    page.goto("/simulator")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Sender", exact=True).select_option(BEN)
    box = page.locator(ANA_CARD).get_by_role("textbox")
    box.click()
    with Pager(phones) as pager:
        page.keyboard.type(TYPED, delay=12_000 / len(TYPED))  # about 12 s of typing
        expect(page.locator(ANA_CARD)).to_contain_text(f"Page {pager.sent - 1} for Ana")
    assert pager.sent >= 10
    expect(box).to_have_value(TYPED)
    expect(box).to_be_focused()
    expect(page.get_by_label("Sender", exact=True)).to_have_value(BEN)
    assert page.evaluate("window.notReloaded") is True

    page.locator(ANA_CARD).get_by_role("button", name="Send").click()
    expect(box).to_have_value("")
    expect(page.locator(ANA_CARD).locator("li.msg.out")).to_contain_text(TYPED)
    expect(page.get_by_role("status")).to_contain_text("Sent.")
    assert page.evaluate("window.notReloaded") is True
    texts = page.locator(ANA_CARD).locator("li.msg").all_inner_texts()
    mine = [i for i, text in enumerate(texts) if TYPED in text]
    assert "Page 1 for Ana" in texts[0] and mine == [len(texts) - 2]  # oldest first, then the
    assert "Reply 1 CODE to accept" in texts[-1]  # hotline's answer to words it cannot place


def test_the_page_fits_a_390_pixel_phone_without_sideways_scrolling(
    page: Any, phones: SimulatorPhones
) -> None:
    phones.deliver(ANA, "K7Q4 " + "x" * 200)  # one long unbroken word
    phones.record_carrier(OFFICER, "Reply STOP to unsubscribe. Msg&Data Rates May Apply.")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/simulator")
    expect(page.locator(ANA_CARD)).to_contain_text("K7Q4")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


def test_axe_core_finds_no_violations_on_the_simulator(page: Any, phones: SimulatorPhones) -> None:
    phones.record_incoming(OFFICER, "need an advocate")
    phones.record_reply(OFFICER, "Got it. Ref K7Q4.")
    phones.record_carrier(OFFICER, "Reply STOP to unsubscribe. Msg&Data Rates May Apply.")
    phones.deliver(ANA, "Racine Police Department needs an advocate. Ref K7Q4.")
    for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        page.goto("/simulator")
        expect(page.locator(ANA_CARD)).to_contain_text("Ref K7Q4")
        assert axe_violations(page) == []


def test_an_officer_calls_an_advocate_rings_presses_1_and_the_request_is_accepted(
    page: Any, phones: SimulatorPhones, drill_server: Server
) -> None:
    page.goto("/simulator")
    officer, ana = page.locator(OFFICER_CARD), page.locator(ANA_CARD)
    officer.get_by_role("button", name="Call the hotline").click()
    expect(officer.locator(".heard")).to_contain_text("Connecting you to an advocate")
    officer.get_by_role("button", name="No key").click()
    expect(ana.locator(".call-state")).to_contain_text("Ringing")
    expect(officer.locator(".call-state")).to_contain_text("hearing it ring")
    assert axe_violations(page) == []  # with a phone ringing
    ana.get_by_role("button", name="Answer").click()
    expect(ana.locator(".heard")).to_contain_text("Press 1 to take this call")
    keypad = ana.get_by_role("group", name="Keypad of Ana Ruiz")
    keypad.get_by_role("button", name="1", exact=True).click()
    expect(ana.locator(".call-state")).to_contain_text("put through")
    expect(officer.locator(".call-state")).to_contain_text("put through")
    with drill_server.database.session_scope() as session:
        need = session.scalars(sa.select(Need).order_by(Need.id.desc())).first()
        assert need is not None and need.state == "accepted"
    ana.get_by_role("button", name="Hang up").click()
    expect(officer.locator(".call-state")).to_contain_text("Call ended")
    expect(officer.get_by_role("button", name="Call the hotline")).to_be_visible()
