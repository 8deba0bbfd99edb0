"""Senders: the real twilio client against the fake Twilio server, and the simulator."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from urllib3.exceptions import NewConnectionError, ProtocolError

from dispatcher.app import configure_logging
from dispatcher.clock import ManualClock
from dispatcher.flows.ports import LookupFailed, SendResult
from dispatcher.sms.senders import (
    RedirectingHttpClient,
    TwilioSender,
    build_sender,
    never_connected,
)
from dispatcher.sms.simulator import PhoneMessage, SimulatorPhones, SimulatorSender
from tests.fakes import FakeTwilio, Outage
from tests.support.databases import START, make_settings

ACCOUNT = "AC" + "1" * 32
TOKEN = "test-auth-token"
HOTLINE = "+12625550100"
ANA = "+12625550111"
BEN = "+12625550122"
CALLBACK = "https://dispatch.test/sms/status"
BODY = "Racine PD needs an advocate. Ref K7Q4. Reply 1 K7Q4 to accept, 2 K7Q4 to pass."


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeTwilio]:
    with FakeTwilio(auth_token=TOKEN, clock=clock) as server:
        yield server
    assert server.violations == []


def twilio_sender(fake: FakeTwilio, timeout: float = 5) -> TwilioSender:
    return TwilioSender(ACCOUNT, TOKEN, HOTLINE, CALLBACK, timeout, fake.base_url)


def test_send_hands_the_message_to_twilio(fake: FakeTwilio) -> None:
    result = twilio_sender(fake).send(ANA, BODY, 1)
    assert result.accepted and result.sid and result.sid.startswith("SM")
    assert result.status == "queued"
    assert not result.retryable and not result.uncertain
    (created,) = [r for r in fake.requests if r.method == "POST"]
    assert created.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert created.form == {
        "To": [ANA],
        "From": [HOTLINE],
        "Body": [BODY],
        "StatusCallback": [CALLBACK + "?o=1"],
    }
    assert fake.messages_to(ANA) == [BODY]


@pytest.mark.parametrize(
    ("inject", "expected"),
    [
        (lambda f: f.fail_next(1), SendResult(error_code=20500, retryable=True)),
        (lambda f: f.fail_next(1, status=503), SendResult(error_code=20500, retryable=True)),
        (lambda f: f.rate_limit_next(1), SendResult(error_code=20429, retryable=True)),
        (lambda f: f.fail_with_code(21610), SendResult(error_code=21610)),
        (lambda f: f.fail_with_code(21211), SendResult(error_code=21211)),
        (lambda f: f.fail_with_code(30007, to=ANA), SendResult(error_code=30007)),
    ],
    ids=["500", "503", "429", "21610", "21211", "30007"],
)
def test_errors_are_classified(fake: FakeTwilio, inject, expected: SendResult) -> None:
    sender = twilio_sender(fake)
    inject(fake)
    assert sender.send(ANA, BODY, 1) == expected
    assert fake.messages_to(ANA) == []
    assert sender.send(ANA, BODY, 2).accepted  # the injection was used up


def test_error_for_one_number_spares_the_others(fake: FakeTwilio) -> None:
    sender = twilio_sender(fake)
    fake.fail_with_code(21610, to=ANA)
    assert sender.send(BEN, BODY, 1).accepted
    assert sender.send(ANA, BODY, 2).error_code == 21610


def test_connection_refused_is_retryable_and_certain() -> None:
    with FakeTwilio(auth_token=TOKEN) as server:
        base = server.base_url
    sender = TwilioSender(ACCOUNT, TOKEN, HOTLINE, CALLBACK, 2, base)
    assert sender.send(ANA, BODY, 1) == SendResult(retryable=True, uncertain=False)
    with pytest.raises(LookupFailed):
        sender.find_sent(ANA, BODY, START)
    assert sender.redact("SM" + "0" * 32) is False


def test_read_timeout_is_uncertain_and_the_lookup_prevents_a_second_send(
    fake: FakeTwilio,
) -> None:
    sender = twilio_sender(fake, timeout=0.3)
    fake.delay_next(3)
    result = sender.send(ANA, BODY, 1)
    assert result == SendResult(retryable=True, uncertain=True)
    # Twilio did take it: the lookup finds it (still queued, no DateSent yet).
    sid = sender.find_sent(ANA, BODY, START - timedelta(minutes=5))
    assert sid == fake.messages[0].sid
    assert fake.messages_to(ANA) == [BODY]


def test_find_sent_matches_body_number_and_time(fake: FakeTwilio, clock: ManualClock) -> None:
    sender = twilio_sender(fake)
    sid = sender.send(ANA, BODY, 1).sid
    assert sid is not None
    sender.send(BEN, "other", 2)
    fake.message(sid).status = "delivered"
    fake.message(sid).date_sent = START
    assert sender.find_sent(ANA, BODY, START - timedelta(minutes=1)) == sid
    assert sender.find_sent(ANA, "a different body", START) is None
    assert sender.find_sent(BEN, BODY, START) is None
    assert sender.find_sent(ANA, BODY, START + timedelta(hours=1)) is None


def test_redact_blanks_and_deletes(fake: FakeTwilio) -> None:
    sender = twilio_sender(fake)
    sid = sender.send(ANA, BODY, 1).sid
    assert sid is not None
    assert fake.retained_bodies() == [BODY]
    assert sender.redact(sid) is True
    assert fake.retained_bodies() == []
    assert fake.message(sid).deleted
    methods = [r.method for r in fake.requests if sid in r.path]
    assert methods == ["POST", "DELETE"]
    assert sender.redact(sid) is True  # already gone (20404)


def test_redact_waits_while_the_message_is_in_progress(fake: FakeTwilio) -> None:
    sender = twilio_sender(fake)
    fake.strict_redaction = True
    sid = sender.send(ANA, BODY, 1).sid
    assert sid is not None
    assert sender.redact(sid) is False
    assert fake.retained_bodies() == [BODY]
    fake.message(sid).status = "delivered"
    assert sender.redact(sid) is True
    assert fake.retained_bodies() == []


def test_logs_carry_neither_bodies_nor_numbers(
    fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sender = twilio_sender(fake)
    sid = sender.send(ANA, BODY, 7).sid
    fake.fail_with_code(21610)
    sender.send(ANA, BODY, 8)
    sender.find_sent(ANA, BODY, START)
    assert sid is not None
    sender.redact(sid)
    assert "outbox=7" in caplog.text and "code=21610" in caplog.text
    assert "K7Q4" not in caplog.text
    assert "2625550111" not in caplog.text and "2625550100" not in caplog.text


def test_at_debug_third_party_loggers_write_neither_bodies_nor_numbers(
    fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging()
    caplog.set_level(logging.DEBUG)  # the root at DEBUG, as someone debugging would set it
    sender = twilio_sender(fake)
    sid = sender.send(ANA, BODY, 7).sid
    sender.find_sent(ANA, BODY, START)  # a look-up: urllib3 would log ?To=+1262... at DEBUG
    assert sid is not None
    sender.redact(sid)
    assert caplog.records, "nothing was logged at all"
    assert "K7Q4" not in caplog.text
    assert "2625550111" not in caplog.text and "2625550100" not in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "https://api.twilio.com/2010-04-01/Accounts/{a}/Messages.json",
        "https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/{a}/Messages.json",
    ],
)
def test_http_client_redirects_twilio_hosts(fake: FakeTwilio, url: str) -> None:
    http = RedirectingHttpClient(5, fake.base_url + "/")
    response = http.request("GET", url.format(a=ACCOUNT), auth=(ACCOUNT, TOKEN))
    assert response.status_code == 200
    assert fake.requests[-1].path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"


def test_each_sending_thread_keeps_a_connection_of_its_own() -> None:
    http = RedirectingHttpClient(5, connections=24)
    assert http.session is not None
    for url in ("https://api.twilio.com", "http://127.0.0.1:8000"):
        assert http.session.get_adapter(url)._pool_maxsize == 24  # type: ignore[attr-defined]


def test_the_proxy_and_ca_bundle_come_from_the_environment_read_once(
    fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/coalition-ca.pem")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    to_twilio = RedirectingHttpClient(5)
    assert to_twilio.proxy["https"] == "http://proxy.example:3128"
    assert to_twilio.session is not None and to_twilio.session.verify == "/etc/ssl/coalition-ca.pem"
    assert not to_twilio.session.trust_env  # not read again on every send
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    to_fake = RedirectingHttpClient(5, fake.base_url)
    assert to_fake.proxy == {}
    response = to_fake.request(
        "GET",
        f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json",
        auth=(ACCOUNT, TOKEN),
    )
    assert response.status_code == 200  # straight to the fake, not through the proxy


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (requests.exceptions.ConnectTimeout(), True),
        (requests.exceptions.ConnectionError(NewConnectionError(None, "refused")), True),
        (requests.exceptions.ReadTimeout(), False),
        (
            requests.exceptions.ConnectionError(ProtocolError("aborted", ConnectionResetError())),
            False,
        ),
        (requests.exceptions.ChunkedEncodingError(), False),
    ],
)
def test_never_connected(error: requests.RequestException, expected: bool) -> None:
    assert never_connected(error) is expected


def test_simulator_delivers_to_phones(clock: ManualClock) -> None:
    phones = SimulatorPhones(HOTLINE, clock=clock)
    sender = SimulatorSender(phones)
    phones.record_incoming(ANA, "Need an advocate")
    phones.record_reply(ANA, "Got it. Ref K7Q4.")
    clock.advance(5)
    result = sender.send(ANA, BODY, 1)
    assert result.accepted and result.status == "delivered"
    assert result.sid and result.sid.startswith("SM")
    assert phones.inbox(ANA) == [
        PhoneMessage(START, ANA, "Need an advocate"),
        PhoneMessage(START, HOTLINE, "Got it. Ref K7Q4."),
        PhoneMessage(START + timedelta(seconds=5), HOTLINE, BODY, result.sid),
    ]
    assert phones.numbers() == [ANA]
    assert phones.inbox(BEN) == []
    assert sender.find_sent(ANA, BODY, START) == result.sid
    assert sender.find_sent(ANA, BODY, START + timedelta(minutes=1)) is None
    assert sender.find_sent(ANA, "Got it. Ref K7Q4.", START) is None  # a reply has no sid
    assert sender.redact(result.sid) is True
    assert len(phones.inbox(ANA)) == 3


def test_simulator_inboxes_are_bounded_and_thread_safe() -> None:
    phones = SimulatorPhones(HOTLINE, keep=200)
    sender = SimulatorSender(phones)

    def send_many(number: str) -> None:
        for i in range(150):
            sender.send(number, f"message {i}", i)

    threads = [threading.Thread(target=send_many, args=(n,)) for n in (ANA, ANA, BEN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(phones.inbox(ANA)) == 200
    assert len(phones.inbox(BEN)) == 150
    assert len({m.sid for m in phones.inbox(ANA)}) == 200
    assert phones.numbers() == [ANA, BEN]


def test_build_sender_simulator(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path}/x.db")
    phones = SimulatorPhones(settings.hotline_number)
    sender = build_sender(settings, phones)
    assert isinstance(sender, SimulatorSender) and sender.phones is phones
    assert isinstance(build_sender(settings, None), SimulatorSender)


def test_build_sender_twilio_talks_to_the_configured_api(tmp_path: Path, fake: FakeTwilio) -> None:
    settings = make_settings(
        tmp_path,
        f"sqlite:///{tmp_path}/x.db",
        sms_backend="twilio",
        twilio_account_sid=ACCOUNT,
        twilio_auth_token=TOKEN,
        twilio_api_base_url=fake.base_url,
    )
    sender = build_sender(settings, None)
    assert isinstance(sender, TwilioSender)
    assert sender.send(ANA, BODY, 1).accepted
    (message,) = fake.messages
    assert message.status_callback == "https://dispatch.test/sms/status?o=1"
    assert message.from_ == settings.hotline_number


def test_find_sent_turns_any_client_error_into_lookup_failed(fake: FakeTwilio) -> None:
    fake.outage = Outage(status=200, code=0)  # an answer that is no list of messages
    with pytest.raises(LookupFailed):
        twilio_sender(fake).find_sent(ANA, BODY, START)


@pytest.mark.parametrize(
    ("outbox_id", "part", "url"),
    [(7, 1, CALLBACK + "?o=7"), (7, 3, CALLBACK + "?o=7&p=3")],
)
def test_the_status_callback_names_the_outbox_row_and_part(
    fake: FakeTwilio, outbox_id: int, part: int, url: str
) -> None:
    twilio_sender(fake).send(ANA, BODY, outbox_id, part)
    (message,) = fake.messages
    assert message.status_callback == url
