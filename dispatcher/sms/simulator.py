"""The SMS simulator page: text the hotline as any listed or unknown number and watch every
phone's conversation, for a drill with a room of volunteers. Mounted only when the simulator
backend is on; nothing reaches a carrier and the conversations live in memory only
(``dispatcher.sms.simulated``).

The page shows one card per phone (every listed officer and person, then unknown numbers
that texted), each with its own reply box and its call: an officer's phone can call the
hotline, any phone rings when the service calls it, and a call in progress shows what
the phone hears and a keypad (``dispatcher.sms.callplayer`` plays Twilio's part). A small
script (``static/sms/simulator.js``) polls ``/simulator/phones`` and updates each card's
messages and call in place, never touching the text forms, so nothing a trainer types is
lost; without JavaScript every form still posts and
the page comes back.

It shows every conversation, so it is open to anyone only while the service is reachable
on loopback alone: the public base URL's host is loopback and, under ``dispatcher run``,
so is the address it listens on. Otherwise only a signed-in admin may open it.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.test import Client

from dispatcher import web
from dispatcher.audit import Auditor
from dispatcher.durations import format_duration
from dispatcher.flows import drills
from dispatcher.phones import to_e164
from dispatcher.rosters.models import Roster
from dispatcher.sms import inbound
from dispatcher.sms.callplayer import NoSuchCall, PhoneBusy, Poster
from dispatcher.sms.cards import Card, card_key, card_parts, phone_cards
from dispatcher.sms.carrier import carrier_answer
from dispatcher.sms.messages import write
from dispatcher.sms.security import SIGNATURE_HEADER, signature_for
from dispatcher.sms.simulated import PhoneMessage, SimulatorPhones, SimulatorSender
from dispatcher.sms.webhooks import flow_context, limiter

__all__ = ["PhoneMessage", "SimulatorPhones", "SimulatorSender", "blueprint", "phones_of"]

log = logging.getLogger("dispatcher.sms.simulator")
blueprint = Blueprint(
    "simulator",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/simulator/static",
)
POLL_SECONDS = 2
SIMULATOR_ACTOR = "simulator"  # who drills started on this page are by, in the audit log
SENDER_KEY = "simulator_sender"  # the last "Send as" choice, kept in the session cookie


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


def _cards() -> list[Card]:
    """Every phone card at the service clock's now, in their stable order."""
    runtime = web.runtime()
    return phone_cards(
        web.db_session(),
        phones(),
        runtime.clock.now(),
        runtime.settings.zone,
        runtime.settings.default_region,
    )


@blueprint.get("/simulator")
def page() -> ResponseReturnValue:
    """Every phone's card, the "Send as" form and the drill controls."""
    cards = _cards()
    return render_template(
        "sms/simulator.html",
        cards=cards,
        senders=[(c.number, c.label) for c in cards if c.listed],
        last_sender=session.get(SENDER_KEY, ""),
        hotline=web.runtime().settings.hotline_number,
        poll_seconds=POLL_SECONDS,
        rosters=web.db_session()
        .execute(select(Roster.id, Roster.name).order_by(Roster.name))
        .all(),
    )


@blueprint.get("/simulator/phones")
def phone_updates() -> ResponseReturnValue:
    """The cards' changing parts as JSON, for the page's script to put in place."""
    parts = [card_parts(card) for card in _cards()]
    return jsonify(version=phones().version(), cards=parts)


@blueprint.post("/simulator/send")
def send() -> ResponseReturnValue:
    """Text the hotline as the chosen number, exactly as a Twilio webhook would.

    A carrier keyword sent alone also gets the carrier's own answer, shown as the carrier's.
    """
    number = normalise(request.form.get("other") or request.form.get("number", ""))
    body = request.form.get("body", "").strip()
    if number is None or not body:
        return _answer(_("Choose a sender (or type a valid number) and write a message."), 422)
    if request.form.get("remember"):
        session[SENDER_KEY] = number
    db = web.db_session()
    ctx = flow_context()
    reply = inbound.handle_text(db, ctx, limiter(), number, body)
    db.commit()
    phones().record_incoming(number, body)
    carrier = carrier_answer(body)
    if carrier is not None:
        phones().record_carrier(number, carrier)
    if reply is not None:
        phones().record_reply(number, write(reply.text, reply.language))
    ctx.kick()
    return _answer(_("Sent."), anchor=card_key(number))


# What a phone's call buttons do (``do``); any of KEYS is a key on the keypad.
CALL_ACTIONS = ("dial", "answer", "decline", "nokey", "hangup")
KEYS = tuple("123456789*0#")


