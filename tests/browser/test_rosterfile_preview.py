"""Uploading a roster file in a real browser: the change list first, then confirm or undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatcher.settings import CONFIG_DIR
from tests.support.browser import REQUIRE_BROWSER, Server, sign_in

pytestmark = pytest.mark.browser
try:
    from playwright.sync_api import Page, expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip("browser tests skipped: playwright is not installed", allow_module_level=True)

MARIA = '[[people]]\nname = "Maria Gonzalez"\nphone = "262-555-0177"\n'


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, accept_downloads=True)
    opened = context.new_page()
    sign_in(opened)
    yield opened
    context.close()


def upload(page: Page, path: Path) -> None:
    """Choose ``path`` on the Roster file page and ask for its changes."""
    page.goto("/admin/roster-file")
    page.get_by_label("Roster file (TOML)").set_input_files(str(path))
    page.get_by_role("button", name="Check and show the changes").click()


def test_an_upload_is_previewed_confirmed_flagged_when_stale_and_undone(
    page: Page, tmp_path: Path
) -> None:
    upload(page, CONFIG_DIR / "demo.toml")
    expect(page.get_by_role("heading", name="Apply demo.toml?", level=1)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="adds person Eli Hart")).to_be_visible()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Applied demo.toml: people:")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the current roster file").click()
    old = tmp_path / "old.toml"
    download.value.save_as(old)
    assert old.read_text().splitlines()[1].startswith("version = ")

    maria = tmp_path / "maria.toml"
    maria.write_text(MARIA)
    upload(page, maria)
    expect(
        page.get_by_role("listitem").filter(has_text="adds person Maria Gonzalez")
    ).to_be_visible()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Applied maria.toml")).to_be_visible()

    upload(page, old)
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("This file is older than the roster data")
    expect(warning).to_contain_text("created person Maria Gonzalez")
    expect(page.get_by_role("button", name="Apply it anyway")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("button", name="Undo the upload of maria.toml").click()
    expect(page.get_by_text("Undid the upload of maria.toml")).to_be_visible()
    page.goto("/admin/people")
    expect(page.get_by_text("Maria Gonzalez")).to_have_count(0)
