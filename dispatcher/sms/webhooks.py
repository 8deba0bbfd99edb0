"""Twilio's webhooks: inbound SMS, message status callbacks, inbound calls.

Thin and fast: check the signature, write the rows in one transaction, answer TwiML. No
call to Twilio's API happens here; once the transaction is committed the engine is kicked
to send whatever the flows queued (and left alone when they queued nothing).

A malformed form (a NUL byte anywhere, a sid or status longer than we store) answers 400.
A webhook that raises still answers valid TwiML: its transaction is rolled back, the sender
is told to call 911 if anyone is in danger, and the coordinators hear (without content)
that a text could not be processed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from dispatcher import web
from dispatcher.flows import alerts, deduplication, redaction, statuses
from dispatcher.flows.context import FlowContext
from dispatcher.sms import callurls, inbound, twiml
from dispatcher.sms.messages import write
from dispatcher.sms.security import twilio_signature_required

blueprint = Blueprint("sms", __name__)
log = logging.getLogger("dispatcher.webhooks")
# What anyone hears when their text or call could not be processed.
UNREADABLE = "We could not read that. If anyone is in danger, call 911."
# Longest sid and status we store (the columns' lengths).
MAX_SID, MAX_STATUS = 64, 16
# The message statuses Twilio sends (its API description's message_enum_status). Any other
# value is not kept, even for a while as a receipt: a stored field holds only known words.
TWILIO_STATUSES = frozenset(
    (
        "queued",
        "sending",
        "sent",
        "failed",
        "delivered",
        "undelivered",
        "receiving",
        "received",
        "accepted",
        "scheduled",
        "read",
        "partially_delivered",
        "canceled",
    )
)
# A call's record (with the caller's number) is deleted once the call is over: our answers
# speak a sentence and hang up, so this is long after; deletion retries if it is not.
CALL_RECORD_AFTER = timedelta(minutes=5)
# A call routed to an advocate is deleted once its <Dial> reports it over (sms.calls); this
# is the latest, should that report never come.
ROUTED_CALL_RECORD_AFTER = timedelta(hours=4)


def flow_context(kick: Callable[[], None] | None = None) -> FlowContext:
    """The flows' view of the running service at this instant (``kick`` wakes the engine)."""
    runtime = web.runtime()
    wake = engine_kick() if kick is None else kick
    return FlowContext(runtime.settings, runtime.sealer, runtime.clock.now(), wake)


def engine_kick() -> Callable[[], None]:
    """What wakes the in-process engine (nothing when the engine runs elsewhere)."""
    return web.runtime().kick


class KickAfterCommit:
    """Holds the flows' engine kicks until the transaction commits (``commit``), then
    wakes the engine once.

    A kick costs an engine tick (and the SQLite write lock); texts that queue nothing, such
    as WHO or a referral, need none: the periodic tick covers anything else. Engines in
    other processes are woken by a NOTIFY inside the transaction itself, which PostgreSQL
    delivers at the commit: no second connection or commit per webhook.
    """

    def __init__(self) -> None:
        self.wanted = False

    def __call__(self) -> None:
        """A flow queued work for the engine."""
        self.wanted = True

    def commit(self, session: Session) -> None:
        """Commit ``session``, waking the engine once if any flow asked for it."""
        kick = web.runtime().kick
        woken = self.wanted and kick.within(session)
        session.commit()
        if self.wanted and not woken:
            kick()


def limiter() -> web.Limiter:
    """The process's reply limiter."""
    return web.runtime().limiter


def xml(body: str) -> Response:
    """A TwiML response."""
    return Response(body, content_type=twiml.CONTENT_TYPE)


def status_url() -> str:
    """Where Twilio reports the status of our messages and replies."""
    return web.runtime().settings.public_base_url + "/sms/status"


def check_form() -> None:
    """Abort with 400 unless every field is free of NUL and sids and statuses fit their columns.

    A Body may be of any length: it is never stored.
    """
    for name, value in request.form.items(multi=True):
        if "\x00" in name or "\x00" in value:
            abort(400)
        if name.endswith("Sid") and len(value) > MAX_SID:
            abort(400)
        if name.endswith("Status") and len(value) > MAX_STATUS:
            abort(400)


