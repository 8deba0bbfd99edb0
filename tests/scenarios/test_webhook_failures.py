"""Webhooks that always answer: repeats dropped on both databases, malformed forms refused
with 400, a webhook that raises answers safe TwiML and the coordinators hear of it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from dispatcher.flows import redaction, statuses
from dispatcher.flows.models import Alert, InboundMessage, ProviderCopy, Request
from dispatcher.sms import inbound
from dispatcher.sms.webhooks import UNREADABLE
from tests.fakes import Posted, inbound_params
from tests.night import KIM, OFFICER, STRANGER
from tests.scenarios.live import ACCOUNT, LiveNight, reply_text


def call_params(number: str, sid: str | None = None) -> dict[str, str]:
    """The form Twilio posts for one inbound call."""
    return {
        "CallSid": sid or "CA" + uuid.uuid4().hex,
        "AccountSid": ACCOUNT,
        "From": number,
        "To": "+12625550100",
        "CallStatus": "ringing",
        "Direction": "inbound",
    }


def requests(night: LiveNight) -> int:
    with night.database.session_scope() as session:
        return len(session.scalars(sa.select(Request)).all())


def test_a_repeated_message_sid_acts_once_and_answers_empty(night: LiveNight) -> None:
    params = inbound_params(OFFICER, "need an advocate")
    first, second = night.post("/sms/inbound", params), night.post("/sms/inbound", params)
    assert (first.status_code, second.status_code) == (200, 200)
    assert reply_text(first.text) is not None
    assert reply_text(second.text) is None
    assert requests(night) == 1


def test_a_repeated_call_sid_acts_once(night: LiveNight) -> None:
    params = call_params(OFFICER)
    first, second = night.post("/voice/inbound", params), night.post("/voice/inbound", params)
    assert (first.status_code, second.status_code) == (200, 200)
    assert "<Say>" in first.text and "<Say>" in second.text
    assert requests(night) == 1


def test_a_call_record_is_deleted_once_the_call_is_over(night: LiveNight) -> None:
    params = call_params(STRANGER)
    assert night.post("/voice/inbound", params).status_code == 200
    night.tick()
    assert night.fake.deleted_calls == []  # the call may still be going on
    night.advance(minutes=6)
    assert night.fake.deleted_calls == [params["CallSid"]]
    with night.database.session_scope() as session:
        copy = session.get(ProviderCopy, params["CallSid"])
        assert copy is not None and copy.redacted_at is not None


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("/sms/inbound", {"MessageSid": "SM" + "a" * 63}),
        ("/sms/inbound", {"Body": "help\x00"}),
        ("/sms/inbound", {"From": "+1262555\x000150"}),
        ("/sms/status", {"MessageSid": "SM" + "b" * 70, "MessageStatus": "delivered"}),
        ("/sms/status", {"MessageSid": "SM1", "MessageStatus": "delivered" * 2}),
        ("/voice/inbound", {"CallSid": "CA" + "c" * 63}),
        ("/voice/inbound", {"CallStatus": "ringing\x00"}),
    ],
)
def test_malformed_forms_answer_400_and_change_nothing(
    night: LiveNight, path: str, change: dict[str, str]
) -> None:
    base: dict[str, str] = (
        call_params(OFFICER) if path == "/voice/inbound" else inbound_params(OFFICER, "help me")
    )
    answer = night.post(path, {**base, **change})
    assert answer.status_code == 400
    assert requests(night) == 0
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(InboundMessage)).all() == []


def test_an_over_long_body_is_fine(night: LiveNight) -> None:
    assert night.text(OFFICER, "need an advocate " + "x" * 5000) is not None
    assert requests(night) == 1


def explode(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("a bug")


def alert_count(night: LiveNight) -> int:
    with night.database.session_scope() as session:
        alert = session.get(Alert, "text_unprocessed")
        return 0 if alert is None else alert.count


@pytest.mark.parametrize(
    ("path", "target"),
    [("/sms/inbound", "handle_text"), ("/voice/inbound", "handle_call")],
)
def test_a_webhook_that_raises_answers_safely_rolls_back_and_alerts(
    night: LiveNight, monkeypatch: pytest.MonkeyPatch, path: str, target: str
) -> None:
    monkeypatch.setattr(inbound, target, explode)
    params = (
        call_params(OFFICER)
        if target == "handle_call"
        else inbound_params(OFFICER, "at Elm Street")
    )
    answer: Posted = night.post(path, params)
    assert answer.status_code == 200
    assert UNREADABLE in answer.text
    assert answer.headers["Content-Type"].startswith("text/xml")
    with night.database.session_scope() as session:
        # The failed transaction is gone: Twilio's retry would be processed afresh.
        assert session.scalars(sa.select(InboundMessage)).all() == []
    assert alert_count(night) == 1
    night.tick()
    assert "could not be processed" in night.last(KIM)
    assert "Elm" not in night.last(KIM)


def test_a_status_callback_that_raises_answers_204_and_alerts(
    night: LiveNight, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statuses, "status_callback", explode)
    answer = night.post("/sms/status", {"MessageSid": "SM1", "MessageStatus": "delivered"})
    assert answer.status_code == 204
    assert alert_count(night) == 1


def test_redaction_that_never_succeeds_is_reported_with_a_count(
    night: LiveNight, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(night.engine.sender, "redact", lambda sid: False)
    for _ in range(3):
        night.text(STRANGER, "hello")
    for _ in range(redaction.MAX_REDACT_ATTEMPTS):
        night.advance(minutes=60)
    with night.database.session_scope() as session:
        alert = session.get(Alert, "redaction_failed")
        assert alert is not None and alert.count == 3
    night.tick()
    assert any("3 copies of messages could not be deleted" in t for t in night.inbox(KIM))
