"""Outbox rules: backoff, status order, retrying while wanted, whose failure it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatcher.flows.models import OutboxMessage
from dispatcher.flows.outbox import backoff, record_result
from dispatcher.flows.ports import SendResult
from dispatcher.flows.statuses import advance_status, settle_uncertain

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


def test_backoff_doubles_and_is_capped_at_30_seconds() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 16, 30]
    assert backoff(20) == backoff(100_000) == timedelta(seconds=30)


def sending_row(page_id: int | None, created: datetime = NOW) -> OutboxMessage:
    """An outbox row leased for sending."""
    return OutboxMessage(
        id=1,
        to_number="+12625550101",
        template="page",
        state="sending",
        page_id=page_id,
        body=b"sealed",
        created_at=created,
        next_attempt_at=created,
        attempts=40,
        parts_sent=0,
    )


class OneRow:
    """Just enough of a session for ``record_result``: ``get`` returns the row."""

    def __init__(self, message: OutboxMessage) -> None:
        self.message = message

    def get(self, _model: object, _id: int) -> OutboxMessage:
        return self.message


WINDOW = timedelta(hours=24)


@pytest.mark.parametrize(
    ("result", "page_id", "age", "state", "failure", "unreachable", "unsent"),
    [
        (
            SendResult(error_code=20500, retryable=True),
            7,
            timedelta(days=2),
            "pending",
            None,
            False,
            False,
        ),
        (
            SendResult(retryable=True, uncertain=True),
            None,
            timedelta(hours=1),
            "pending",
            None,
            False,
            False,
        ),
        (
            SendResult(error_code=20429, retryable=True),
            None,
            timedelta(hours=25),
            "failed",
            "expired",
            False,
            True,
        ),
        (SendResult(error_code=21211), 7, timedelta(0), "failed", "rejected", False, True),
        (SendResult(error_code=30006), 7, timedelta(0), "failed", "unreachable", True, False),
        (SendResult(error_code=21610), None, timedelta(0), "failed", "unreachable", True, False),
    ],
    ids=[
        "page-500-retried-while-paging",
        "note-timeout",
        "note-past-window",
        "rejected",
        "unreachable",
        "opted-out",
    ],
)
def test_what_an_attempt_leads_to(
    result: SendResult,
    page_id: int | None,
    age: timedelta,
    state: str,
    failure: str | None,
    unreachable: bool,
    unsent: bool,
) -> None:
    message = sending_row(page_id, NOW - age)
    delivery = record_result(OneRow(message), 1, result, NOW, WINDOW)  # type: ignore[arg-type]
    assert (message.state, message.failure) == (state, failure)
    assert bool(delivery and delivery.unreachable) == unreachable
    assert bool(delivery and delivery.unsent) == unsent
    if state == "pending":
        assert message.next_attempt_at == NOW + timedelta(seconds=30)
        assert message.provider_status == ("uncertain" if result.uncertain else None)
    if state != "pending":
        assert message.body is None


def test_an_accepted_send_is_not_recorded_as_an_outcome_to_act_on() -> None:
    with pytest.raises(ValueError, match="record_sent"):
        record_result(OneRow(sending_row(7)), 1, SendResult(sid="SM1"), NOW, WINDOW)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "provider_status", "parts_sent", "part", "settled"),
    [
        ("pending", "uncertain", 0, 1, True),
        ("pending", "uncertain", 1, 2, True),
        ("pending", "uncertain", 1, 1, False),  # that part was already counted
        ("pending", None, 0, 1, False),  # not uncertain: it was never sent
        ("sending", "uncertain", 0, 1, False),  # in flight: its look-up will find it
        ("sent", "queued", 1, 1, False),
    ],
)
def test_a_callback_settles_only_the_uncertain_part_it_names(
    state: str, provider_status: str | None, parts_sent: int, part: int, settled: bool
) -> None:
    row = sending_row(7)
    row.state, row.provider_status, row.parts_sent = state, provider_status, parts_sent
    assert settle_uncertain(row, part, "SMlate", NOW) == settled
    assert (row.parts_sent == part and row.provider_sid == "SMlate") == settled
