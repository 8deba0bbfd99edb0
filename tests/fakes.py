"""A fake Twilio REST API that the real ``twilio`` client talks to over real HTTP.

``FakeTwilio`` serves the Messages and Calls parts of the 2010-04-01 API on 127.0.0.1 (a
random port) and records everything it is asked. When Twilio's OpenAPI description is present
(``../shared/twilio/twilio_api_v2010.json`` next to the repository, as in CI), every request
is checked against it and whatever does not conform lands in ``violations``; without the
file only that check is skipped. Failures can be injected into message creation, and
``deliver`` posts a signed status callback so scenario tests can drive ``/sms/status``;
``press`` and ``end_call`` play the callee of a placed call (a key, the call's end).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import requests
from twilio.request_validator import RequestValidator
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from dispatcher.clock import Clock, SystemClock
from dispatcher.sms.messages import segments

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "twilio" / "twilio_api_v2010.json"
API = "/2010-04-01/Accounts/<account>"
FINAL_STATUSES = frozenset({"sent", "delivered", "undelivered", "failed", "canceled", "read"})
ERROR_MESSAGES = {
    20003: "Authenticate",
    20009: "Cannot delete message because delivery has not been completed.",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    21211: "Invalid 'To' Phone Number",
    21617: "The concatenated message body exceeds the 1600 character limit",
    21610: "Attempt to send to unsubscribed recipient",
}


class Posted(Protocol):
    """What ``signed_post`` returns: a Flask test response or a ``requests`` response."""

    status_code: int

    @property
    def text(self) -> str: ...


@dataclass
class FakeMessage:
    """One message the fake holds. ``sent_body`` is what was asked for, ``body`` what is kept."""

    sid: str
    account_sid: str
    to: str
    from_: str
    sent_body: str
    body: str
    status_callback: str | None
    date_created: datetime
    date_updated: datetime
    status: str = "queued"
    date_sent: datetime | None = None
    error_code: int | None = None
    deleted: bool = False


@dataclass
class FakeCall:
    """One call the fake placed: the TwiML it was given and where its status goes."""

    sid: str
    account_sid: str
    to: str
    from_: str
    twiml: str
    status_callback: str | None
    date_created: datetime
    status: str = "queued"
    deleted: bool = False


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    received_at: float = 0.0  # time.monotonic() on arrival, for benchmarks


@dataclass
class _Injection:
    """A planned misbehaviour for the next message creations (to one number, or any)."""

    remaining: int
    status: int = 500
    code: int = 20500
    to: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class Outage:
    """The API is down: every Messages request answers ``status`` or hangs ``hang`` seconds.

    A hung creation keeps the message when ``keep`` (Twilio took it, the client timed out).
    """

    status: int = 500
    code: int = 20500
    hang: float = 0.0
    keep: bool = True


@dataclass
class _State:
    messages: dict[str, FakeMessage] = field(default_factory=dict)
    requests: list[ReceivedRequest] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    injections: list[_Injection] = field(default_factory=list)
    deleted_calls: list[str] = field(default_factory=list)
    calls: dict[str, FakeCall] = field(default_factory=dict)


class _QuietHandler(WSGIRequestHandler):
    """No access log: request lines carry phone numbers."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@cache
def load_spec(path: Path = SPEC_PATH) -> Any | None:
    """Twilio's OpenAPI description ready for openapi-core, or None without the file."""
    if not path.exists():
        return None
    from openapi_core import Config, OpenAPI

    spec = json.loads(path.read_text())
    spec["servers"] = [{"url": "/"}]
    for item in spec["paths"].values():
        item.pop("servers", None)
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("servers", None)
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


