"""Sending: outbox messages to the provider through a small, bounded pool of threads.

``Courier.deliver`` claims due messages in a short transaction (``outbox.claim_due``),
hands each recipient's messages to one of ``send_concurrency`` threads, and records each
result in a transaction of its own as it comes back: no transaction is open during a
network call. One number's messages go out in order; different numbers go out together,
so the pages of an ``all`` step leave at once, and a slow provider never holds up the
escalation ticks (in the background mode the tick does not wait for the sends).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta

from sqlalchemy.orm import Session

from dispatcher.clock import Clock
from dispatcher.crypto import Sealer
from dispatcher.db import Database
from dispatcher.flows import alerts, measures, outbox, redaction, statuses
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import OutboxMessage
from dispatcher.flows.ports import LookupFailed, Sender, SendResult
from dispatcher.rosters.channels import Channel
from dispatcher.settings import Settings

log = logging.getLogger("dispatcher.sending")

# How far before a message was queued the provider's copies are searched for it.
LOOKUP_SINCE = timedelta(minutes=5)
# While waiting for sends, leases are renewed this often (well inside outbox.LEASE).
HEARTBEAT_SECONDS = outbox.LEASE.total_seconds() / 3


class Courier:
    """Sends the outbox through ``sender`` with at most ``settings.send_concurrency`` threads.

    ``sent`` and ``failed`` count messages since start (for reports); ``wake`` asks the
    engine for another tick (more may be due once a thread is free).
    """

    def __init__(
        self,
        database: Database,
        settings: Settings,
        sealer: Sealer,
        clock: Clock,
        sender: Sender,
        render: outbox.Renderer,
        wake: Callable[[], None],
    ) -> None:
        self.database, self.settings, self.sealer, self.clock = database, settings, sealer, clock
        self.sender, self.render, self.wake = sender, render, wake
        self.capacity = max(settings.send_concurrency, 1)
        self.pool = ThreadPoolExecutor(self.capacity, thread_name_prefix="dispatcher-send")
        self.sent = 0
        self.failed = 0
        self._lock = threading.Lock()
        self._claiming = threading.Lock()  # one claim at a time: numbers stay in order
        self._in_flight: dict[int, str] = {}  # outbox id -> number
        # The last claim may have left due messages behind: it took all the free threads
        # could, or skipped numbers in flight. Only then does a freed thread claim again;
        # otherwise new work comes with a tick (each one delivers).
        self._more = False
        self.background = False
        self.closed = False

    def deliver(self, wait_for_sends: bool = True) -> None:
        """Claim due messages and start sending them.

        With ``wait_for_sends``, return only once nothing is due any more (tests, CLI);
        without, return at once and let the threads record results and wake the engine.
        """
        self.background = not wait_for_sends
        while True:
            self.heartbeat()
            futures = self._start()
            if not futures or not wait_for_sends:
                return
            self._wait(futures)

    def _start(self) -> list[Future[None]]:
        """Claim what the free threads can take and hand it to them (nothing once closed)."""
        if self.closed:
            return []
        return [self.pool.submit(self._send_group, g) for g in self._claim()]

    def heartbeat(self) -> None:
        """Extend the leases of this process's messages still in flight."""
        with self._lock:
            ids = list(self._in_flight)
        if ids:
            with self.database.session_scope() as session:
                outbox.extend_leases(session, ids, self.clock.now())

    def close(self) -> None:
        """Let the sends in flight finish (each bounded by the send timeout), then stop."""
        self.closed = True
        self.pool.shutdown(wait=True)

    def context(self) -> FlowContext:
        """A flow context at the clock's now that wakes the engine."""
        return FlowContext(self.settings, self.sealer, self.clock.now(), self.wake)

    def _wait(self, futures: list[Future[None]]) -> None:
        """Wait for ``futures``, renewing leases meanwhile."""
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=HEARTBEAT_SECONDS)
            if pending:
                self.heartbeat()

    def _claim(self) -> list[list[outbox.Outgoing]]:
        """Lease as many due messages as there are free threads, grouped by number."""
        with self._claiming:
            return self._claim_free()

    def _claim_free(self) -> list[list[outbox.Outgoing]]:
        """``_claim`` under the claim lock."""
        with self._lock:
            free = self.capacity - len(self._in_flight)
            busy = set(self._in_flight.values())
        if free <= 0:
            self._more = True
            return []
        with self.database.session_scope() as session:
            claim = outbox.claim_due(
                session, self.sealer, self.render, self.clock.now(), free, busy
            )
            self._unsendable(session, claim.failed)
        self._more = claim.taken >= free or bool(busy)
        groups: dict[str, list[outbox.Outgoing]] = {}
        with self._lock:
            for message in claim.leased:
                self._in_flight[message.id] = message.to
                groups.setdefault(message.to, []).append(message)
        return list(groups.values())

    def _unsendable(self, session: Session, failed: list[OutboxMessage]) -> None:
        """Messages that could not be opened or rendered: pages move on, coordinators told."""
        if not failed:
            return
        ctx = self.context()
        for message in failed:
            statuses.page_unsent(session, ctx, message)
        alerts.raise_alert(session, ctx, "message_failed", len(failed))
        with self._lock:
            self.failed += len(failed)

    def _send_group(self, group: list[outbox.Outgoing]) -> None:
        """One number's messages, in order. Errors are logged; the lease brings them back."""
        for message in group:
            try:
                self._record(message, self._send_parts(message))
            except Exception as exc:  # its text may hold a number: log the type alone
                log.error("outbox.send_crashed id=%s error=%s", message.id, type(exc).__name__)
            finally:
                with self._lock:
                    self._in_flight.pop(message.id, None)
        if self.background and self._more:
            self._refill()

    def _refill(self) -> None:
        """A thread is free and due messages may wait: take them at once, not at a tick."""
        try:
            self._start()
        except Exception:
            log.exception("outbox.refill_failed")
            self.wake()

    def _send_parts(self, message: outbox.Outgoing) -> SendResult:
        """Send the parts the provider does not have yet, in order; the last result.

        After an uncertain attempt each part is looked up first, until one is not found:
        parts go out in order, so none after it can have been sent.
        """
        if message.channel == Channel.VOICE:
            return self._place_call(message)
        uncertain = message.uncertain
        result = SendResult(sid=message.last_sid, status="sent")  # every part already sent
        for index in range(message.parts_sent, len(message.parts)):
            result, uncertain = self._send_part(message, index, uncertain)
            if not result.accepted:
                return result
            if index + 1 < len(message.parts):
                self._record_part(message, index + 1, result)
        return result

    def _send_part(
        self, message: outbox.Outgoing, index: int, uncertain: bool
    ) -> tuple[SendResult, bool]:
        """One part: looked up when an attempt may have gone through, else sent.

        Returns the result and whether the next part is uncertain too (this one was found).
        """
        body = message.parts[index]
        if uncertain:
            try:
                sid = self.sender.find_sent(message.to, body, message.created_at - LOOKUP_SINCE)
            except LookupFailed:
                return SendResult(retryable=True, uncertain=True), True
            if sid:
                return SendResult(sid=sid, status="sent"), True
        part = index + 1 if len(message.parts) > 1 else 1
        return self.sender.send(message.to, body, message.id, part), False

    def _place_call(self, message: outbox.Outgoing) -> SendResult:
        """Place a call that speaks the message; after an uncertain attempt, look first.

        The look-up finds any call to the number since the row was queued: a call the
        provider took before the read timeout is never placed twice.
        """
        if message.uncertain:
            try:
                sid = self.sender.find_call(message.to, message.created_at)
            except LookupFailed:
                return SendResult(retryable=True, uncertain=True)
            if sid:
                return SendResult(sid=sid, status="queued")
        return self.sender.call(message.to, message.parts[0], message.language, message.id)

    def _record_part(self, message: outbox.Outgoing, parts_sent: int, result: SendResult) -> None:
        """Remember a part the provider accepted, and plan the deletion of its copy."""
        with self.database.session_scope() as session:
            now = self.clock.now()
            outbox.record_part(session, message.id, parts_sent, result.sid or "")
            redaction.sent_copy(session, message.id, result.sid, now)

    def _record(self, message: outbox.Outgoing, result: SendResult) -> None:
        """Write the outcome; a failure that ends a page moves its escalation on."""
        if result.accepted:
            self._record_sent(message, result)
            return
        with self.database.session_scope() as session:
            ctx = self.context()
            window = self.settings.send_retry_window
            delivery = outbox.record_result(session, message.id, result, ctx.now, window)
            if delivery is None:
                return
            if delivery.unreachable:
                statuses.person_unreachable(session, ctx, delivery)
            else:
                statuses.page_unsent(session, ctx, delivery.message)
                alerts.raise_alert(session, ctx, "message_failed")
        with self._lock:
            self.failed += 1

    def _record_sent(self, message: outbox.Outgoing, result: SendResult) -> None:
        """The provider has the whole message: mark it sent, plan the deletion of its copy,
        and count it (a page's first also times the wait)."""
        with self.database.session_scope() as session:
            now = self.clock.now()
            sent = outbox.record_sent(session, message.id, result, now, len(message.parts))
            if sent is None:
                return
            redaction.sent_copy(session, message.id, result.sid, now)
            if sent.page:
                measures.page_sent(session, sent.id, sent.page_id, now)
        with self._lock:
            self.sent += 1
