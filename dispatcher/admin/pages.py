"""What every admin view shares: the clock, loading rows by id, recording changes.

Every change made through the pages goes to the audit log by ``auditor()``: the signed-in
account's email, the service clock's time, and only the values that changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from flask import abort, flash, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import web
from dispatcher.admin.auth import actor
from dispatcher.admin.forms import options
from dispatcher.audit import Auditor
from dispatcher.db import Base
from dispatcher.rosters.models import Person, Region

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


def tell(message: str, category: str = "success", place: str | None = None) -> None:
    """Flash ``message`` for the next page, shown next to its section ``place`` (a page
    that names the place in ``notice_places`` shows it there with ``notices(place)``;
    otherwise it shows at the top, as without a place)."""
    flash(message, f"{category}@{place}" if place else category)


def confirmed() -> bool:
    """True when the posted form is the answer to ``confirm_page`` (a second, deliberate post)."""
    return request.form.get("confirm") == "yes"


def confirm_page(
    question: str, changes: Sequence[str], button: str, back: str
) -> ResponseReturnValue:
    """Ask before a change that cannot be taken back: what will change, a button that posts
    the same form again to the same address with ``confirm=yes``, and a way back."""
    fields = [
        (k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "confirm")
    ]
    return render_template(
        "admin/confirm.html",
        title=question,
        changes=changes,
        button=button,
        back=back,
        fields=fields,
    )


def region_choices() -> list[Any]:
    """The regions to choose for a mutual-aid step, by name, after "(no region)"."""
    regions = db().execute(select(Region.id, Region.name).order_by(Region.name))
    return options([(0, "(no region)"), *((row.id, row.name) for row in regions)])


def people_choices(active_only: bool = True) -> list[tuple[int, str]]:
    """(id, name) of people, by name, for select lists."""
    query = select(Person.id, Person.name).order_by(Person.name)
    if active_only:
        query = query.where(Person.active.is_(True))
    return [(row.id, row.name) for row in db().execute(query)]
