"""Accounts: create, authenticate, change role, deactivate; sign-in rate limiting.

Services take the session first, may flush and never commit. ``Auditor`` (who records a
change in the audit log, and when) is re-exported here for callers outside the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dispatcher.accounts import passwords
from dispatcher.accounts.models import ROLES, User
from dispatcher.audit import Auditor, changes
from dispatcher.errors import Conflict, NotFound, ValidationError

__all__ = [
    "Auditor",
    "authenticate",
    "change_account",
    "change_password",
    "changes",
    "create_account",
    "create_user",
    "deactivate",
    "end_sessions",
    "get_user",
    "list_users",
    "reactivate",
    "set_role",
    "user_table",
]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalise_email(email: str) -> str:
    """The email as stored and compared: trimmed, lower case."""
    return email.strip().lower()


def user_table(user: User) -> dict[str, object]:
    """What the audit log keeps of an account (never its hash)."""
    return {"email": user.email, "role": user.role, "active": user.active}


def create_user(session: Session, email: str, password: str, role: str, now: datetime) -> User:
    """Create an active account with an argon2id hash of ``password``.

    Raises ValidationError for a malformed email, an unknown role or a short password,
    Conflict when the email is taken.
    """
    email = normalise_email(email)
    if not _EMAIL.fullmatch(email) or len(email) > 200:
        raise ValidationError(f"{email!r} is not an email address")
    _check_role(role)
    passwords.check_strength(password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"an account for {email} already exists")
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        role=role,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active account with this email and password, or None.

    On success the hash is upgraded if the hasher's parameters changed, and
    ``last_login_at`` is set. Unknown accounts take as long to refuse as known ones.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        passwords.burn_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password) or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    """The account with this id; raises NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no account with id {user_id}")
    return user


def list_users(session: Session) -> list[User]:
    """Every account, active ones first, by email."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.email)))


def create_account(
    session: Session, auditor: Auditor, email: str, password: str, role: str
) -> User:
    """``create_user`` at the auditor's time, recorded as created by the auditor's actor."""
    user = create_user(session, email, password, role, auditor.now)
    auditor.record(session, "create", "account", user.id, None, user_table(user))
    return user


def change_account(
    session: Session, auditor: Auditor, user: User, change: Callable[[], None]
) -> None:
    """Run ``change`` (``set_role``, ``deactivate``, ``reactivate`` on ``user``), record it.

    Whatever ``change`` raises passes through, and nothing is recorded then.
    """
    old = user_table(user)
    change()
    auditor.record(session, "update", "account", user.id, old, user_table(user))


def set_role(session: Session, user: User, role: str) -> None:
    """Give ``user`` another role; raises Conflict if that would leave no active admin."""
    _check_role(role)
    if user.role == "admin" and role != "admin" and user.active:
        _keep_an_admin(session, user)
    user.role = role
    session.flush()


def deactivate(session: Session, user: User) -> None:
    """Stop ``user`` from signing in and end its sessions; Conflict for the last active admin."""
    if user.role == "admin" and user.active:
        _keep_an_admin(session, user)
    user.active = False
    end_sessions(session, user)


def reactivate(session: Session, user: User) -> None:
    """Let a deactivated account sign in again."""
    user.active = True
    session.flush()


def change_password(session: Session, user: User, password: str) -> None:
    """Replace the password of ``user`` and end its sessions; ValidationError for a weak one."""
    passwords.check_strength(password)
    user.password_hash = passwords.hash_password(password)
    end_sessions(session, user)


def end_sessions(session: Session, user: User) -> None:
    """Make every session cookie issued to ``user`` so far invalid (sign-out everywhere)."""
    session.flush()
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_generation=User.session_generation + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["session_generation"])


def _check_role(role: str) -> None:
    """Raise ValidationError unless ``role`` is one of ROLES."""
    if role not in ROLES:
        raise ValidationError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def _keep_an_admin(session: Session, leaving: User) -> None:
    """Raise Conflict when ``leaving`` is the only active admin."""
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != leaving.id)
    )
    if not others:
        raise Conflict("this is the only active admin account; make another admin first")
