"""The durable outbox: every outgoing SMS is a row written with the decision behind it.

``enqueue`` seals the message's parameters; ``claim_due`` leases rows to a sender in a short
transaction, opening and rendering each row on its own (a row that cannot be opened or
rendered fails alone); the network call happens outside any transaction; ``record_result``
writes what happened. Nothing here talks to the network itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from dispatcher import metrics
from dispatcher.crypto import Sealer
from dispatcher.flows import texts
from dispatcher.flows.drill_texts import DrillPage, DrillVoicePage
from dispatcher.flows.models import Need, OutboxMessage, Page
from dispatcher.flows.parts import split_parts
from dispatcher.flows.ports import OPTED_OUT_ERROR, UNREACHABLE_ERRORS, SendResult
from dispatcher.flows.vocabulary import Failure, NeedState, OutboxState, PageState
from dispatcher.flows.voicetexts import VoicePage
from dispatcher.languages import language_or_default
from dispatcher.rosters.channels import Channel

log = logging.getLogger("dispatcher.outbox")

# (template, parameters, language) -> the text to send.
Renderer = Callable[[str, dict[str, Any], str], str]
# A texted page, real or a drill's.
TEXT_PAGE_TEMPLATES = frozenset({texts.Page.template, DrillPage.template})
# A page spoken on a call (channel voice), real or a drill's.
VOICE_PAGE_TEMPLATES = frozenset({VoicePage.template, DrillVoicePage.template})
PAGE_TEMPLATES = TEXT_PAGE_TEMPLATES | VOICE_PAGE_TEMPLATES
# A short lease, extended while the send is in flight (``extend_leases``): a sender that
# died gives its rows back quickly.
LEASE = timedelta(seconds=30)
MAX_BACKOFF = timedelta(seconds=30)
# Why a message failed (``failure``): the service's fault (unreadable, unrenderable), the
# provider's (rejected, expired: retried for the whole window), the person's (unreachable).
# A dropped page (not_paging) was no longer wanted when its turn came.
FAILURES = tuple(Failure)


@dataclass(frozen=True)
class Outgoing:
    """A leased message, opened and rendered: its parts exist only in memory.

    A call (``channel`` voice) has one part: the text spoken, in ``language``.
    """

    id: int
    to: str
    parts: tuple[str, ...]
    parts_sent: int  # parts the provider already has: send the rest
    created_at: datetime
    uncertain: bool  # an earlier attempt may have reached the provider
    last_sid: str | None = None  # the provider's sid of the latest part it accepted
    channel: Channel = Channel.SMS
    language: str = "en"


@dataclass
class Claim:
    """What one ``claim_due`` did: rows leased, rows failed without sending, rows dropped."""

    leased: list[Outgoing] = field(default_factory=list)
    failed: list[OutboxMessage] = field(default_factory=list)
    dropped: int = 0

    @property
    def taken(self) -> int:
        """How many due rows the claim read (the most it may is its ``limit``)."""
        return len(self.leased) + len(self.failed) + self.dropped


class Unsendable(Exception):
    """A message that can never be sent as it stands; ``reason`` is one of FAILURES."""

    def __init__(self, reason: Failure) -> None:
        super().__init__(reason)
        self.reason = reason


def enqueue(
    session: Session,
    sealer: Sealer,
    now: datetime,
    to: str,
    text: texts.Text,
    *,
    person_id: int | None = None,
    officer_id: int | None = None,
    page_id: int | None = None,
    language: str | None = None,
    channel: Channel = Channel.SMS,
) -> OutboxMessage:
    """Add a message to the outbox, to be written in ``language`` (English when None or not
    one the service writes in) and sent by ``channel`` (a text, or a call that speaks it);
    its parameters are sealed before they touch the disk."""
    message = OutboxMessage(
        channel=channel,
        to_number=to,
        person_id=person_id,
        officer_id=officer_id,
        page_id=page_id,
        template=text.template,
        language=language_or_default(language),
        body=sealer.seal(json.dumps(text.params(), sort_keys=True)),
        state=OutboxState.PENDING,
        attempts=0,
        parts_sent=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message


def claim_due(
    session: Session,
    sealer: Sealer,
    render: Renderer,
    now: datetime,
    limit: int = 8,
    busy: Collection[str] = (),
) -> Claim:
    """Lease up to ``limit`` due messages (pending, or sending with an expired lease).

    Each row is opened and rendered on its own: one that cannot be is failed (``failed``),
    a page whose need stopped paging is dropped, and neither stops the others. Numbers in
    ``busy`` (messages in flight in this process) are skipped so one number's messages
    keep their order. The caller commits right after, before any network call. Uses SKIP
    LOCKED on PostgreSQL so several workers share the work without sending twice.
    """
    claim = Claim()
    due = list(session.scalars(_due(now, limit, busy)))
    wanted = wanted_pages(session, [m.page_id for m in due if is_page(m)])
    for message in due:
        if is_page(message) and message.page_id not in wanted:
            drop(message)
            claim.dropped += 1
            continue
        try:
            outgoing = _open(message, sealer, render)
        except Unsendable as exc:
            fail(message, None, exc.reason)
            claim.failed.append(message)
            continue
        message.state = OutboxState.SENDING
        message.lease_until = now + LEASE
        message.attempts += 1
        claim.leased.append(outgoing)
    return claim


def _due(now: datetime, limit: int, busy: Collection[str]) -> Select[OutboxMessage]:
    """The query for due messages, oldest deadline first, locked and skipped when locked."""
    query = select(OutboxMessage).where(
        or_(
            (OutboxMessage.state == OutboxState.PENDING) & (OutboxMessage.next_attempt_at <= now),
            (OutboxMessage.state == OutboxState.SENDING) & (OutboxMessage.lease_until <= now),
        )
    )
    if busy:
        query = query.where(OutboxMessage.to_number.not_in(list(busy)))
    return (
        query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def _open(message: OutboxMessage, sealer: Sealer, render: Renderer) -> Outgoing:
    """Open and render one row; raise Unsendable (unreadable, unrenderable) when it cannot."""
    try:
        params = json.loads(sealer.open(message.body)) if message.body else {}
    except (ValueError, TypeError):  # damaged, or a key that cannot open it (Unreadable)
        raise Unsendable(Failure.UNREADABLE) from None
    try:
        text = render(message.template, params, message.language)
    except Exception:  # an unknown template or a missing or odd parameter
        raise Unsendable(Failure.UNRENDERABLE) from None
    voice = message.channel == Channel.VOICE
    return Outgoing(
        message.id,
        message.to_number,
        (text,) if voice else tuple(split_parts(text)),
        message.parts_sent,
        message.created_at,
        uncertain=message.state == OutboxState.SENDING or message.provider_status == "uncertain",
        last_sid=message.provider_sid,
        channel=Channel.VOICE if voice else Channel.SMS,
        language=message.language,
    )


def is_page(message: OutboxMessage) -> bool:
    """True for the page itself, texted or spoken (other messages, such as "covered", may
    name a page too)."""
    return message.template in PAGE_TEMPLATES and message.page_id is not None


def wanted_pages(session: Session, page_ids: Collection[int | None]) -> set[int]:
    """Of these pages, those still open on a need still paging (one query for a claim)."""
    if not page_ids:
        return set()
    query = (
        select(Page.id)
        .join(Need, Page.need_id == Need.id)
        .where(
            Page.id.in_([i for i in page_ids if i is not None]),
            Page.state == PageState.OPEN,
            Need.state == NeedState.PAGING,
        )
    )
    return set(session.scalars(query))


def drop(message: OutboxMessage) -> None:
    """Never send this page: its need was covered, closed or moved on before its turn."""
    message.state = OutboxState.DROPPED
    message.failure = Failure.NOT_PAGING
    message.body = None
    message.lease_until = None
    log.info("outbox.dropped id=%s template=%s", message.id, message.template)


def extend_leases(session: Session, ids: Collection[int], now: datetime) -> None:
    """Heartbeat: keep the lease of messages still in flight in this process."""
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.state == OutboxState.SENDING)
            .values(lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class Delivery:
    """What ``record_result`` concluded, for the flows to act on."""

    message: OutboxMessage
    unreachable: bool  # the person cannot be reached by SMS: escalation moves on
    opted_out: bool  # provider error 21610: they texted STOP
    unsent: bool = False  # the service or the provider failed: moves on, not the person's


def record_part(session: Session, message_id: int, parts_sent: int, sid: str) -> None:
    """The provider accepted part ``parts_sent`` of a long message: a retry resumes after it."""
    message = session.get(OutboxMessage, message_id)
    if message is not None and message.state == OutboxState.SENDING:
        message.parts_sent = max(message.parts_sent, parts_sent)
        message.provider_sid = sid
        message.provider_status = "queued"


@dataclass(frozen=True)
class Sent:
    """A message the provider accepted in full (``record_sent``)."""

    id: int
    page_id: int | None
    template: str

    @property
    def page(self) -> bool:
        """True for a page itself (see ``is_page``)."""
        return self.template in PAGE_TEMPLATES and self.page_id is not None


def record_sent(
    session: Session, message_id: int, result: SendResult, now: datetime, parts: int = 1
) -> Sent | None:
    """Every part is with the provider: keep its sid, blank the body (we keep nothing).

    One UPDATE, no ORM load (the hot path of every send). None when the row is no longer
    leased to a sender (another process took it over after the lease ran out).
    """
    row = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.SENDING)
        .values(
            state=OutboxState.SENT,
            provider_sid=result.sid,
            provider_status=result.status or "queued",
            sent_at=now,
            body=None,
            lease_until=None,
            parts_sent=parts,
        )
        .returning(OutboxMessage.page_id, OutboxMessage.template, OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    page_id, template, attempts = row
    log.info("outbox.sent id=%s template=%s attempt=%s", message_id, template, attempts)
    return Sent(message_id, page_id, template)


def record_result(
    session: Session,
    message_id: int,
    result: SendResult,
    now: datetime,
    window: timedelta,
) -> Delivery | None:
    """Write the outcome of an attempt the provider did not accept (``record_sent`` writes
    those it did): retry, or failed.

    A retryable failure is retried with backoff while the page's need is paging (the
    claim drops it after) or, for any other message, for ``window`` after it was queued.
    """
    if result.accepted:
        raise ValueError("an accepted send is recorded by record_sent")
    message = session.get(OutboxMessage, message_id)
    if message is None or message.state != OutboxState.SENDING:
        return None
    message.lease_until = None
    if result.retryable and (message.page_id is not None or now - message.created_at < window):
        message.state = OutboxState.PENDING
        message.provider_status = "uncertain" if result.uncertain else None
        message.next_attempt_at = now + backoff(message.attempts)
        log.warning(
            "outbox.retry id=%s attempt=%s code=%s uncertain=%s",
            message.id,
            message.attempts,
            result.error_code,
            result.uncertain,
        )
        return None
    if result.error_code in UNREACHABLE_ERRORS:
        return fail(message, result.error_code, Failure.UNREACHABLE)
    return fail(
        message, result.error_code, Failure.EXPIRED if result.retryable else Failure.REJECTED
    )


def fail(message: OutboxMessage, error_code: int | None, reason: Failure) -> Delivery:
    """Give up on a message: blank it, keep why, and say whose fault it was.

    Only ``unreachable`` (a provider code about the person's phone) counts against the
    person; every other reason is the service's or the provider's.
    """
    message.state = OutboxState.FAILED
    message.failure = reason
    message.error_code = error_code
    message.body = None
    message.lease_until = None
    if is_page(message):
        metrics.page_failed()
    log.warning(
        "outbox.failed id=%s template=%s reason=%s code=%s",
        message.id,
        message.template,
        reason,
        error_code,
    )
    unreachable = reason == Failure.UNREACHABLE
    return Delivery(
        message,
        unreachable=unreachable,
        opted_out=error_code == OPTED_OUT_ERROR,
        unsent=not unreachable,
    )


def backoff(attempts: int) -> timedelta:
    """Exponential backoff: 1 s, 2 s, 4 s ... capped at MAX_BACKOFF (30 s)."""
    return min(timedelta(seconds=2 ** min(max(attempts - 1, 0), 16)), MAX_BACKOFF)
