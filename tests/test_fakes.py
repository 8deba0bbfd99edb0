"""The fake Twilio server: the real twilio client works against it, failures can be
injected, status callbacks are signed, and requests are checked against Twilio's spec."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask, request
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from werkzeug.serving import make_server

from dispatcher.clock import ManualClock
from dispatcher.sms.senders import RedirectingHttpClient
from tests.fakes import SPEC_PATH, FakeTwilio, inbound_params, load_spec, signed_post
from tests.support.databases import START

ACCOUNT = "AC" + "2" * 32
TOKEN = "fake-token"
HOTLINE = "+12625550100"
ANA = "+12625550111"
BEN = "+12625550122"
CALLBACK = "https://dispatch.test/sms/status"
needs_spec = pytest.mark.skipif(not SPEC_PATH.exists(), reason=f"{SPEC_PATH} is not present")


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeTwilio]:
    with FakeTwilio(auth_token=TOKEN, clock=clock) as server:
        yield server


def client_for(fake: FakeTwilio, token: str = TOKEN, timeout: float = 5) -> Client:
    return Client(ACCOUNT, token, http_client=RedirectingHttpClient(timeout, fake.base_url))


def send(client: Client, to: str = ANA, body: str = "hello") -> str:
    message = client.messages.create(to=to, from_=HOTLINE, body=body, status_callback=CALLBACK)
    return str(message.sid)


def test_real_client_creates_lists_updates_and_deletes(fake: FakeTwilio) -> None:
    client = client_for(fake)
    created = client.messages.create(to=ANA, from_=HOTLINE, body="one", status_callback=CALLBACK)
    assert created.sid.startswith("SM") and created.status == "queued"
    assert created.to == ANA and created.from_ == HOTLINE and created.body == "one"
    assert created.date_created == START and created.date_sent is None
    assert created.num_segments == "1"
    send(client, BEN, "two")

    listed = client.messages.list(to=ANA)
    assert [m.sid for m in listed] == [created.sid]
    assert len(client.messages.list(from_=HOTLINE)) == 2

    fetched = client.messages(created.sid).fetch()
    assert fetched.body == "one"
    blanked = client.messages(created.sid).update(body="")
    assert blanked.body == ""
    assert fake.retained_bodies() == ["two"]
    assert fake.messages_to(ANA) == ["one"]  # what was sent stays inspectable

    assert client.messages(created.sid).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        client.messages(created.sid).fetch()
    assert (gone.value.status, gone.value.code) == (404, 20404)
    assert client.messages.list(to=ANA) == []
    assert fake.violations == []


def test_list_pages_and_date_filters(fake: FakeTwilio, clock: ManualClock) -> None:
    client = client_for(fake)
    sids = []
    for i in range(5):
        sids.append(send(client, ANA, f"m{i}"))
        clock.advance(timedelta(hours=1))
    for i, sid in enumerate(sids):
        fake.message(sid).date_sent = START + timedelta(hours=i)
    everything = client.messages.list(to=ANA, page_size=2)
    assert [m.body for m in everything] == ["m4", "m3", "m2", "m1", "m0"]
    pages = [r for r in fake.requests if r.method == "GET"]
    assert len(pages) == 3  # followed next_page_uri
    recent = client.messages.list(to=ANA, date_sent_after=START + timedelta(hours=3))
    assert [m.body for m in recent] == ["m4", "m3"]
    older = client.messages.list(to=ANA, date_sent_before=START + timedelta(hours=1))
    assert [m.body for m in older] == ["m1", "m0"]
    assert fake.violations == []


def test_wrong_credentials_are_refused(fake: FakeTwilio) -> None:
    with pytest.raises(TwilioRestException) as refused:
        send(client_for(fake, token="wrong"))
    assert (refused.value.status, refused.value.code) == (401, 20003)
    assert fake.messages == []


def test_failure_injection(fake: FakeTwilio) -> None:
    client = client_for(fake)
    fake.fail_next(2)
    fake.rate_limit_next(1)
    fake.fail_with_code(21610, to=BEN)
    outcomes = []
    for to in (ANA, ANA, ANA, BEN, ANA):
        try:
            send(client, to)
            outcomes.append("sent")
        except TwilioRestException as exc:
            outcomes.append(f"{exc.status}/{exc.code}")
    assert outcomes == ["500/20500", "500/20500", "429/20429", "400/21610", "sent"]
    assert len(fake.messages) == 1


def test_failure_for_one_number_waits_for_it(fake: FakeTwilio) -> None:
    client = client_for(fake)
    fake.fail_with_code(21610, to=BEN, times=2)
    send(client, ANA)
    for _ in range(2):
        with pytest.raises(TwilioRestException):
            send(client, BEN)
    send(client, BEN)
    assert fake.messages_to(BEN) == ["hello"]


def test_delay_makes_the_client_time_out_after_the_message_is_taken(fake: FakeTwilio) -> None:
    client = client_for(fake, timeout=0.2)
    fake.delay_next(2)
    with pytest.raises(requests.exceptions.ReadTimeout):
        send(client, ANA, "slow")
    assert fake.messages_to(ANA) == ["slow"]
    assert send(client, ANA, "fast")


def test_redaction_can_be_refused_until_final(fake: FakeTwilio) -> None:
    client = client_for(fake)
    fake.strict_redaction = True
    sid = send(client)
    for attempt in (lambda: client.messages(sid).update(body=""), client.messages(sid).delete):
        with pytest.raises(TwilioRestException) as refused:
            attempt()
        assert refused.value.code == 20009
    assert fake.retained_bodies() == ["hello"]


def status_app(received: list[dict[str, str]]) -> Flask:
    """A stand-in for the service's /sms/status that checks the signature itself."""
    app = Flask(__name__)

    @app.post("/sms/status")
    def status() -> tuple[str, int]:
        signature = request.headers.get("X-Twilio-Signature", "")
        valid = RequestValidator(TOKEN).validate(CALLBACK, request.form, signature)
        received.append(dict(request.form))
        return ("", 204) if valid else ("", 403)

    return app


