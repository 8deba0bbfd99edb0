"""Admin accounts and their sign-in throttles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatcher.db import Base, UTCDateTime

ROLES = ("admin", "coordinator", "viewer")
# What an API token may do: read rosters and who is on call; open requests; see phones.
API_SCOPES = ("read", "open-requests", "manage")


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
    # Bumped on sign-out, password change and deactivation: older session cookies stop working.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LoginThrottle(Base):
    """Failed sign-ins for one account (``account:<email>``) or one client address
    (``address:<ip>``). Counted by conditional UPDATEs, so parallel guesses cannot pass
    unseen; beyond the limit each attempt waits longer (``blocked_until``). Forgotten once
    idle for the sign-in window; nothing else is kept.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(280), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class ApiToken(Base):
    """A token an integration sends to the JSON API; only its SHA-256 is stored.

    ``scopes`` is a subset of API_SCOPES; a revoked token stops working at once.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class RateWindow(Base):
    """Requests counted for one key (``api:<token id>``, ``feed:<feed id>``) in one fixed
    window starting at ``window_start``: one upsert per request, so every process sees the
    same count. Windows older than the current one are deleted as the key is counted.
    """

    __tablename__ = "rate_windows"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
