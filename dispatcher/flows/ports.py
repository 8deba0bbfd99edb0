"""What the flows need from the outside world, as interfaces the channel layer implements.

The core owns these; ``dispatcher.sms.senders`` provides the Twilio and simulator senders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from dispatcher.errors import DispatcherError

# Twilio error codes that mean "this person cannot be reached by SMS now": escalation
# moves on at once as if they had declined: 30003 handset unreachable or off, 30005 unknown
# or inactive number, 30006 landline or unreachable carrier, 30007 carrier filtering,
# 21610 they texted STOP (which also opts them out).
UNREACHABLE_ERRORS = frozenset({21610, 30003, 30005, 30006, 30007})
OPTED_OUT_ERROR = 21610
LANDLINE_ERROR = 30006


class LookupFailed(DispatcherError):
    """The provider could not be asked whether a message was sent; try again later."""


@dataclass(frozen=True)
class SendResult:
    """What happened to one attempt to hand a message to the provider.

    ``sid`` is set when the provider accepted the message. ``retryable`` says a later
    attempt may succeed (5xx, 20429, timeouts). ``uncertain`` says the request may have
    reached the provider (a read timeout): look it up before sending again, never resend
    blindly. ``status`` is the provider's status when known (``queued``, ``delivered``...).
    """

    sid: str | None = None
    status: str | None = None
    error_code: int | None = None
    retryable: bool = False
    uncertain: bool = False

    @property
    def accepted(self) -> bool:
        """True when the provider has the message."""
        return self.sid is not None


class Sender(Protocol):
    """Hands SMS to a provider. One call is one attempt; the outbox owns retries."""

    def send(self, to: str, body: str, outbox_id: int, part: int = 1) -> SendResult:
        """Send ``body`` to ``to`` (E.164) from the hotline number.

        ``outbox_id`` and ``part`` (of a long message sent in parts) go into the status
        callback URL, so a late callback can settle a send that timed out.
        """
        ...

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The sid of a message with this body sent to ``to`` since ``since``, if any.

        Raises LookupFailed when the provider cannot be asked, whatever the error (never
        guess: a wrong "no" would page twice).
        """
        ...

    def redact(self, sid: str) -> bool:
        """Remove the provider's copy of a finished message; True once it is gone."""
        ...

    def call(self, to: str, say: str, language: str, outbox_id: int) -> SendResult:
        """Place a call to ``to`` that speaks ``say`` (written in ``language``) and takes
        one key press, reported with ``outbox_id`` (the spoken page's row)."""
        ...

    def find_call(self, to: str, since: datetime) -> str | None:
        """The sid of a call placed to ``to`` since ``since``, if any.

        Raises LookupFailed when the provider cannot be asked.
        """
        ...


def _nothing() -> None:
    """Wake nobody: the engine's next periodic tick picks the work up."""


class Kick:
    """The one way to wake the engine, built once per process and injected everywhere.

    It calls whatever wakes the engine now: NOTIFY to engines in other processes (nothing
    on SQLite) until this process runs an engine of its own, which then points it at its
    runner with ``wake_with``. Calling it never blocks and never raises.
    """

    def __init__(self, wake: Callable[[], None] = _nothing) -> None:
        self._wake = wake

    def wake_with(self, wake: Callable[[], None]) -> None:
        """From now on, wake the engine by calling ``wake``."""
        self._wake = wake

    def __call__(self) -> None:
        """Wake the engine (work was queued and committed)."""
        self._wake()

    def within(self, session: Session) -> bool:
        """Wake the engine from inside ``session``'s transaction, if the current way can
        (NOTIFY, which PostgreSQL delivers at commit and drops on rollback): True when
        done so, False when the caller must call the kick once it has committed."""
        wake_within = getattr(self._wake, "within", None)
        return bool(wake_within(session)) if wake_within is not None else False