@blueprint.post("/simulator/call")
def call() -> ResponseReturnValue:
    """A phone's call button: call the hotline, answer, decline, a key, no key, hang up.

    The simulator plays Twilio's part: the service's answers come from its own voice
    routes, posted and signed as Twilio would (``dispatcher.sms.callplayer``).
    """
    number = normalise(request.form.get("number", ""))
    action = request.form.get("do", "")
    if number is None or (action not in CALL_ACTIONS and action not in KEYS):
        return _answer(_("Choose a phone and what it does."), 422)
    if "db_session" in g:  # the service's webhooks below open their own transactions
        g.db_session.rollback()
    player, post = phones().calls, poster()
    try:
        if action == "dial":
            hotline = web.runtime().settings.public_base_url.rstrip("/") + "/voice/inbound"
            player.call_hotline(number, hotline, post)
        elif action == "answer":
            player.answer(number, post)
        elif action == "decline":
            player.decline(number, post)
        elif action == "nokey":
            player.no_key(number, post)
        elif action == "hangup":
            player.hang_up(number, post)
        else:
            player.press(number, action, post)
    except (NoSuchCall, PhoneBusy):
        return _answer(_("That phone's call has moved on; see the phone."), 409, card_key(number))
    except CallFailed:
        return _answer(_("The service did not answer the call's request."), 502, card_key(number))
    log.info("simulator.call action=%s", "key" if action in KEYS else action)
    return _answer(_("Done."), anchor=card_key(number))


class CallFailed(RuntimeError):
    """A call's request to the service was refused or failed."""


def poster() -> Poster:
    """POST to the service's own public URLs, signed with its auth token as Twilio signs,
    through the application in this process (nothing goes on the network)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = web.runtime().settings
    base = settings.public_base_url.rstrip("/")
    client = Client(app)

    def post(url: str, params: dict[str, str]) -> str:
        if not url.startswith(base + "/"):
            raise CallFailed("not one of the service's URLs")
        signature = signature_for(settings.twilio_auth_token, url, params)
        response = client.post(
            url.removeprefix(base), data=params, headers={SIGNATURE_HEADER: signature}
        )
        if response.status_code >= 300:
            log.warning("simulator.call_refused status=%s", response.status_code)
            raise CallFailed(str(response.status_code))
        return response.get_data(as_text=True)

    return post


@blueprint.post("/simulator/reset")
def reset() -> ResponseReturnValue:
    """Clear every simulated phone's conversation; the service's own records stay."""
    cleared = phones().reset()
    log.info("simulator.reset phones=%d", cleared)
    return _answer(_("The phones' conversations are cleared. Open requests go on."))


@blueprint.post("/simulator/drill")
def drill() -> ResponseReturnValue:
    """Start a drill of the chosen roster now: its on-call phone gets a page marked DRILL
    and escalation runs as the roster's policy says (audited as the simulator's)."""
    db = web.db_session()
    ctx = flow_context()
    try:
        roster_id = int(request.form.get("roster", ""))
        drills.plan(db, ctx, Auditor(SIMULATOR_ACTOR, ctx.now), roster_id)
    except (ValueError, drills.DrillRefused):
        db.rollback()
        return _answer(_("Choose a roster that pages for advocates, rooms or rides."), 422)
    db.commit()
    ctx.kick()
    return _answer(_("Drill started: the phone on call gets a page marked DRILL."))


@blueprint.post("/simulator/skip")
def skip() -> ResponseReturnValue:
    """Bring the next escalation deadline forward to now and wake the engine."""
    db = web.db_session()
    ctx = flow_context()
    skipped = drills.skip_to_next_deadline(db, ctx.now)
    db.commit()
    ctx.kick()
    if not skipped.needs:
        return _answer(_("No escalation is waiting for a deadline."))
    wait = format_duration(max(skipped.skipped, timedelta(seconds=1)))
    return _answer(_("Skipped a wait of %(wait)s: the next step runs now.", wait=wait))


def _answer(notice: str, status: int = 200, anchor: str = "") -> ResponseReturnValue:
    """JSON for the page's script (``fetch``), else a flash and back to the page."""
    if request.headers.get("X-Requested-With") == "fetch":
        return jsonify(notice=notice, ok=status < 400), status
    flash(notice)
    return redirect(url_for("simulator.page") + (f"#{anchor}" if anchor else ""))


def normalise(number: str) -> str | None:
    """A typed number in E.164 (national formats read in the default region), or None."""
    return to_e164(number, web.runtime().settings.default_region)
