"""/readyz says how far behind paging is and fails when it is stuck; /metrics counts pages,
waits and ticks in Prometheus format, without a phone number or a word of any text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from dispatcher.flows import lease, outbox
from dispatcher.flows.engine import Engine
from dispatcher.flows.ports import SendResult
from dispatcher.flows.texts import HelpPerson
from dispatcher.sms.messages import render
from tests.night import ANA, OFFICER, World


def sample(name: str) -> float:
    """The current value of a sample of this process's registry (0 when absent)."""
    return REGISTRY.get_sample_value(name) or 0.0


def ready(app: Flask, world: World) -> tuple[int, dict[str, object]]:
    """GET /readyz right after an engine ticked; (status code, body)."""
    lease.renew(world.database, "engine-1", world.clock.now())
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json()


def test_readiness_reports_the_outbox_lag_and_fails_past_a_minute(app: Flask, world: World) -> None:
    with world.session() as session:
        outbox.enqueue(session, world.sealer, world.clock.now(), ANA, HelpPerson())
    status, body = ready(app, world)
    assert (status, body["outbox_depth"], body["outbox_lag_seconds"]) == (200, 1, 0.0)
    world.clock.advance(timedelta(seconds=60))
    assert ready(app, world)[0] == 200
    world.clock.advance(timedelta(seconds=1))
    status, body = ready(app, world)
    assert (status, body["status"], body["outbox_lag_seconds"]) == (503, "unavailable", 61.0)


def test_readiness_reports_the_oldest_overdue_step_and_fails_past_a_minute(
    app: Flask, world: World
) -> None:
    world.text(OFFICER, "Possible victim at the motel")  # its first step is due now
    world.clock.advance(timedelta(seconds=90))
    status, body = ready(app, world)
    assert (status, body["oldest_overdue_step_seconds"]) == (503, 90.0)
    world.engine.tick()
    status, body = ready(app, world)
    assert (status, body["oldest_overdue_step_seconds"], body["outbox_lag_seconds"]) == (
        200,
        0.0,
        0.0,
    )


def test_metrics_count_pages_and_time_the_first_page_and_the_accept(
    app: Flask, world: World
) -> None:
    before = {
        name: sample(name)
        for name in (
            "dispatcher_pages_sent_total",
            "dispatcher_time_to_first_page_seconds_count",
            "dispatcher_time_to_accept_seconds_count",
            "dispatcher_time_to_accept_seconds_sum",
        )
    }
    world.text(OFFICER, "Possible victim near Lakeshore, call 262-555-0199")
    world.engine.tick()
    world.clock.advance(timedelta(seconds=30))
    assert world.text(ANA, "1") is None
    world.engine.tick()
    assert sample("dispatcher_pages_sent_total") == before["dispatcher_pages_sent_total"] + 1
    first = "dispatcher_time_to_first_page_seconds_count"
    assert sample(first) == before[first] + 1
    accepted = "dispatcher_time_to_accept_seconds_count"
    assert sample(accepted) == before[accepted] + 1
    waited = sample("dispatcher_time_to_accept_seconds_sum")
    assert waited - before["dispatcher_time_to_accept_seconds_sum"] == pytest.approx(30.0)
    text = app.test_client().get("/metrics").get_data(as_text=True)
    for name in ("dispatcher_pages_sent_total", "dispatcher_tick_duration_seconds_bucket"):
        assert name in text
    assert "dispatcher_outbox_depth 0.0" in text
    assert "dispatcher_overdue_step_seconds 0.0" in text
    for secret in ("2625550", "262-555", ANA, OFFICER, "Lakeshore", "victim"):
        assert secret not in text


class RefusingSender:
    """A provider that refuses every message for good (Twilio error 30003)."""

    def send(self, to: str, body: str, outbox_id: int, part: int = 1) -> SendResult:
        """Refuse."""
        return SendResult(error_code=30003)


def test_a_page_given_up_on_counts_as_failed(world: World) -> None:
    before = sample("dispatcher_pages_failed_total")
    sent = sample("dispatcher_pages_sent_total")
    world.text(OFFICER, "Possible victim at the motel")
    engine = Engine(
        world.database, world.settings, world.sealer, world.clock, RefusingSender(), render
    )  # type: ignore[arg-type]
    engine.tick()
    assert sample("dispatcher_pages_failed_total") >= before + 1
    assert sample("dispatcher_pages_sent_total") == sent