class FakeTwilio:
    """The fake API server. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(
        self,
        auth_token: str = "test-auth-token",
        clock: Clock | None = None,
        spec_path: Path = SPEC_PATH,
    ) -> None:
        self.auth_token = auth_token
        self.clock = clock or SystemClock()
        self.spec = load_spec(spec_path)
        # When set, 20009 refuses to blank or delete a message that is not final yet.
        self.strict_redaction = False
        # Where status callbacks are posted (a Flask test client or a live base URL); by
        # default the message's own StatusCallback URL.
        self.callback_target: Any = None
        # While set, the API is down (see Outage); ``outage = None`` brings it back.
        self.outage: Outage | None = None
        self._state = _State()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._urls = Map(
            [
                Rule(f"{API}/Messages.json", endpoint="messages", methods=["GET", "POST"]),
                Rule(f"{API}/Messages/<sid>.json", endpoint="message"),
                Rule(f"{API}/Calls.json", endpoint="calls", methods=["GET", "POST"]),
                Rule(f"{API}/Calls/<sid>.json", endpoint="call", methods=["DELETE"]),
            ]
        )

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> FakeTwilio:
        """Serve on 127.0.0.1 at a random port, in a background thread."""
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; delayed requests are released at once."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``DISPATCHER_TWILIO_API_BASE_URL`` should be."""
        if self._server is None:
            raise RuntimeError("FakeTwilio is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    # -- failure injection (applies to message creation) ---------------------------------

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        """The next ``n`` message creations fail with ``status`` (code 20500)."""
        self._inject(_Injection(remaining=n, status=status, code=20500))

    def fail_with_code(
        self, code: int = 21610, status: int = 400, to: str | None = None, times: int = 1
    ) -> None:
        """The next ``times`` creations (to ``to`` only, if given) fail with ``code``."""
        self._inject(_Injection(remaining=times, status=status, code=code, to=to))

    def rate_limit_next(self, n: int = 1) -> None:
        """The next ``n`` creations get 429 with code 20429."""
        self._inject(_Injection(remaining=n, status=429, code=20429))

    def delay_next(self, seconds: float, n: int = 1, to: str | None = None) -> None:
        """The next ``n`` creations (to ``to`` only, if given) are accepted, then answered
        only after ``seconds``."""
        self._inject(_Injection(remaining=n, status=201, code=0, to=to, delay=seconds))

    def _inject(self, injection: _Injection) -> None:
        with self._lock:
            self._state.injections.append(injection)

    def _take_injection(self, to: str) -> _Injection | None:
        """Consume the first planned misbehaviour that applies to a message to ``to``."""
        with self._lock:
            for injection in self._state.injections:
                if injection.remaining > 0 and injection.to in (None, to):
                    injection.remaining -= 1
                    return injection
        return None

    # -- inspection ----------------------------------------------------------------------

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Every request received, oldest first."""
        with self._lock:
            return list(self._state.requests)

    @property
    def violations(self) -> list[str]:
        """Requests that do not conform to Twilio's OpenAPI description."""
        with self._lock:
            return list(self._state.violations)

    @property
    def messages(self) -> list[FakeMessage]:
        """Every message created, oldest first (deleted ones included)."""
        with self._lock:
            return list(self._state.messages.values())

    @property
    def deleted_calls(self) -> list[str]:
        """The sids of the call records deleted, oldest first."""
        with self._lock:
            return list(self._state.deleted_calls)

    @property
    def calls(self) -> list[FakeCall]:
        """Every call placed, oldest first (deleted ones included)."""
        with self._lock:
            return list(self._state.calls.values())

    def calls_to(self, number: str) -> list[FakeCall]:
        """The calls placed to ``number``, oldest first."""
        return [c for c in self.calls if c.to == number]

    def press(self, sid: str, digits: str) -> Posted:
        """The callee of call ``sid`` presses ``digits`` during its ``<Gather>``: post the
        signed key press to the Gather's action, as Twilio would; return the answer."""
        call = self._state.calls[sid]
        action = gather_action(call.twiml)
        params = {
            "AccountSid": call.account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": sid,
            "CallStatus": "in-progress",
            "Direction": "outbound-api",
            "From": call.from_,
            "To": call.to,
            "Digits": digits,
            "FinishedOnKey": "",
        }
        return signed_post(self.callback_target, action, params, self.auth_token)

    def end_call(self, sid: str, status: str = "completed") -> Posted:
        """Call ``sid`` ends with ``status``: post its signed status callback."""
        with self._lock:
            call = self._state.calls[sid]
            call.status = status
        if not call.status_callback:
            raise ValueError(f"call {sid} has no StatusCallback")
        params = {
            "AccountSid": call.account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": sid,
            "CallStatus": status,
            "Direction": "outbound-api",
            "From": call.from_,
            "To": call.to,
            "CallDuration": "20",
        }
        return signed_post(self.callback_target, call.status_callback, params, self.auth_token)

    def message(self, sid: str) -> FakeMessage:
        """The message with this sid (KeyError if none)."""
        with self._lock:
            return self._state.messages[sid]

    def messages_to(self, number: str) -> list[str]:
        """The bodies sent to ``number``, oldest first, as they were when sent."""
        return [m.sent_body for m in self.messages if m.to == number]

    def retained_bodies(self) -> list[str]:
        """Bodies the fake still holds: neither blanked nor deleted."""
        return [m.body for m in self.messages if m.body and not m.deleted]

    def deliver(self, sid: str, status: str = "delivered", error_code: int | None = None) -> Posted:
        """Move a message to ``status`` and post its signed status callback; return the answer."""
        with self._lock:
            message = self._state.messages[sid]
            message.status, message.error_code = status, error_code
            message.date_updated = self.clock.now()
            if status in ("sent", "delivered") and message.date_sent is None:
                message.date_sent = message.date_updated
        if not message.status_callback:
            raise ValueError(f"message {sid} has no StatusCallback")
        params = {
            "AccountSid": message.account_sid,
            "ApiVersion": "2010-04-01",
            "From": message.from_,
            "To": message.to,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
        }
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return signed_post(self.callback_target, message.status_callback, params, self.auth_token)

    # -- the HTTP side -------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        request.get_data(cache=True)  # keep the raw form for the OpenAPI check
        self._record(request)
        response = self._dispatch(request)
        return response(environ, start_response)

    def _record(self, request: Request) -> None:
        """Remember the request and check it against the OpenAPI description."""
        received = ReceivedRequest(
            method=request.method,
            path=request.path,
            query={k: request.args.getlist(k) for k in request.args},
            form={k: request.form.getlist(k) for k in request.form},
            received_at=time.monotonic(),
        )
        problems = self._violations_of(request)
        with self._lock:
            self._state.requests.append(received)
            self._state.violations.extend(problems)

    def _violations_of(self, request: Request) -> list[str]:
        """What is wrong with ``request`` according to Twilio's OpenAPI description."""
        if self.spec is None:
            return []
        from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest

        try:
            self.spec.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as exc:
            causes = getattr(exc, "__cause__", None)
            return [f"{request.method} {request.path}: {exc!r} {causes or ''}".strip()]
        return []

    def _dispatch(self, request: Request) -> Response:
        adapter = self._urls.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except Exception:
            return _error(404, 20404)
        account = args["account"]
        if not self._authorised(request, account):
            return _error(401, 20003)
        if endpoint == "call":
            with self._lock:
                self._state.deleted_calls.append(args["sid"])
                if args["sid"] in self._state.calls:
                    self._state.calls[args["sid"]].deleted = True
            return Response(status=204)
        if endpoint == "calls":
            if request.method == "POST":
                return self._create_call(request, account)
            return self._list_calls(request, account)
        outage = self.outage
        if outage is not None and endpoint == "messages":
            return self._down(request, account, outage)
        if endpoint == "messages":
            if request.method == "POST":
                return self._create(request, account)
            return self._list(request, account)
        if request.method == "DELETE":
            return self._delete(args["sid"])
        if request.method == "POST":
            return self._update(request, args["sid"])
        return self._fetch(args["sid"])

    def _authorised(self, request: Request, account: str) -> bool:
        """HTTP basic auth with the account SID and the auth token, as Twilio requires."""
        header = request.headers.get("Authorization", "")
        expected = base64.b64encode(f"{account}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"

    def _down(self, request: Request, account: str, outage: Outage) -> Response:
        """Answer as an API that is down: an error at once, or after hanging."""
        if not outage.hang:
            return _error(outage.status, outage.code)
        if request.method == "POST" and outage.keep:
            self._keep(request, account)
        self._stopping.wait(outage.hang)
        return _error(503, 20500)

    def _keep(self, request: Request, account: str) -> FakeMessage:
        """Store the message a creation asks for (queued), as Twilio would."""
        now = self.clock.now()
        message = FakeMessage(
            sid="SM" + uuid.uuid4().hex,
            account_sid=account,
            to=request.form.get("To", ""),
            from_=request.form.get("From", ""),
            sent_body=request.form.get("Body", ""),
            body=request.form.get("Body", ""),
            status_callback=request.form.get("StatusCallback"),
            date_created=now,
            date_updated=now,
        )
        with self._lock:
            self._state.messages[message.sid] = message
        return message

    def _create(self, request: Request, account: str) -> Response:
        to, body = request.form.get("To", ""), request.form.get("Body", "")
        if len(body.encode("utf-16-le")) // 2 > 1600:
            return _error(400, 21617)
        injection = self._take_injection(to)
        if injection is not None and not injection.delay:
            return _error(injection.status, injection.code)
        message = self._keep(request, account)
        if injection is not None:
            self._stopping.wait(injection.delay)
        return _json(201, _resource(message))

    def _create_call(self, request: Request, account: str) -> Response:
        """Place a call (``Twiml`` only: the service never hands Twilio a URL to fetch)."""
        to = request.form.get("To", "")
        injection = self._take_injection(to)
        if injection is not None and not injection.delay:
            return _error(injection.status, injection.code)
        call = FakeCall(
            sid="CA" + uuid.uuid4().hex,
            account_sid=account,
            to=to,
            from_=request.form.get("From", ""),
            twiml=request.form.get("Twiml", ""),
            status_callback=request.form.get("StatusCallback"),
            date_created=self.clock.now(),
        )
        with self._lock:
            self._state.calls[call.sid] = call
        if injection is not None:
            self._stopping.wait(injection.delay)
        return _json(201, _call_resource(call))

    def _list_calls(self, request: Request, account: str) -> Response:
        found = [
            c
            for c in reversed(self.calls)
            if c.account_sid == account
            and not c.deleted
            and request.args.get("To", c.to) == c.to
            and request.args.get("From", c.from_) == c.from_
        ]
        size = int(request.args.get("PageSize", 50))
        uri = f"{request.path}?{urlencode({**request.args, 'PageSize': size, 'Page': 0})}"
        return _json(
            200,
            {
                "calls": [_call_resource(c) for c in found[:size]],
                "page": 0,
                "page_size": size,
                "start": 0,
                "end": max(min(len(found), size) - 1, 0),
                "uri": uri,
                "first_page_uri": uri,
                "next_page_uri": None,
                "previous_page_uri": None,
            },
        )

    def _list(self, request: Request, account: str) -> Response:
        found = [
            m
            for m in reversed(self.messages)
            if m.account_sid == account and not m.deleted and _matches(m, request.args)
        ]
        size = int(request.args.get("PageSize", 50))
        page = int(request.args.get("Page", 0))
        chunk = found[page * size : (page + 1) * size]

        def uri(number: int) -> str:
            query = {k: v for k, v in request.args.items() if k not in ("Page", "PageToken")}
            return f"{request.path}?{urlencode({**query, 'PageSize': size, 'Page': number})}"

        more = len(found) > (page + 1) * size
        return _json(
            200,
            {
                "messages": [_resource(m) for m in chunk],
                "page": page,
                "page_size": size,
                "start": page * size,
                "end": page * size + max(len(chunk) - 1, 0),
                "uri": uri(page),
                "first_page_uri": uri(0),
                "next_page_uri": uri(page + 1) if more else None,
                "previous_page_uri": uri(page - 1) if page else None,
            },
        )

    def _live(self, sid: str) -> FakeMessage | None:
        with self._lock:
            message = self._state.messages.get(sid)
        return message if message is not None and not message.deleted else None

    def _fetch(self, sid: str) -> Response:
        message = self._live(sid)
        return _json(200, _resource(message)) if message else _error(404, 20404)

    def _update(self, request: Request, sid: str) -> Response:
        message = self._live(sid)
        if message is None:
            return _error(404, 20404)
        if "Body" in request.form:
            if request.form["Body"] != "":
                return _error(400, 21219)
            if self.strict_redaction and message.status not in FINAL_STATUSES:
                return _error(409, 20009)
            with self._lock:
                message.body = ""
                message.date_updated = self.clock.now()
        return _json(200, _resource(message))

    def _delete(self, sid: str) -> Response:
        message = self._live(sid)
        if message is None:
            return _error(404, 20404)
        if self.strict_redaction and message.status not in FINAL_STATUSES:
            return _error(409, 20009)
        with self._lock:
            message.deleted = True
            message.body = ""
        return Response(status=204)


def _matches(message: FakeMessage, args: Any) -> bool:
    """True when ``message`` passes the list filters To, From, DateSent, DateSent<, DateSent>."""
    if "To" in args and message.to != args["To"]:
        return False
    if "From" in args and message.from_ != args["From"]:
        return False
    for key, keep in (
        ("DateSent", lambda sent, bound: sent.date() == bound.date()),
        ("DateSent<", lambda sent, bound: sent <= bound),
        ("DateSent>", lambda sent, bound: sent >= bound),
    ):
        if key in args:
            if message.date_sent is None:
                return False
            if not keep(message.date_sent, _instant(args[key])):
                return False
    return True


def _instant(text: str) -> datetime:
    """A filter value, ``YYYY-MM-DD`` or ISO 8601 with ``Z``, as an aware UTC datetime."""
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _rfc2822(value: datetime | None) -> str | None:
    return format_datetime(value.astimezone(UTC)) if value else None


def _resource(message: FakeMessage) -> dict[str, Any]:
    """The message as Twilio's JSON resource."""
    uri = f"/2010-04-01/Accounts/{message.account_sid}/Messages/{message.sid}"
    return {
        "account_sid": message.account_sid,
        "api_version": "2010-04-01",
        "body": message.body,
        "date_created": _rfc2822(message.date_created),
        "date_sent": _rfc2822(message.date_sent),
        "date_updated": _rfc2822(message.date_updated),
        "direction": "outbound-api",
        "error_code": message.error_code,
        "error_message": None,
        "from": message.from_,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": str(max(segments(message.sent_body), 1)),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
        "to": message.to,
        "uri": f"{uri}.json",
    }


def _call_resource(call: FakeCall) -> dict[str, Any]:
    """The call as Twilio's JSON resource."""
    uri = f"/2010-04-01/Accounts/{call.account_sid}/Calls/{call.sid}"
    return {
        "account_sid": call.account_sid,
        "api_version": "2010-04-01",
        "date_created": _rfc2822(call.date_created),
        "date_updated": _rfc2822(call.date_created),
        "direction": "outbound-api",
        "from": call.from_,
        "sid": call.sid,
        "status": call.status,
        "to": call.to,
        "uri": f"{uri}.json",
    }


def gather_action(twiml: str) -> str:
    """The ``action`` of the ``<Gather>`` in ``twiml`` (ValueError when there is none)."""
    gather = ElementTree.fromstring(twiml).find("Gather")
    if gather is None or not gather.get("action"):
        raise ValueError("the TwiML has no <Gather action>")
    return str(gather.get("action"))


def _json(status: int, payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


def _error(status: int, code: int) -> Response:
    """An error answer shaped like Twilio's."""
    return _json(
        status,
        {
            "code": code,
            "message": ERROR_MESSAGES.get(code, "Error"),
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )


def signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """The X-Twilio-Signature Twilio would send for a POST of ``params`` to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, params))


def signed_post(client_or_url: Any, url: str, params: dict[str, str], auth_token: str) -> Posted:
    """POST ``params`` signed for ``url`` (the public URL Twilio would call).

    ``client_or_url`` is a Flask test client, a live server's base URL (the request goes
    there with ``url``'s path and query), or None to post to ``url`` itself.
    """
    headers = {"X-Twilio-Signature": signature(url, params, auth_token)}
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if client_or_url is None or isinstance(client_or_url, str):
        target = url if client_or_url is None else client_or_url.rstrip("/") + path
        with requests.Session() as session:
            session.trust_env = False
            response: Posted = session.post(target, data=params, headers=headers, timeout=15)
        return response
    posted: Posted = client_or_url.post(path, data=params, headers=headers)
    return posted


def inbound_params(
    from_number: str,
    body: str,
    to_number: str = "+12625550100",
    account_sid: str = "AC" + "0" * 32,
    **extra: str,
) -> dict[str, str]:
    """The form Twilio posts to the messaging webhook for one inbound SMS (a fresh sid)."""
    sid = "SM" + uuid.uuid4().hex
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": account_sid,
        "MessagingServiceSid": "",
        "From": from_number,
        "To": to_number,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": str(max(segments(body), 1)),
        "ApiVersion": "2010-04-01",
        **extra,
    }
