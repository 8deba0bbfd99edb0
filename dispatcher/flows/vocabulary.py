"""The words the flows store and compare: states, outcomes, failure reasons and need kinds.

Each is a ``StrEnum``, so a member equals the string stored in the database (no migration,
and a value read back as a plain ``str`` still compares equal). Pure: no database here.
"""

from __future__ import annotations

from enum import StrEnum

from dispatcher.rosters.needkinds import DEFAULT_NEEDS, NeedSpec, NeedTable


class RequestStatus(StrEnum):
    """Whether a request is still being worked on."""

    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How a request ended (kept in the call log)."""

    ACCEPTED = "accepted"
    UNFILLED = "unfilled"
    CLOSED_BY_OFFICER = "closed_by_officer"
    EXPIRED = "expired"


class NeedState(StrEnum):
    """paging -> accepted -> done; paging -> unfilled (-> accepted); any -> cancelled."""

    PAGING = "paging"
    ACCEPTED = "accepted"
    UNFILLED = "unfilled"
    DONE = "done"
    CANCELLED = "cancelled"


class PageState(StrEnum):
    """open -> accepted | declined | covered | failed | expired | unsent | dropped.

    failed: the person could not be reached; unsent: the service or the provider could not
    send the page, which never counts against the person; dropped: the need was dropped.
    """

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COVERED = "covered"
    FAILED = "failed"
    EXPIRED = "expired"
    UNSENT = "unsent"
    DROPPED = "dropped"


class OutboxState(StrEnum):
    """pending -> sending -> sent -> delivered | undelivered; or failed | dropped."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    DROPPED = "dropped"


class DrillState(StrEnum):
    """scheduled -> running -> passed | missed; scheduled or running -> cancelled."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    PASSED = "passed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Failure(StrEnum):
    """Why an outbox message failed or was dropped."""

    UNREADABLE = "unreadable"
    UNRENDERABLE = "unrenderable"
    REJECTED = "rejected"
    EXPIRED = "expired"
    UNREACHABLE = "unreachable"
    NOT_PAGING = "not_paging"


class NeedKind(StrEnum):
    """The built-in needs the code names (more are configured: ``rosters.needkinds``)."""

    ADVOCATE = "advocate"
    ROOM = "room"
    RIDE = "ride"


# The built-in needs' rows (the configured table, read through ``rosters.needstore``,
# may add needs and reconfigure these).
NEEDS: dict[str, NeedSpec] = {spec.key: spec for spec in DEFAULT_NEEDS.specs}
# The built-in kinds, in the order requests list them (the call log has a column each).
NEED_KINDS: tuple[NeedKind, ...] = tuple(NeedKind)
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
# Need states an accept can still take, and the states in which a request may close.
WANTED = (NeedState.PAGING, NeedState.UNFILLED)
SETTLED = (NeedState.DONE, NeedState.CANCELLED)
# Outbox rows nothing more will happen to.
FINISHED = tuple(s for s in OutboxState if s not in (OutboxState.PENDING, OutboxState.SENDING))
# Pages still waiting on an answer (an expired page can still be accepted late).
ANSWERABLE = (PageState.OPEN, PageState.EXPIRED)


def need_spec(kind: str, table: NeedTable = DEFAULT_NEEDS) -> NeedSpec | None:
    """``table``'s row for ``kind``, or None when it names no need kind."""
    return table.get(kind)


class CheckInState(StrEnum):
    """A safety check-in: started at accept -> arrived at the first OK -> ended at DONE.

    ``reminded``: the check-in was missed and the person texted once; ``overdue``: still
    nothing after the grace, the coordinators were told.
    """

    STARTED = "started"
    ARRIVED = "arrived"
    REMINDED = "reminded"
    OVERDUE = "overdue"
    ENDED = "ended"


# Check-ins still running (the engine watches their deadline, OK answers them).
CHECKING_IN = (
    CheckInState.STARTED,
    CheckInState.ARRIVED,
    CheckInState.REMINDED,
    CheckInState.OVERDUE,
)
