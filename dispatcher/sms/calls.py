"""Twilio's voice webhooks for calls the service routes or places.

- ``/voice/page?o=<outbox row>``: the key pressed on a spoken page (a call to a member).
- ``/voice/status?o=<outbox row>``: a placed call's end (its record is then deleted).
- ``/voice/dial?r=<request>``: a ``<Dial>`` leg of an officer's call ended: ring the next
  advocate, or tell the officer advocates are being texted.
- ``/voice/screen?p=<page>``: what the rung advocate hears before the bridge.
- ``/voice/screen/key?p=<page>``: their key: 1 takes the call (bridge), 2 passes.

Each checks the Twilio signature over the full URL, query included, writes its rows in
one transaction and answers TwiML at once. Nothing is recorded or transcribed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from dispatcher import web
from dispatcher.flows import notify, redaction, routing, voicepages
from dispatcher.flows.context import Reply
from dispatcher.flows.voicetexts import RouteTexting, VoiceAccepted, VoiceClosed, VoiceDetails
from dispatcher.sms import callurls, twiml
from dispatcher.sms.messages import write
from dispatcher.sms.security import twilio_signature_required
from dispatcher.sms.webhooks import (
    UNREADABLE,
    KickAfterCommit,
    check_form,
    flow_context,
    report_unprocessed,
    sent_for,
    xml,
)

blueprint = Blueprint("calls", __name__)
log = logging.getLogger("dispatcher.calls")
# A call's or leg's record is deleted this long after its <Dial> reported it over.
LEG_RECORD_AFTER = timedelta(minutes=1)


@blueprint.errorhandler(Exception)
def call_webhook_failed(exc: Exception) -> ResponseReturnValue:
    """Any error: HTTP errors pass; anything else ends the leg safely and is reported."""
    if isinstance(exc, HTTPException):
        return exc
    log.error("webhook.failed endpoint=%s error=%s", request.endpoint, type(exc).__name__)
    report_unprocessed()
    if request.endpoint == "calls.call_status":
        return Response(status=204)
    return xml(twiml.voice_hangup(UNREADABLE))


def row_arg(name: str) -> int | None:
    """The row id in the query argument ``name`` (None when absent or malformed)."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@blueprint.post("/voice/page")
@twilio_signature_required
def voice_page_key() -> ResponseReturnValue:
    """The key pressed on a spoken page (``?o=<outbox id>``): 1 accepts, 2 passes."""
    check_form()
    row, _ = sent_for()
    session = web.db_session()
    kick = KickAfterCommit()
    ctx = flow_context(kick)
    digits = request.form.get("Digits", "")
    reply = (
        Reply(VoiceClosed()) if row is None else voicepages.key_pressed(session, ctx, row, digits)
    )
    kick.commit(session)
    log.info("voice.page_key reply=%s", reply.template)
    text = write(reply.text, reply.language)
    return xml(twiml.voice_hangup(text, reply.language))


@blueprint.post("/voice/status")
@twilio_signature_required
def call_status() -> ResponseReturnValue:
    """A status callback for a call we placed (``?o=<outbox id>``)."""
    check_form()
    sid = request.form.get("CallSid", "")
    status = request.form.get("CallStatus", "").lower()
    if not sid or not status:
        return Response(status=400)
    session = web.db_session()
    kick = KickAfterCommit()
    voicepages.call_status(session, flow_context(kick), sid, status, sent_for()[0])
    kick.commit(session)
    return Response(status=204)