@blueprint.errorhandler(Exception)
def webhook_failed(exc: Exception) -> ResponseReturnValue:
    """Any error in a webhook: HTTP errors pass; anything else answers safely and is reported."""
    if isinstance(exc, HTTPException):
        return exc
    log.error("webhook.failed endpoint=%s error=%s", request.endpoint, type(exc).__name__)
    report_unprocessed()
    if request.endpoint == "sms.message_status":
        return Response(status=204)
    if request.endpoint == "sms.inbound_call":
        return xml(twiml.voice_response(UNREADABLE))
    return xml(twiml.message_response(UNREADABLE))


def report_unprocessed() -> None:
    """Roll the failed transaction back; in a new one, alert the coordinators (no content)."""
    try:
        session = web.db_session()
        session.rollback()
        kick = KickAfterCommit()
        alerts.raise_alert(session, flow_context(kick), "text_unprocessed")
        kick.commit(session)
    except Exception as exc:  # the database itself may be what failed
        log.error("webhook.alert_failed error=%s", type(exc).__name__)


def sent_for() -> tuple[int | None, int]:
    """The outbox row and part named by a status callback's URL (``?o=<id>&p=<part>``)."""
    row, part = request.args.get("o", ""), request.args.get("p", "1")
    valid = row.isdigit() and len(row) < 12 and part.isdigit() and len(part) < 4
    return (int(row), max(int(part), 1)) if valid else (None, 1)


@blueprint.post("/sms/inbound")
@twilio_signature_required
def inbound_sms() -> ResponseReturnValue:
    """An SMS to the hotline: deduplicate by MessageSid, apply it, reply in TwiML."""
    check_form()
    sid = request.form.get("MessageSid", "")
    number = request.form.get("From", "")
    body = request.form.get("Body", "")
    session = web.db_session()
    kick = KickAfterCommit()
    ctx = flow_context(kick)
    if not deduplication.first_delivery(session, sid, ctx.now):
        log.info("sms.duplicate_dropped")
        return xml(twiml.message_response(None))
    reply = inbound.handle_text(session, ctx, limiter(), number, body)
    kick.commit(session)
    text = write(reply.text, reply.language) if reply else None
    log.info("sms.inbound reply=%s", reply.template if reply else "none")
    return xml(twiml.message_response(text, status_url() if text else None))


@blueprint.post("/sms/status")
@twilio_signature_required
def message_status() -> ResponseReturnValue:
    """A status callback for one of our messages or replies."""
    check_form()
    sid = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus", "").lower()
    code = request.form.get("ErrorCode", "")
    if not sid or not status:
        return Response(status=400)
    if status not in TWILIO_STATUSES:
        log.warning("sms.status_unknown")
        return Response(status=204)
    session = web.db_session()
    kick = KickAfterCommit()
    ctx = flow_context(kick)
    statuses.status_callback(
        session, ctx, sid, status, int(code) if code.isdigit() else None, *sent_for()
    )
    kick.commit(session)
    return Response(status=204)


@blueprint.post("/voice/inbound")
@twilio_signature_required
def inbound_call() -> ResponseReturnValue:
    """A call to the hotline: deduplicate by CallSid, apply it, answer by voice.

    Nothing is recorded or transcribed.
    """
    check_form()
    sid = request.form.get("CallSid", "")
    session = web.db_session()
    kick = KickAfterCommit()
    ctx = flow_context(kick)
    if not deduplication.first_delivery(session, sid, ctx.now, copy_after=CALL_RECORD_AFTER):
        log.info("voice.duplicate_dropped")
        return xml(twiml.voice_response("Thank you."))
    answer = inbound.handle_call(session, ctx, request.form.get("From", ""))
    if answer.leg is not None:  # a routed call may last long: deleted once it is over
        redaction.reschedule_copy(session, sid, ctx.now + ROUTED_CALL_RECORD_AFTER)
    kick.commit(session)
    reply = answer.reply
    log.info("voice.inbound reply=%s ringing=%s", reply.template, answer.leg is not None)
    text = write(reply.text, reply.language)
    if answer.leg is not None and answer.request_id is not None:
        leg, request_id = answer.leg, answer.request_id
        return xml(callurls.dial(text, reply.language, leg, request_id, keypad=True))
    return xml(twiml.voice_response(text, reply.language))
