"""Pages by voice: calls to roster members, their key presses, and the calls' statuses.

A page goes out as a call when the person's first channel is voice, when they texted STOP
(who, accepting, hear the details read aloud: no text can follow),
when the text could not reach a landline (30006), or
when it is still open after the policy's ``voice_after`` and their channels list voice
second. A key press goes through the same conditional accept and decline as a text; no
key is no answer. Calls are never recorded; their records at the provider are deleted.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.db import insert_ignoring_duplicates
from dispatcher.flows import members, outbox, paging
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.models import OutboxMessage, Page, StatusEvent
from dispatcher.flows.policy import Policy, plan_contact
from dispatcher.flows.ports import LANDLINE_ERROR
from dispatcher.flows.redaction import keep_copy_for_redaction
from dispatcher.flows.texts import Accepted
from dispatcher.flows.vocabulary import ANSWERABLE, WANTED, OutboxState, PageState, RequestStatus
from dispatcher.flows.voicetexts import (
    VoiceAccepted,
    VoiceClosed,
    VoiceDeclined,
    VoiceDetails,
    VoiceNoAnswer,
)
from dispatcher.rosters.channels import Channel, from_stored
from dispatcher.rosters.models import Person

log = logging.getLogger("dispatcher.voice")
BATCH = 100
# A text page refused for this reason (a landline) is placed as a call instead of failing.
# (21610, STOP, opts the person out and moves on; their later pages are calls.)
CALL_INSTEAD = frozenset({LANDLINE_ERROR})
# The call statuses Twilio reports once a call is over.
CALL_FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
ACCEPT, DECLINE = "1", "2"


def follow_up_due(session: Session, ctx: FlowContext) -> int:
    """Send every open page whose ``follow_up_at`` has passed by the person's next channel.

    Each page is claimed (SKIP LOCKED) and its deadline cleared in the same transaction,
    so a follow-up goes out once. Returns how many were handled.
    """
    query = (
        select(Page)
        .where(Page.follow_up_at <= ctx.now)
        .order_by(Page.follow_up_at, Page.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    pages = list(session.scalars(query))
    for page in pages:
        page.follow_up_at = None
        if page.state != PageState.OPEN or page.need.state not in WANTED:
            continue
        person = session.get_one(Person, page.person_id)
        voice_after = Policy.from_json(page.need.policy).voice_after
        plan = plan_contact(from_stored(person.channels), person.opted_out, voice_after)
        if plan.then is None or (plan.then == Channel.SMS and person.opted_out):
            continue
        paging.send_page(session, ctx, page, person, plan.then)
        log.info(
            "page.follow_up request=%s member=%s channel=%s",
            page.need.request.code,
            person.id,
            plan.then,
        )
    return len(pages)


def call_instead(session: Session, ctx: FlowContext, message: OutboxMessage) -> bool:
    """A text page that cannot reach a landline: call instead.

    True when a call was queued (the page stays open), False when this does not apply.
    """
    if message.error_code not in CALL_INSTEAD or message.channel != Channel.SMS:
        return False
    if message.template not in outbox.TEXT_PAGE_TEMPLATES or message.page_id is None:
        return False
    page = session.get(Page, message.page_id)
    person = session.get(Person, message.person_id) if message.person_id else None
    if page is None or person is None or page.state != PageState.OPEN:
        return False
    page.follow_up_at = None  # the call is the follow-up
    paging.send_page(session, ctx, page, person, Channel.VOICE)
    log.info("page.call_instead member=%s code=%s", person.id, message.error_code)
    return True


def key_pressed(session: Session, ctx: FlowContext, outbox_id: int, digits: str) -> Reply:
    """The answer to a spoken page (``outbox_id``): 1 accepts, 2 passes, anything else is
    no answer. Returns what the call says next, in the person's language."""
    message = session.get(OutboxMessage, outbox_id)
    if message is None or message.template not in outbox.VOICE_PAGE_TEMPLATES:
        return Reply(VoiceClosed())
    page = session.get(Page, message.page_id) if message.page_id else None
    person = session.get(Person, message.person_id) if message.person_id else None
    if page is None or person is None:
        return Reply(VoiceClosed())
    return replace(answer(session, ctx, page, person, digits), language=person.language)


def answer(
    session: Session,
    ctx: FlowContext,
    page: Page,
    person: Person,
    digits: str,
    bridging: bool = False,
) -> Reply:
    """A key pressed by ``person`` about ``page`` (on a spoken page, or on a call's screen
    when ``bridging``): 1 accepts, 2 passes, any other is no answer.

    A winner hears ``voice_accepted`` (the details follow by text), or, having texted STOP
    (no text can reach them), ``voice_details``: the details themselves, read aloud.
    """
    need = page.need
    code = need.request.code
    if digits not in (ACCEPT, DECLINE):
        return Reply(VoiceNoAnswer())
    answerable = (
        page.state in ANSWERABLE
        and need.state in WANTED
        and need.request.status == RequestStatus.OPEN
    )
    if not answerable:
        return Reply(VoiceClosed())
    if digits == DECLINE:
        members.decline_page(session, ctx, person, page)
        return Reply(VoiceDeclined(code=code))
    won = members.accept_page(session, ctx, person, page)
    if not isinstance(won, members.Won):
        return Reply(VoiceClosed())
    log.info(
        "page.accepted_by_voice request=%s member=%s spoken=%s", code, person.id, person.opted_out
    )
    if person.opted_out and won.details is not None:
        return Reply(spoken_details(won.details, bridging))
    return Reply(VoiceAccepted(code=code))


def spoken_details(details: Accepted, bridging: bool) -> VoiceDetails:
    """The text of the details, to be read aloud (the same words for the same person)."""
    return VoiceDetails(
        code=details.code,
        need=details.need,
        agency=details.agency,
        officer_name=details.officer_name,
        notes=details.notes,
        bridging=bridging,
    )


def call_status(
    session: Session, ctx: FlowContext, sid: str, status: str, outbox_id: int | None
) -> None:
    """A call's status callback: once it is over, its record at the provider is deleted.

    Applied once per (sid, status). A call nobody answered leaves its page open (no answer).
    """
    seen = insert_ignoring_duplicates(session, StatusEvent).values(
        message_sid=sid, status=status, received_at=ctx.now
    )
    if session.execute(seen.returning(StatusEvent.id)).first() is None:
        return
    if status not in CALL_FINAL:
        return
    keep_copy_for_redaction(session, sid, ctx.now, outbox_id)
    message = session.get(OutboxMessage, outbox_id) if outbox_id is not None else None
    if message is None or message.channel != Channel.VOICE or message.provider_sid != sid:
        return
    if message.state == OutboxState.SENT:
        done = status == "completed"
        message.state = OutboxState.DELIVERED if done else OutboxState.UNDELIVERED
        message.provider_status = status
    log.info("voice.call_ended outbox=%s status=%s", message.id, status)
