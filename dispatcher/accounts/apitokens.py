"""API tokens: created by an admin for one integration, with scopes; stored as a SHA-256.

A token is ``dsp_`` and 43 random URL-safe characters (256 bits), so a plain SHA-256 is
enough to store it: nothing about it can be guessed from the hash. Services take the
session first, may flush and never commit; creating and revoking are audited (never the
token itself).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.accounts.models import API_SCOPES, ApiToken
from dispatcher.audit import Auditor
from dispatcher.clock import as_utc
from dispatcher.errors import NotFound, ValidationError

PREFIX = "dsp_"


@dataclass(frozen=True)
class NewToken:
    """A token just created: the row, and the token itself (shown once, never stored)."""

    row: ApiToken
    token: str


def token_hash(token: str) -> str:
    """The stored form of ``token``: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, auditor: Auditor, name: str, scopes: Iterable[str]) -> NewToken:
    """A new token for the integration ``name`` with ``scopes`` (ValidationError if unknown
    or none)."""
    name = " ".join(name.split())
    wanted = list(dict.fromkeys(scopes))
    if not name or len(name) > 120:
        raise ValidationError("an API token needs a name of at most 120 characters")
    unknown = [s for s in wanted if s not in API_SCOPES]
    if unknown or not wanted:
        raise ValidationError(f"scopes must be among {', '.join(API_SCOPES)}")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        token_hash=token_hash(token),
        scopes=sorted(wanted, key=API_SCOPES.index),
        created_at=as_utc(auditor.now),
    )
    session.add(row)
    session.flush()
    auditor.record(
        session, "create", "api_token", row.id, None, {"name": name, "scopes": row.scopes}
    )
    return NewToken(row, token)


def revoke_token(session: Session, auditor: Auditor, token_id: int) -> ApiToken:
    """Revoke the token ``token_id`` (NotFound if there is none; revoking twice is fine)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no API token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = as_utc(auditor.now)
        session.flush()
        auditor.record(session, "revoke", "api_token", row.id, {"name": row.name}, None)
    return row


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def token_for(session: Session, token: str, now: datetime) -> ApiToken | None:
    """The live token ``token`` is, or None (unknown, malformed or revoked)."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token))
    ).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return row
