"""What every admin view shares: the clock, loading rows by id, recording changes.

Every change made through the pages goes to the audit log by ``auditor()``: the signed-in
account's email, the service clock's time, and only the values that changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import web
from dispatcher.admin.auth import actor
from dispatcher.audit import Auditor
from dispatcher.db import Base
from dispatcher.rosters.models import Person

M = TypeVar("M", bound=Base)


def now() -> datetime:
    """The service clock's current instant (aware UTC)."""
    return web.runtime().clock.now()


def db() -> Session:
    """The request's database session."""
    return web.db_session()


def get_or_404(model: type[M], row_id: int) -> M:
    """The row of ``model`` with this id, or a 404 answer."""
    row = db().get(model, row_id)
    if row is None:
        abort(404)
    return row


def auditor() -> Auditor:
    """The signed-in account, at the service clock's time: who the view's changes are by."""
    return Auditor(actor(), now())


def people_choices(active_only: bool = True) -> list[tuple[int, str]]:
    """(id, name) of people, by name, for select lists."""
    query = select(Person.id, Person.name).order_by(Person.name)
    if active_only:
        query = query.where(Person.active.is_(True))
    return [(row.id, row.name) for row in db().execute(query)]


def split_words(text: str | None) -> list[str]:
    """``"en, ES,  fr"`` as ``["en", "es", "fr"]`` (lower case, each once)."""
    words = (word.strip().lower() for word in (text or "").split(","))
    return list(dict.fromkeys(word for word in words if word))
