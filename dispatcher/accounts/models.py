"""Admin accounts and the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatcher.db import Base, UTCDateTime

ROLES = ("admin", "coordinator", "viewer")


class User(Base):
    """A named account for the admin pages; the password is an argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


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


class LoginAttempt(Base):
    """A failed sign-in: the account tried and the client address, kept for 15 minutes.

    Counted per account and per address to slow password guessing; nothing else is kept.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_account_at", "account", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    account: Mapped[str] = mapped_column(String(200))  # the email tried, lower case
    address: Mapped[str] = mapped_column(String(64))
