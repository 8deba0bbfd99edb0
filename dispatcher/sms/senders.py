"""The Twilio sender behind ``dispatcher.flows.ports.Sender``, and ``build_sender``, which picks
Twilio or the in-app simulator (``dispatcher.sms.simulated``).

This is the only module that imports ``twilio.rest``. One call is one attempt; the outbox
owns retries. Logs name the outbox row, the sid and error codes, never a body or a number.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from dispatcher.flows.ports import LookupFailed, Sender, SendResult
from dispatcher.settings import Settings
from dispatcher.sms.callurls import page_call
from dispatcher.sms.simulated import SimulatorPhones, SimulatorSender
from dispatcher.sms.twiml import callback_url

log = logging.getLogger(__name__)
T = TypeVar("T")
# The twilio library logs request bodies at INFO; keep its HTTP client quiet whatever the
# logging set-up.
_HTTP_LOG = logging.getLogger("dispatcher.sms.twilio_http")
_HTTP_LOG.setLevel(logging.WARNING)

RATE_LIMITED = 20429
NOT_FOUND = 20404
TWILIO_API = "https://api.twilio.com"
_TWILIO_HOST = re.compile(r"^https://[A-Za-z0-9.-]*\.?twilio\.com(?=/|$)")
# How far back to look for a message Twilio may have taken before a read timeout.
_LOOKUP_SLACK = timedelta(minutes=1)
_PENDING_STATUSES = frozenset({"accepted", "scheduled", "queued", "sending"})
# How long a call to a roster member rings before it counts as not answered, in seconds.
RING_SECONDS = 25


class RedirectingHttpClient(TwilioHttpClient):
    """Twilio's HTTP client with a timeout, optionally sending ``*.twilio.com`` elsewhere.

    The proxy (``HTTPS_PROXY``, ``NO_PROXY``) and CA bundle (``REQUESTS_CA_BUNDLE``,
    ``CURL_CA_BUNDLE``) settings are read from the environment once, here: requests would
    otherwise walk the whole environment twice on every send, half the client's CPU.
    """

    def __init__(
        self, timeout: float, api_base_url: str | None = None, connections: int = 16
    ) -> None:
        self.api_base_url = api_base_url.rstrip("/") if api_base_url else None
        proxies = requests.utils.get_environ_proxies(self.api_base_url or TWILIO_API)
        super().__init__(timeout=timeout, logger=_HTTP_LOG, proxy=proxies)
        assert self.session is not None  # pooled connections: one session
        # One kept-alive connection per sending thread (the library keeps cores + 4): with
        # fewer, a broadcast's sends discard connections and open new ones (TLS each time).
        for scheme in ("https://", "http://"):
            self.session.mount(scheme, requests.adapters.HTTPAdapter(pool_maxsize=connections))
        self.session.trust_env = False
        self.session.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Send the request, to ``api_base_url`` instead of Twilio when one is set."""
        if self.api_base_url:
            url = _TWILIO_HOST.sub(self.api_base_url, url, count=1)
        return super().request(method, url, *args, **kwargs)


class TwilioSender:
    """Sends through Twilio's REST API with the official client."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        status_callback_url: str,
        timeout_seconds: float,
        api_base_url: str | None = None,
        voice_url: str = "",
        connections: int = 16,
    ) -> None:
        http = RedirectingHttpClient(timeout_seconds, api_base_url, connections)
        self.client = Client(account_sid, auth_token, http_client=http)
        self.from_number = from_number
        self.status_callback_url = status_callback_url
        self.voice_url = voice_url  # where calls report: <public base>/voice

    def send(self, to: str, body: str, outbox_id: int, part: int = 1) -> SendResult:
        """One attempt to hand ``body`` to Twilio; errors become a classified SendResult."""
        return _attempt(
            ("sms.sent", "sms.send_failed"),
            outbox_id,
            lambda: self.client.messages.create(
                to=to,
                from_=self.from_number,
                body=body,
                status_callback=callback_url(self.status_callback_url, outbox_id, part),
            ),
        )

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The sid of a message with this exact body sent to ``to`` since ``since``, if any.

        A message still queued has no DateSent yet, so the newest messages to ``to`` are
        checked as well; one still pending counts whatever its date. Raises LookupFailed
        when Twilio cannot be asked: the answer is unknown, so do not send yet.
        """
        since = since - _LOOKUP_SLACK  # the two clocks may disagree a little
        listed = _look_up(
            "sms.lookup_failed",
            lambda: [
                *self.client.messages.list(
                    to=to, from_=self.from_number, date_sent_after=since, limit=200
                ),
                *self.client.messages.list(to=to, from_=self.from_number, limit=50),
            ],
        )
        for message in listed:
            if message.body == body and _since(message, since):
                return str(message.sid)
        return None

    def call(self, to: str, say: str, language: str, outbox_id: int) -> SendResult:
        """One attempt to place a call that speaks ``say`` and takes one key (``voice_page``).

        The key goes to ``/voice/page?o=<outbox_id>``; the call's end to ``/voice/status``.
        Never recorded.
        """
        return _attempt(
            ("voice.called", "voice.call_failed"),
            outbox_id,
            lambda: self.client.calls.create(
                to=to,
                from_=self.from_number,
                twiml=page_call(say, language, self.voice_url, outbox_id),
                status_callback=callback_url(self.voice_url + "/status", outbox_id),
                status_callback_event=["completed"],
                status_callback_method="POST",
                timeout=RING_SECONDS,
            ),
        )

    def find_call(self, to: str, since: datetime) -> str | None:
        """The sid of a call from the hotline to ``to`` created since ``since``, if any.

        Raises LookupFailed when Twilio cannot be asked.
        """
        since = since - _LOOKUP_SLACK
        calls = _look_up(
            "voice.lookup_failed",
            lambda: self.client.calls.list(to=to, from_=self.from_number, limit=20),
        )
        for call in calls:
            if call.date_created is not None and call.date_created >= since:
                return str(call.sid)
        return None

    def redact(self, sid: str) -> bool:
        """Blank then delete Twilio's copy of a message (a call's record for a ``CA`` sid).

        False while the message or call is not finished (try again later).
        """
        try:
            if sid.startswith("CA"):
                self.client.calls(sid).delete()
            else:
                self.client.messages(sid).update(body="")
                self.client.messages(sid).delete()
        except TwilioRestException as exc:
            if exc.code == NOT_FOUND or exc.status == 404:
                return True
            log.info("sms.redact_later sid=%s code=%s", sid, exc.code)
            return False
        except requests.RequestException as exc:
            log.info("sms.redact_later sid=%s error=%s", sid, type(exc).__name__)
            return False
        log.info("sms.redacted sid=%s", sid)
        return True


