"""The simulator's in-memory phones and the sender that delivers to them (texts, and
calls that ring, played by ``dispatcher.sms.callplayer``).

Nothing here touches the disk; a restart forgets every conversation. The page that shows
the phones is ``dispatcher.sms.simulator``.
"""

from __future__ import annotations

import itertools
import logging
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from dispatcher.clock import Clock, SystemClock
from dispatcher.flows.ports import SendResult
from dispatcher.sms import callurls, twiml
from dispatcher.sms.callplayer import CallPlayer

log = logging.getLogger("dispatcher.sms.senders")  # the simulator's sends log beside Twilio's

CARRIER = "carrier"  # the sender of the carrier's own answers (HELP, STOP, START)


@dataclass(frozen=True)
class PhoneMessage:
    """One text on a simulated phone: sent by the hotline, the carrier or the phone itself.

    ``seq`` orders every message of every phone (it grows across resets) and is not part of
    a message's identity.
    """

    at: datetime
    sender: str
    body: str
    sid: str | None = None
    seq: int = field(default=0, compare=False)


class SimulatorPhones:
    """In-memory phones: each number's conversation with the hotline, bounded, thread-safe."""

    def __init__(self, hotline_number: str, clock: Clock | None = None, keep: int = 200) -> None:
        self.hotline_number = hotline_number
        self.clock = clock or SystemClock()
        self.keep = keep
        self._lock = threading.Lock()
        self._inboxes: dict[str, deque[PhoneMessage]] = {}
        self._seq = itertools.count(1)
        self._version = 0
        self.calls = CallPlayer(hotline_number, self.changed)

    def changed(self) -> int:
        """Something on a phone changed (a call): a new version, returned."""
        with self._lock:
            self._version = next(self._seq)
            return self._version

    def _append(self, number: str, sender: str, body: str, sid: str | None = None) -> None:
        """Add one message to a phone's conversation, dropping the oldest beyond ``keep``."""
        with self._lock:
            self._version = next(self._seq)
            message = PhoneMessage(self.clock.now(), sender, body, sid, self._version)
            self._inboxes.setdefault(number, deque(maxlen=self.keep)).append(message)

    def deliver(self, number: str, body: str) -> str:
        """Put a message from the hotline on ``number``'s phone; return its sid."""
        sid = "SM" + uuid.uuid4().hex
        self._append(number, self.hotline_number, body, sid)
        return sid

    def record_incoming(self, number: str, text: str) -> None:
        """Show a text the phone sent to the hotline."""
        self._append(number, number, text)

    def record_reply(self, number: str, text: str) -> None:
        """Show the hotline's immediate (TwiML) answer on the phone."""
        self._append(number, self.hotline_number, text)

    def record_carrier(self, number: str, text: str) -> None:
        """Show the carrier's own answer to a carrier keyword (it never reaches the service)."""
        self._append(number, CARRIER, text)

    def inbox(self, number: str) -> list[PhoneMessage]:
        """The phone's conversation, oldest first."""
        with self._lock:
            return list(self._inboxes.get(number, ()))

    def numbers(self) -> list[str]:
        """Every phone that has a conversation, sorted."""
        with self._lock:
            return sorted(self._inboxes)

    def version(self) -> int:
        """A number that changes whenever a message is added or the phones are reset."""
        with self._lock:
            return self._version

    def reset(self) -> int:
        """Forget every conversation (only the phones'; the service's rows are untouched).

        Returns how many phones were cleared.
        """
        self.calls.reset()
        with self._lock:
            cleared = len(self._inboxes)
            self._inboxes.clear()
            self._version = next(self._seq)
            return cleared

    def find(self, number: str, body: str, since: datetime) -> str | None:
        """The sid of a hotline message with this body on ``number`` since ``since``."""
        for message in reversed(self.inbox(number)):
            if message.sid and message.body == body and message.at >= since:
                return message.sid
        return None


class SimulatorSender:
    """Delivers to the in-app phones at once; nothing leaves the process.

    ``voice_url`` (``<public base>/voice``) is where a placed call's key and end are
    posted when its phone plays it (``dispatcher.sms.callplayer``).
    """

    def __init__(self, phones: SimulatorPhones, voice_url: str = "/voice") -> None:
        self.phones = phones
        self.voice_url = voice_url

    def send(self, to: str, body: str, outbox_id: int, part: int = 1) -> SendResult:
        """Put the message on the phone; always delivered."""
        sid = self.phones.deliver(to, body)
        log.info("sms.sent outbox=%s sid=%s status=delivered backend=simulator", outbox_id, sid)
        return SendResult(sid=sid, status="delivered")

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The sid of a message already on the phone, if any."""
        return self.phones.find(to, body, since)

    def redact(self, sid: str) -> bool:
        """Nothing to do: the simulated phone keeps its own inbox, in memory only."""
        return True

    def call(self, to: str, say: str, language: str, outbox_id: int) -> SendResult:
        """Ring the phone with the spoken page's TwiML (played when it is answered)."""
        status = twiml.callback_url(self.voice_url + "/status", outbox_id)
        page = callurls.page_call(say, language, self.voice_url, outbox_id)
        sid = self.phones.calls.ring_page(to, page, status)
        log.info("voice.called outbox=%s sid=%s backend=simulator", outbox_id, sid)
        return SendResult(sid=sid, status="queued")

    def find_call(self, to: str, since: datetime) -> str | None:
        """None: a simulated call is placed at once, never left uncertain."""
        return None
