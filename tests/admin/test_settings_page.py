"""The admin-only settings page: effective settings without secrets, the webhook URLs."""

from __future__ import annotations

from flask import Flask

from tests.support.admin import Visitor


def test_admins_see_settings_and_the_urls_to_paste_but_no_secret(
    admin: Visitor, app: Flask
) -> None:
    page = admin.text("/admin/settings")
    settings = app.extensions["dispatcher"].settings
    assert (
        "https://dispatch.test/sms/inbound" in page
        and "https://dispatch.test/voice/inbound" in page
    )
    assert settings.hotline_number in page
    assert settings.secret_key not in page and settings.twilio_auth_token not in page
    assert "The engine has not ticked yet." in page


def test_only_admins_may_open_settings(
    coordinator: Visitor, viewer: Visitor, visitor: Visitor
) -> None:
    assert coordinator.get("/admin/settings").status_code == 403
    assert viewer.get("/admin/settings").status_code == 403
    assert visitor.get("/admin/settings").status_code == 302
