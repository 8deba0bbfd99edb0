"""The SMS simulator: in-memory phones, the sender that delivers to them, and the page where
one texts the hotline as any listed or unknown number and watches every phone's inbox. The
page is mounted only when the simulator backend is on; nothing reaches a carrier and the
conversations live in memory only.

It shows every conversation, so it is open to anyone only while the service is reachable
on loopback alone: the public base URL's host is loopback and, under ``dispatcher run``,
so is the address it listens on. Otherwise only a signed-in admin may open it.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from dispatcher import web
from dispatcher.clock import Clock, SystemClock
from dispatcher.flows.ports import SendResult
from dispatcher.phones import to_e164
from dispatcher.rosters.models import Agency, Officer, Person
from dispatcher.sms import inbound
from dispatcher.sms.messages import write
from dispatcher.sms.webhooks import flow_context, limiter

log = logging.getLogger("dispatcher.sms.senders")  # the simulator's sends log beside Twilio's
blueprint = Blueprint("simulator", __name__, template_folder="templates")


@dataclass(frozen=True)
class PhoneMessage:
    """One text on a simulated phone: sent by the hotline or by the phone itself."""

    at: datetime
    sender: str
    body: str
    sid: str | None = None


class SimulatorPhones:
    """In-memory phones: each number's conversation with the hotline, bounded, thread-safe.

    Nothing here touches the disk; a restart forgets every conversation.
    """

    def __init__(self, hotline_number: str, clock: Clock | None = None, keep: int = 200) -> None:
        self.hotline_number = hotline_number
        self.clock = clock or SystemClock()
        self.keep = keep
        self._lock = threading.Lock()
        self._inboxes: dict[str, deque[PhoneMessage]] = {}

    def _append(self, number: str, message: PhoneMessage) -> None:
        """Add one message to a phone's conversation, dropping the oldest beyond ``keep``."""
        with self._lock:
            inbox = self._inboxes.setdefault(number, deque(maxlen=self.keep))
            inbox.append(message)

    def deliver(self, number: str, body: str) -> str:
        """Put a message from the hotline on ``number``'s phone; return its sid."""
        sid = "SM" + uuid.uuid4().hex
        self._append(number, PhoneMessage(self.clock.now(), self.hotline_number, body, sid))
        return sid

    def record_incoming(self, number: str, text: str) -> None:
        """Show a text the phone sent to the hotline."""
        self._append(number, PhoneMessage(self.clock.now(), number, text))

    def record_reply(self, number: str, text: str) -> None:
        """Show the hotline's immediate (TwiML) answer on the phone."""
        self._append(number, PhoneMessage(self.clock.now(), self.hotline_number, text))

    def inbox(self, number: str) -> list[PhoneMessage]:
        """The phone's conversation, oldest first."""
        with self._lock:
            return list(self._inboxes.get(number, ()))

    def numbers(self) -> list[str]:
        """Every phone that has a conversation, sorted."""
        with self._lock:
            return sorted(self._inboxes)

    def find(self, number: str, body: str, since: datetime) -> str | None:
        """The sid of a hotline message with this body on ``number`` since ``since``."""
        for message in reversed(self.inbox(number)):
            if message.sid and message.body == body and message.at >= since:
                return message.sid
        return None


# How a spoken page shows on a simulated phone (which has no keypad yet).
CALL_MARK = "(call) "


class SimulatorSender:
    """Delivers to the in-app phones at once; nothing leaves the process."""

    def __init__(self, phones: SimulatorPhones) -> None:
        self.phones = phones

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
        """The simulated phones do not ring yet: the spoken page shows as a message."""
        sid = self.phones.deliver(to, CALL_MARK + say)
        log.info("voice.called outbox=%s sid=%s backend=simulator", outbox_id, sid)
        return SendResult(sid=sid, status="completed")

    def find_call(self, to: str, since: datetime) -> str | None:
        """None: a simulated call is placed at once, never left uncertain."""
        return None


@dataclass(frozen=True)
class Phone:
    """A phone on the page: its number, who holds it and their conversation."""

    number: str
    label: str
    messages: list[tuple[str, str, str]]  # (time, direction, text)


def phones() -> SimulatorPhones:
    """The in-app phones shared with the simulator sender."""
    return phones_of(web.runtime())


def phones_of(runtime: web.Runtime) -> SimulatorPhones:
    """The in-app phones the runtime's simulator sender delivers to (memory only).

    Raises LookupError when the runtime sends through another backend.
    """
    if isinstance(runtime.sender, SimulatorSender):
        return runtime.sender.phones
    raise LookupError("the SMS backend is not the simulator: no in-app phones")


def directory() -> list[tuple[str, str]]:
    """(number, label) for every listed person and officer, for the sender picker."""
    session = web.db_session()
    people = [
        (p.phone, f"{p.name} ({'coordinator' if p.coordinator else 'roster'})")
        for p in session.scalars(select(Person).order_by(Person.name))
    ]
    officers = [
        (o.phone, f"{o.name} ({agency})")
        for o, agency in session.execute(
            select(Officer, Agency.name)
            .join(Agency)
            .where(Officer.revoked_at.is_(None))
            .order_by(Officer.name)
        )
    ]
    return officers + people


def is_loopback(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def open_to_all(runtime: web.Runtime) -> bool:
    """True when the service is reachable on loopback only (public URL and bind address)."""
    public = urlsplit(runtime.settings.public_base_url).hostname
    bind = runtime.bind_host
    return is_loopback(public) and (bind is None or is_loopback(bind))


@blueprint.before_request
def _guard() -> ResponseReturnValue | None:
    """Beyond loopback, only a signed-in admin may see the conversations."""
    if open_to_all(web.runtime()):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("admin.login", next="/admin/home"))
    if current_user.role != "admin":
        abort(403)
    return None


@blueprint.get("/simulator")
def page() -> ResponseReturnValue:
    """Every phone's conversation, and a form to text the hotline."""
    labels = dict(directory())
    zone = web.runtime().settings.zone
    shown = []
    for number in phones().numbers():
        messages = [
            (
                m.at.astimezone(zone).strftime("%H:%M:%S"),
                "out" if m.sender == number else "in",
                m.body,
            )
            for m in reversed(phones().inbox(number))
        ]
        shown.append(Phone(number, labels.get(number, "unknown number"), messages))
    return render_template(
        "sms/simulator.html",
        directory=labels,
        phones=shown,
        hotline=web.runtime().settings.hotline_number,
    )


@blueprint.post("/simulator/send")
def send() -> ResponseReturnValue:
    """Text the hotline as the chosen number, exactly as a Twilio webhook would."""
    number = normalise(request.form.get("other") or request.form.get("number", ""))
    body = request.form.get("body", "").strip()
    if number is None or not body:
        flash("Choose a sender (or type a valid number) and write a message.")
        return redirect(url_for("simulator.page"))
    session = web.db_session()
    ctx = flow_context()
    reply = inbound.handle_text(session, ctx, limiter(), number, body)
    session.commit()
    phones().record_incoming(number, body)
    if reply is not None:
        phones().record_reply(number, write(reply.text, reply.language))
    ctx.kick()
    return redirect(url_for("simulator.page"))


def normalise(number: str) -> str | None:
    """A typed number in E.164 (national formats read in the default region), or None."""
    return to_e164(number, web.runtime().settings.default_region)
