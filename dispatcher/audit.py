"""The append-only audit log: who changed what, when, with the old and new values.

Below rosters and accounts, which both record their changes here and need nothing else of
each other.

Values pass through ``clean`` before they are stored: secrets and anything that could carry
an officer's words are withheld, and values are made JSON-ready. Rows are never updated or
deleted through the ORM (``AuditEntry`` refuses it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Integer, String, event, func, select
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from dispatcher.clock import as_utc
from dispatcher.db import Base, UTCDateTime

# Keys whose values never reach the log: secrets, and fields that may hold a victim's
# details or an officer's words (the flows never pass them, this is the backstop).
WITHHELD_KEYS = frozenset(
    {
        "password",
        "password_hash",
        "secret",
        "token",
        "note",
        "body",
        "text",
        "message",
        "words",
        "address",
    }
)
WITHHELD = "(withheld)"


class AuditEntry(Base):
    """One change made through the admin pages or the CLI: who, what, when, old and new."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))  # an account's email, or cli:<user>
    action: Mapped[str] = mapped_column(String(40))  # create, update, delete, export, ...
    entity: Mapped[str] = mapped_column(String(40))  # person, roster, rotation, ...
    entity_id: Mapped[int | None] = mapped_column(Integer, default=None)
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and how many entries there are in all."""

    entries: list[AuditEntry]
    total: int


@dataclass(frozen=True)
class Auditor:
    """Who is making changes and when: handed to every service that records them.

    ``actor`` is an account's email, ``cli:<user>`` or ``sms``; ``now`` is the instant
    every change of this unit of work is logged at (aware).
    """

    actor: str
    now: datetime

    def record(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: int | None,
        old: Mapping[str, Any] | None,
        new: Mapping[str, Any] | None,
        *,
        whole: bool = False,
    ) -> AuditEntry | None:
        """Append one change to the audit log as ``actor`` at ``now``, and flush.

        ``action`` is a short verb such as ``create``, ``update``, ``delete``, ``export``.
        An update (``old`` and ``new`` both given) keeps only the keys that changed, and one
        that changed nothing is not recorded (None), unless ``whole`` keeps both as given.
        Withheld keys are replaced by a marker.
        """
        if old is not None and new is not None and not whole:
            old, new = changes(old, new)
            if not old and not new:
                return None
        entry = AuditEntry(
            at=as_utc(self.now),
            actor=self.actor[:200],
            action=action[:40],
            entity=entity[:40],
            entity_id=entity_id,
            old=clean(old),
            new=clean(new),
        )
        session.add(entry)
        session.flush()
        return entry


def clean(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A JSON-ready copy of ``values`` with withheld keys masked, at any depth."""
    if values is None:
        return None
    return {str(k): WITHHELD if _withheld(k) else _jsonable(v) for k, v in values.items()}


def _withheld(key: object) -> bool:
    """True for keys whose values must not be logged."""
    return str(key).lower() in WITHHELD_KEYS


def _jsonable(value: Any) -> Any:
    """``value`` as JSON types: datetimes as ISO 8601, sets and tuples as lists."""
    if isinstance(value, Mapping):
        return clean(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def changes(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (old, new); a missing key reads as None."""
    keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def audit_page(session: Session, page: int, per_page: int = 50) -> AuditPage:
    """Entries of 1-based ``page``, newest first."""
    page = max(page, 1)
    query = (
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return AuditPage(list(session.scalars(query)), total)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(_mapper: Mapper[Any], _connection: Any, _target: AuditEntry) -> None:
    """Refuse to change or remove an audit entry through the ORM."""
    raise PermissionError("the audit log is append-only")
