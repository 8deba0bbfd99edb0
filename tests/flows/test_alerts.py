"""Operational alerts: coordinators hear of each kind of trouble once an hour, never content."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatcher.flows import alerts
from dispatcher.flows.models import Alert
from dispatcher.sms.messages import render
from tests.night import KIM, LEE, World


def raise_alert(world: World, kind: str, count: int = 1) -> bool:
    with world.session() as session:
        return alerts.raise_alert(session, world.context(), kind, count)


def test_the_first_alert_of_a_kind_texts_every_coordinator(world: World) -> None:
    assert raise_alert(world, "message_failed")
    world.engine.deliver()
    for coordinator in (KIM, LEE):
        assert world.last(coordinator) == (
            "Dispatcher alert: 1 message(s) could not be sent and were dropped; paging moved "
            "on. Check the service log."
        )


def test_more_of_the_same_within_the_hour_is_counted_not_texted(world: World) -> None:
    raise_alert(world, "message_failed")
    assert not raise_alert(world, "message_failed", count=3)
    world.clock.advance(timedelta(minutes=59))
    assert not raise_alert(world, "message_failed")
    world.engine.deliver()
    assert len(world.inbox(KIM)) == 1
    world.clock.advance(timedelta(minutes=2))
    assert raise_alert(world, "message_failed")
    world.engine.deliver()
    assert "5 message(s)" in world.last(KIM)
    with world.session() as session:
        row = session.get(Alert, "message_failed")
        assert row is not None
        assert (row.count, row.unreported) == (6, 0)


def test_kinds_are_reported_separately(world: World) -> None:
    assert raise_alert(world, "message_failed")
    assert raise_alert(world, "text_unprocessed")
    world.engine.deliver()
    assert len(world.inbox(KIM)) == 2
    with world.session() as session:
        kinds = sorted(a.kind for a in alerts.open_alerts(session))
    assert kinds == ["message_failed", "text_unprocessed"]


def test_an_unknown_kind_is_a_programming_error(world: World) -> None:
    with pytest.raises(ValueError, match="unknown alert kind"):
        raise_alert(world, "something")


@pytest.mark.parametrize("kind", sorted(alerts.KINDS))
def test_every_kind_renders_in_one_segment_without_content(kind: str) -> None:
    text = render("alert", {"kind": kind, "count": 12})
    assert text.startswith("Dispatcher alert: ")
    assert "12" in text
    assert len(text) <= 160
