"""The texts about the safety of the people who answer: check-ins, missed check-ins, the
duress alarm, setting a duress word, and the debrief after DONE.

Registered in ``flows.texts.TEXTS`` on import; written by ``sms.care_texts``. Instants are
ISO-8601 strings shown as ``HH:MM`` in ``zone`` (the coalition's).
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import CodeText, Fixed, Text


@dataclass(frozen=True)
class Debrief(Text, template="debrief"):
    """After DONE: which of ``services`` (keys, numbered from 1) were provided on ``code``."""

    code: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class DebriefAck(CodeText, template="debrief_ack"):
    """The debrief answer for ``code`` is recorded."""


@dataclass(frozen=True)
class CheckinStarted(Text, template="checkin_started"):
    """To whoever accepted an in-person need: check in every ``minutes``."""

    code: str
    minutes: int


@dataclass(frozen=True)
class CheckinAck(Text, template="checkin_ack"):
    """The answer to a check-in, and (identical) to a reply with the duress word."""

    code: str
    minutes: int


@dataclass(frozen=True)
class CheckinReminder(CodeText, template="checkin_reminder"):
    """A check-in on ``code`` is late: one reminder to the person."""


@dataclass(frozen=True)
class CoordinatorCheckinMissed(Text, template="coordinator_checkin_missed"):
    """Coordinators: ``name`` has not checked in on ``code`` since ``since``."""

    name: str
    code: str
    since: str
    zone: str | None
    last: str
    phone: str


@dataclass(frozen=True)
class OfficerCheckinMissed(Text, template="officer_checkin_missed"):
    """The officer: the ``role`` on ``code`` has not checked in since ``since``."""

    role: str
    code: str
    since: str
    zone: str | None


@dataclass(frozen=True)
class CheckinResumed(Text, template="checkin_resumed"):
    """Whoever was told of a missed check-in: ``name`` checked in again at ``at``."""

    name: str
    code: str
    at: str
    zone: str | None


@dataclass(frozen=True)
class CoordinatorDuress(Text, template="coordinator_duress"):
    """Coordinators: ``name`` used their duress word at ``at``, on ``codes``."""

    name: str
    codes: tuple[str, ...]
    at: str
    zone: str | None
    last: str
    phone: str


@dataclass(frozen=True)
class OfficerDuress(Text, template="officer_duress"):
    """The officer of ``code``: the ``role`` on it may be in danger."""

    role: str
    code: str
    at: str
    zone: str | None


@dataclass(frozen=True)
class CheckinWhich(Text, template="checkin_which"):
    """A bare OK with several check-ins running: add one of ``codes``."""

    codes: tuple[str, ...]


@dataclass(frozen=True)
class DuressSet(Fixed, template="duress_set"):
    """The duress word is set."""


@dataclass(frozen=True)
class DuressCleared(Fixed, template="duress_cleared"):
    """The duress word is removed."""


@dataclass(frozen=True)
class DuressRefused(Fixed, template="duress_refused"):
    """Not a valid duress word."""