@blueprint.post("/voice/dial")
@twilio_signature_required
def dial_ended() -> ResponseReturnValue:
    """A leg of an officer's call ended (``?r=<request id>&p=<the leg's page>``): ring the
    next advocate or end the call; a caller who hung up (``CallStatus`` completed) is not
    rung further.

    Neither ``DialBridged`` nor a request of this action after the caller hangs up is in
    the Twilio facts we keep (``TWILIO.md`` names only ``DialCallStatus``; the OpenAPI
    description covers the REST API, not TwiML's callbacks), so neither is relied on: a
    leg also counts as bridged when its page was accepted and the leg ``completed`` (our
    own record), and a hang-up never reported ends the hold by itself (``routing``).
    """
    check_form()
    row = row_arg("r")
    session = web.db_session()
    kick = KickAfterCommit()
    ctx = flow_context(kick)
    gone = request.form.get("CallStatus", "") in ("completed", "canceled", "failed")
    bridged = request.form.get("DialBridged", "") == "true" or routing.leg_bridged(
        session, row_arg("p"), request.form.get("DialCallStatus", "")
    )
    if row is None:
        routed = routing.Routing(reply=Reply(RouteTexting()))
    else:
        routed = routing.dial_ended(session, ctx, row, gone, bridged)
    forget_call_records(session, ctx.now, call_over=routed.leg is None)
    kick.commit(session)
    log.info("call.dial_ended ringing=%s caller_gone=%s", routed.leg is not None, gone)
    if routed.leg is not None and row is not None:
        return xml(callurls.dial(None, "en", routed.leg, row))
    if routed.reply is None:
        return xml(twiml.voice_hangup_silently())
    text = write(routed.reply.text, routed.reply.language)
    return xml(twiml.voice_hangup(text, routed.reply.language))


def forget_call_records(session: Session, now: datetime, call_over: bool) -> None:
    """Plan the deletion of the ended leg's record and, once the call is over, the call's."""
    leg = request.form.get("DialCallSid", "")
    if leg.startswith("CA"):
        redaction.keep_copy_for_redaction(session, leg, now + LEG_RECORD_AFTER)
    parent = request.form.get("CallSid", "")
    if call_over and parent.startswith("CA"):
        redaction.reschedule_copy(session, parent, now + LEG_RECORD_AFTER)


@blueprint.post("/voice/screen")
@twilio_signature_required
def screen() -> ResponseReturnValue:
    """What the rung advocate hears (``?p=<page id>``): agency, need, tags; 1 or 2."""
    check_form()
    row = row_arg("p")
    session = web.db_session()
    found = routing.screened_page(session, row) if row is not None else None
    if found is None:
        return xml(twiml.voice_hangup_silently())
    page, person = found
    screen = routing.screen_text(page, notify.agency_name(session, page.need.request))
    text = write(screen, person.language)
    session.rollback()  # read only
    return xml(
        twiml.screen_response(text, person.language, callurls.voice_url("screen/key", p=page.id))
    )


@blueprint.post("/voice/screen/key")
@twilio_signature_required
def screen_key() -> ResponseReturnValue:
    """The rung advocate's key (``?p=<page id>``): 1 takes the call if it is still theirs
    to take (bridge), 2 passes, anything else ends this leg as no answer."""
    check_form()
    row = row_arg("p")
    session = web.db_session()
    kick = KickAfterCommit()
    ctx = flow_context(kick)
    found = routing.screened_page(session, row) if row is not None else None
    if found is None:
        reply = Reply(VoiceClosed())
    else:
        page, person = found
        digits = request.form.get("Digits", "")
        reply = voicepages.answer(session, ctx, page, person, digits, bridging=True)
        reply = Reply(reply.text, person.language)
    kick.commit(session)
    log.info("call.screen_key reply=%s", reply.template)
    if isinstance(reply.text, VoiceAccepted):
        return xml(twiml.bridge_response())
    text = write(reply.text, reply.language)
    if isinstance(reply.text, VoiceDetails):  # no text can reach them: heard, then bridged
        return xml(twiml.bridge_response(text, reply.language))
    return xml(twiml.voice_hangup(text, reply.language))


@blueprint.post("/voice/needs")
@twilio_signature_required
def keypad() -> ResponseReturnValue:
    """The officer's key during the greeting (``?r=<request>&p=<page>``): 2 adds a room,
    3 a ride; then the planned leg rings."""
    check_form()
    row, page = row_arg("r"), row_arg("p")
    session = web.db_session()
    kick = KickAfterCommit()
    ctx = flow_context(kick)
    if row is None or page is None:
        routed = routing.Routing(reply=Reply(RouteTexting()))
    else:
        routed = routing.keypad_need(session, ctx, row, page, request.form.get("Digits", ""))
    kick.commit(session)
    reply = routed.reply
    text = write(reply.text, reply.language) if reply else None
    language = reply.language if reply else "en"
    if routed.leg is not None and row is not None:
        return xml(callurls.dial(text, language, routed.leg, row))
    return xml(twiml.voice_hangup(text or "", language))