def _attempt(events: tuple[str, str], outbox_id: int, create: Callable[[], Any]) -> SendResult:
    """Run one ``create`` call against Twilio and classify the outcome; log it under
    ``events`` (taken, failed) with the outbox row, the sid and error codes only."""
    taken, failed = events
    try:
        created = create()
    except TwilioRestException as exc:
        result = rest_error_result(exc)
    except requests.RequestException as exc:
        result = network_error_result(exc)
    else:
        log.info("%s outbox=%s sid=%s status=%s", taken, outbox_id, created.sid, created.status)
        return SendResult(sid=created.sid, status=created.status)
    log.warning(
        "%s outbox=%s code=%s retryable=%s uncertain=%s",
        failed,
        outbox_id,
        result.error_code,
        result.retryable,
        result.uncertain,
    )
    return result


def _look_up(event: str, listing: Callable[[], list[T]]) -> list[T]:
    """What ``listing`` reads from Twilio; raises LookupFailed (logged as ``event``) when it
    fails: whatever went wrong, the answer is unknown."""
    try:
        return listing()
    except Exception as exc:
        log.warning("%s error=%s", event, type(exc).__name__)
        raise LookupFailed(type(exc).__name__) from exc


def _since(message: Any, since: datetime) -> bool:
    """True when the listed message is still pending or was created or sent since ``since``."""
    stamps = [s for s in (message.date_created, message.date_sent) if s is not None]
    return message.status in _PENDING_STATUSES or any(stamp >= since for stamp in stamps)


def rest_error_result(exc: TwilioRestException) -> SendResult:
    """Classify an API error: 5xx and 429/20429 are worth retrying, other 4xx are final."""
    status = int(exc.status or 0)
    code = int(exc.code) if exc.code is not None else None
    retryable = status >= 500 or status == 429 or code == RATE_LIMITED
    return SendResult(error_code=code, retryable=retryable, uncertain=False)


def network_error_result(exc: requests.RequestException) -> SendResult:
    """Classify a network error: all retryable; uncertain unless it never connected."""
    return SendResult(retryable=True, uncertain=not never_connected(exc))


def never_connected(exc: BaseException) -> bool:
    """True when the request provably never reached the server (connect failure)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__name__ in {"NewConnectionError", "ConnectTimeoutError"}:
            return True
        cause = _inner(cause)
    return False


def _inner(exc: BaseException) -> BaseException | None:
    """The error wrapped by ``exc`` (requests and urllib3 nest them in ``args``)."""
    reason = getattr(exc, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    nested = [a for a in exc.args if isinstance(a, BaseException)]
    return nested[0] if nested else exc.__cause__


def build_sender(settings: Settings, phones: SimulatorPhones | None = None) -> Sender:
    """The sender named by ``settings.sms_backend`` (a fresh set of phones if none given)."""
    if settings.sms_backend == "simulator":
        voice_url = settings.public_base_url + "/voice"
        return SimulatorSender(phones or SimulatorPhones(settings.hotline_number), voice_url)
    return TwilioSender(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        from_number=settings.hotline_number,
        status_callback_url=settings.public_base_url + "/sms/status",
        timeout_seconds=settings.send_timeout.total_seconds(),
        api_base_url=settings.twilio_api_base_url or None,
        voice_url=settings.public_base_url + "/voice",
        connections=settings.send_concurrency,
    )
