"""The application as a whole: its front door."""

from __future__ import annotations

from pathlib import Path

from dispatcher.app import create_app
from tests.support.databases import make_settings


def test_the_front_door_leads_to_the_simulator_or_the_admin_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'front.db'}"
    simulator = create_app(make_settings(tmp_path, url)).test_client().get("/")
    assert simulator.status_code == 302 and simulator.location.endswith("/simulator")
    twilio = make_settings(tmp_path, url, sms_backend="twilio", twilio_account_sid="AC1")
    admin = create_app(twilio).test_client().get("/")
    assert admin.status_code == 302 and admin.location.endswith("/admin/")


def test_client_addresses_come_from_the_proxy_only_when_one_is_configured(tmp_path: Path) -> None:
    from flask import request

    url = f"sqlite:///{tmp_path / 'proxy.db'}"
    seen: list[str | None] = []
    for hops in (0, 1):
        app = create_app(make_settings(tmp_path, url, proxy_hops=hops))
        app.add_url_rule("/whoami", "whoami", lambda: seen.append(request.remote_addr) or "")
        app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == ["127.0.0.1", "203.0.113.9"]


def test_settling_the_heap_takes_start_up_out_of_full_collections(tmp_path: Path) -> None:
    import gc

    from dispatcher.runtime import settle_heap

    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'heap.db'}"))
    try:
        settle_heap()
        made_after = {"a request's": ["objects"]}
        walked = gc.get_objects()
        assert gc.get_freeze_count() > 0
        assert not any(found is app for found in walked)
        assert any(found is made_after for found in walked)
    finally:
        gc.unfreeze()  # the rest of the test run collects as before
