"""The application as a whole: its front door."""

from __future__ import annotations

from pathlib import Path

from dispatcher.app import create_app
from tests.conftest import make_settings


def test_the_front_door_leads_to_the_simulator_or_the_admin_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'front.db'}"
    simulator = create_app(make_settings(tmp_path, url)).test_client().get("/")
    assert simulator.status_code == 302 and simulator.location.endswith("/simulator")
    twilio = make_settings(tmp_path, url, sms_backend="twilio", twilio_account_sid="AC1")
    admin = create_app(twilio).test_client().get("/")
    assert admin.status_code == 302 and admin.location.endswith("/admin/")
