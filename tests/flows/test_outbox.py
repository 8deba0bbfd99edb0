"""Outbox rules: backoff, status order, giving up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatcher.flows.models import OutboxMessage
from dispatcher.flows.outbox import advance_status, backoff

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def message(status: str | None) -> OutboxMessage:
    """A sent outbox row whose provider status is ``status``."""
    return OutboxMessage(
        to_number="+12625550101",
        template="page",
        state="sent",
        provider_status=status,
        created_at=NOW,
        next_attempt_at=NOW,
        attempts=1,
    )


@pytest.mark.parametrize(
    ("current", "incoming", "after"),
    [
        ("queued", "sent", "sent"),
        ("sent", "queued", "sent"),  # late, out-of-order callback
        ("delivered", "sent", "delivered"),
        ("delivered", "undelivered", "delivered"),  # a final status is final
        ("sending", "delivered", "delivered"),
        (None, "failed", "failed"),
    ],
)
def test_statuses_never_move_backwards(current: str | None, incoming: str, after: str) -> None:
    row = message(current)
    advance_status(row, incoming, None, NOW)
    assert row.provider_status == after


@pytest.mark.parametrize(
    ("code", "unreachable"),
    [
        (30003, True),
        (30005, True),
        (30006, True),
        (30007, True),
        (21610, True),
        (30008, False),
        (None, False),
    ],
)
def test_only_unreachable_errors_move_escalation_on(code: int | None, unreachable: bool) -> None:
    delivery = advance_status(message("sent"), "undelivered", code, NOW)
    assert (delivery is not None and delivery.unreachable) == unreachable
    if delivery is not None:
        assert delivery.opted_out == (code == 21610)


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(20) == timedelta(minutes=1)
