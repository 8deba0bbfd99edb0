"""The benchmarks' own stand-in for Twilio's Messages API, and signed inbound webhooks.

Smaller than the tests' fake on purpose: it accepts every message at once (or after a
planned delay), notes when each request arrived, and answers what the sender reads back.
It never posts status callbacks, so nothing is ever deleted from it.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from twilio.request_validator import RequestValidator
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from dispatcher.sms.messages import segments

ACCOUNT_SID = "AC" + "0" * 32
HOTLINE = "+12625550100"


@dataclass
class ReceivedRequest:
    """One request as the fake received it; ``received_at`` is ``time.monotonic()``."""

    method: str
    path: str
    form: dict[str, list[str]]
    received_at: float


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """No access log: it would cost more than the fake's answer."""


class FakeTwilio:
    """Serves on 127.0.0.1 at a random port while used as a context manager."""

    def __init__(self, auth_token: str) -> None:
        self.auth_token = auth_token
        self.requests: list[ReceivedRequest] = []
        self._delays: list[float] = []
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeTwilio:
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``DISPATCHER_TWILIO_API_BASE_URL`` should be."""
        assert self._server is not None, "FakeTwilio is not started"
        return f"http://127.0.0.1:{self._server.server_port}"

    def delay_next(self, seconds: float, n: int = 1) -> None:
        """The next ``n`` message creations are answered only after ``seconds``."""
        with self._lock:
            self._delays.extend([seconds] * n)

    @Request.application  # type: ignore[arg-type]
    def _wsgi(self, request: Request) -> Response:
        """Note the request; accept a message, answer look-ups with nothing found."""
        form = {key: request.form.getlist(key) for key in request.form}
        with self._lock:
            self.requests.append(
                ReceivedRequest(request.method, request.path, form, time.monotonic())
            )
            delay = self._delays.pop(0) if request.method == "POST" and self._delays else 0.0
        if request.method == "DELETE":
            return Response(status=204)
        if request.method == "POST" and request.path.endswith("/Messages.json"):
            time.sleep(delay)
            return _json(201, _message(request.form.get("To", ""), request.form.get("Body", "")))
        return _json(200, {"messages": [], "next_page_uri": None, "page": 0, "page_size": 50})


def _message(to: str, body: str) -> dict[str, Any]:
    """A queued message resource, as Twilio answers a creation."""
    sid = "SM" + uuid.uuid4().hex
    uri = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}"
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": body,
        "direction": "outbound-api",
        "from": HOTLINE,
        "num_segments": "1",
        "sid": sid,
        "status": "queued",
        "to": to,
        "uri": f"{uri}.json",
    }


def _json(status: int, payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


def signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """The X-Twilio-Signature Twilio would send for a POST of ``params`` to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, params))


def signed_post(base: str, url: str, params: dict[str, str], auth_token: str) -> requests.Response:
    """POST ``params`` to the server at ``base``, signed for ``url`` (the public URL)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"X-Twilio-Signature": signature(url, params, auth_token)}
    with requests.Session() as session:
        session.trust_env = False
        return session.post(base.rstrip("/") + path, data=params, headers=headers, timeout=15)


# What every inbound SMS form carries besides its sid, numbers and body.
FORM_CONSTANTS = {
    "AccountSid": ACCOUNT_SID,
    "MessagingServiceSid": "",
    "NumMedia": "0",
    "ApiVersion": "2010-04-01",
}


def inbound_params(from_number: str, body: str, to_number: str = HOTLINE) -> dict[str, str]:
    """The form Twilio posts to the messaging webhook for one inbound SMS (a fresh sid)."""
    sids = dict.fromkeys(("MessageSid", "SmsSid", "SmsMessageSid"), "SM" + uuid.uuid4().hex)
    segment_count = str(max(segments(body), 1))
    message = {"From": from_number, "To": to_number, "Body": body, "NumSegments": segment_count}
    return {**sids, **FORM_CONSTANTS, **message}
