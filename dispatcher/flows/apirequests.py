"""Requests through the JSON API: listing the open ones, and opening one for a listed
officer (a county dispatch system asking for an advocate).

An API request takes the officer's path (``officers.start_request``) with its needs and
tags given as values: no words arrive, so none are held or stored. The officer is texted
the code as if they had texted the hotline.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dispatcher.errors import NotFound, ValidationError
from dispatcher.flows import notify, texts
from dispatcher.flows.context import FlowContext
from dispatcher.flows.intake import Wanted
from dispatcher.flows.models import Request
from dispatcher.flows.officers import start_request
from dispatcher.flows.vocabulary import RequestStatus
from dispatcher.languages import LANGUAGES
from dispatcher.rosters import needstore
from dispatcher.rosters.models import Officer

CHANNEL = "api"


def open_requests(session: Session) -> list[Request]:
    """Every open request with its needs, oldest first (never a drill's: integrations are
    the officers' side)."""
    query = (
        select(Request)
        .where(Request.status == RequestStatus.OPEN, Request.drill.is_(False))
        .options(selectinload(Request.needs))
        .order_by(Request.id)
    )
    return list(session.scalars(query))


def open_for_officer(
    session: Session,
    ctx: FlowContext,
    officer_id: int,
    needs: Iterable[str],
    juvenile: bool = False,
    language: str | None = None,
) -> Request:
    """Open a request for the listed officer ``officer_id`` and page from now on.

    NotFound when there is no such active officer; ValidationError for an unknown need or
    language, or no need at all.
    """
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.active:
        raise NotFound(f"no active officer {officer_id}")
    wanted_needs = set(needs)
    configured = needstore.current(session).keys
    unknown = wanted_needs - set(configured)
    if unknown or not wanted_needs:
        raise ValidationError(f"needs must be among {', '.join(configured)}")
    if language is not None and language not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(LANGUAGES)}")
    tags = ["juvenile"] if juvenile else []
    if language is not None and language != "en":
        tags.append(f"lang:{language}")
    kinds = tuple(kind for kind in configured if kind in wanted_needs)
    request = start_request(
        session, ctx, officer, "", channel=CHANNEL, wanted=Wanted(needs=kinds, tags=tuple(tags))
    )
    notify.to_officer(session, ctx, request, texts.OfficerOpened(code=request.code, needs=kinds))
    return request