def test_deliver_posts_a_signed_status_callback(fake: FakeTwilio, clock: ManualClock) -> None:
    received: list[dict[str, str]] = []
    fake.callback_target = status_app(received).test_client()
    sid = send(client_for(fake))
    clock.advance(3)
    assert fake.deliver(sid).status_code == 204
    assert fake.deliver(sid, "undelivered", 30003).status_code == 204
    assert [(r["MessageStatus"], r.get("ErrorCode")) for r in received] == [
        ("delivered", None),
        ("undelivered", "30003"),
    ]
    assert received[0]["MessageSid"] == sid and received[0]["To"] == ANA
    message = fake.message(sid)
    assert (message.status, message.error_code) == ("undelivered", 30003)
    assert message.date_sent == START + timedelta(seconds=3)


def test_signed_post_reaches_a_live_server() -> None:
    received: list[dict[str, str]] = []
    server = make_server("127.0.0.1", 0, status_app(received), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        params = inbound_params(ANA, "1 K7Q4", HOTLINE)
        assert signed_post(base, CALLBACK, params, TOKEN).status_code == 204
        assert signed_post(base, CALLBACK, params, "wrong").status_code == 403
    finally:
        server.shutdown()
        thread.join()
    assert received[0]["Body"] == "1 K7Q4" and received[0]["MessageSid"].startswith("SM")


@needs_spec
def test_malformed_requests_are_violations(fake: FakeTwilio) -> None:
    url = f"{fake.base_url}/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    form = {"To": ANA, "From": HOTLINE, "Body": "x", "StatusCallback": "not a url"}
    requests.post(url, data=form, auth=(ACCOUNT, TOKEN), timeout=5)
    requests.post(
        url,
        data={**form, "StatusCallback": CALLBACK, "ValidityPeriod": "soon"},
        auth=(ACCOUNT, TOKEN),
        timeout=5,
    )
    bad_account = url.replace(ACCOUNT, "ACnot-a-sid")
    requests.get(bad_account, auth=("ACnot-a-sid", TOKEN), timeout=5)
    violations = fake.violations
    assert len(violations) == 3
    assert "is not a 'uri'" in violations[0]
    assert "integer" in violations[1]
    assert "AccountSid" in violations[2]


@needs_spec
def test_what_the_real_client_sends_conforms(fake: FakeTwilio) -> None:
    client = client_for(fake)
    sid = send(client)
    client.messages.list(to=ANA, from_=HOTLINE, date_sent_after=START, limit=10)
    client.messages(sid).fetch()
    client.messages(sid).update(body="")
    client.messages(sid).delete()
    assert len(fake.requests) == 5
    assert fake.violations == []


def test_without_the_spec_only_that_check_is_skipped(tmp_path: Path) -> None:
    with FakeTwilio(auth_token=TOKEN, spec_path=tmp_path / "absent.json") as fake:
        assert fake.spec is None
        url = f"{fake.base_url}/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
        form = {"To": ANA, "From": HOTLINE, "Body": "x", "StatusCallback": "not a url"}
        response = requests.post(url, data=form, auth=(ACCOUNT, TOKEN), timeout=5)
        assert response.status_code == 201
        assert fake.violations == []
        assert fake.messages_to(ANA) == ["x"]
    assert load_spec(tmp_path / "absent.json") is None
