"""The API's endpoints: thin views over the roster services, behind ``require``.

Only ``Authorization: Bearer <token>`` authenticates; a session cookie is never looked at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from dispatcher import web
from dispatcher.accounts.apitokens import token_for
from dispatcher.accounts.models import ApiToken
from dispatcher.api.openapi import document
from dispatcher.api.problems import Problem, problem_response
from dispatcher.api.schemas import (
    Model,
    NeedOut,
    OnCall,
    OpenRequestIn,
    PersonList,
    PersonOut,
    PersonRef,
    RequestList,
    RequestOut,
    RosterList,
    RosterOut,
    ShiftList,
    ShiftOut,
)
from dispatcher.audit import Auditor
from dispatcher.errors import NotFound, ValidationError
from dispatcher.flows.apirequests import open_for_officer, open_requests
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Request
from dispatcher.rosters.file.fields import to_instant, to_moment
from dispatcher.rosters.models import Person, Roster
from dispatcher.rosters.service import get_roster, shifts, who_is_on_call

log = logging.getLogger("dispatcher.api")
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


def require(scope: str) -> Callable[[F], F]:
    """Let the view run only for a live bearer token with ``scope``, within its rate."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            token = _authenticate()
            if scope not in token.scopes:
                raise Problem(403, f"this token lacks the {scope} scope")
            g.api_token = token
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def _authenticate() -> ApiToken:
    """The request's live token; Problem 401 without one, 429 over its rate."""
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="dispatcher"'}
    if kind.lower() != "bearer" or not value.strip():
        raise Problem(401, "send an API token as Authorization: Bearer <token>", challenge)
    runtime = web.runtime()
    now = runtime.clock.now()
    token = token_for(web.db_session(), value.strip(), now)
    if token is None:
        raise Problem(401, "the token is unknown or revoked", challenge)
    wait = web.over_rate(f"api:{token.id}", runtime.settings.api_per_minute)
    if wait is not None:
        log.info("api.rate_limited token=%s", token.id)
        raise Problem(429, "too many requests with this token", {"Retry-After": str(wait)})
    return token


def _body(model: Model) -> Response:
    """A validated model as JSON."""
    response = Response(model.model_dump_json(), content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(Problem)
def _problem(problem: Problem) -> ResponseReturnValue:
    return problem_response(problem.status, problem.detail, problem.headers)


@blueprint.errorhandler(NotFound)
def _not_found(error: NotFound) -> ResponseReturnValue:
    return problem_response(404, str(error))


@blueprint.errorhandler(HTTPException)
def _http(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    return problem_response(status, error.description or "", {})


@blueprint.app_errorhandler(404)
@blueprint.app_errorhandler(405)
def _unrouted(error: HTTPException) -> ResponseReturnValue:
    """Under /api/ an unknown path or method is a problem too; elsewhere nothing changes."""
    if request.path.startswith(blueprint.url_prefix or "/api/v1"):
        return problem_response(error.code or 404, error.description or "", {})
    return error


@blueprint.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description (no token needed)."""
    return jsonify(document())


@blueprint.get("/oncall")
@require("read")
def oncall() -> ResponseReturnValue:
    """Who is on call on ``roster`` now, or ``at``."""
    session = web.db_session()
    roster = get_roster(session, _param("roster"))
    at = _when(request.args.get("at"), roster, "at") or web.runtime().clock.now()
    people = [PersonRef(id=p.id, name=p.name) for p in who_is_on_call(session, roster, at)]
    return _body(OnCall(roster=roster.name, at=at, people=people))


@blueprint.get("/rosters")
@require("read")
def rosters() -> ResponseReturnValue:
    """Every roster, by name."""
    found = web.db_session().scalars(select(Roster).order_by(Roster.name))
    return _body(RosterList(rosters=[_roster(r) for r in found]))


@blueprint.get("/rosters/<name>/shifts")
@require("read")
def roster_shifts(name: str) -> ResponseReturnValue:
    """The roster's on-call periods overlapping [from, to)."""
    session = web.db_session()
    roster = get_roster(session, name)
    start, end = _when(_param("from"), roster, "from"), _when(_param("to"), roster, "to")
    assert start is not None and end is not None
    if end <= start:
        raise Problem(400, "to must be after from")
    if (end - start).days > 366:
        raise Problem(400, "ask for at most a year at a time")
    found = [
        ShiftOut(start=s.start, end=s.end, person=PersonRef(id=p.id, name=p.name))
        for s, p in shifts(session, roster, start, end)
    ]
    return _body(ShiftList(roster=roster.name, shifts=found))


@blueprint.get("/people")
@require("read")
def people() -> ResponseReturnValue:
    """Every person, by name; phone numbers only for the manage scope."""
    phones = "manage" in g.api_token.scopes
    found = web.db_session().scalars(select(Person).order_by(Person.name))
    return _body(PersonList(people=[_person(p, phones) for p in found]))


@blueprint.get("/requests")
@require("read")
def requests_list() -> ResponseReturnValue:
    """Every open request: codes, needs and states, never words."""
    found = open_requests(web.db_session())
    return _body(RequestList(requests=[_request(r) for r in found]))


@blueprint.post("/requests")
@require("open-requests")
def request_open() -> ResponseReturnValue:
    """Open a request for a listed officer; 201 with its code, and the officer is texted."""
    try:
        wanted = OpenRequestIn.model_validate_json(request.get_data())
    except PydanticError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors())
        raise Problem(400, f"the body is not an OpenRequestIn (check: {fields})") from None
    runtime = web.runtime()
    session = web.db_session()
    kicks: list[bool] = []
    ctx = FlowContext(
        runtime.settings, runtime.sealer, runtime.clock.now(), lambda: kicks.append(True)
    )
    try:
        opened = open_for_officer(
            session, ctx, wanted.officer_id, wanted.needs, wanted.juvenile, wanted.language
        )
    except ValidationError as exc:
        raise Problem(400, str(exc)) from None
    token: ApiToken = g.api_token
    auditor = Auditor(f"api:{token.name}", ctx.now)
    record = {"code": opened.code, "officer_id": wanted.officer_id, "needs": wanted.needs}
    auditor.record(session, "open", "request", opened.id, None, record)
    session.commit()
    if kicks:
        runtime.kick()
    log.info("api.request_opened token=%s request=%s", token.id, opened.code)
    response = _body(_request(opened))
    response.status_code = 201
    return response


def _request(found: Request) -> RequestOut:
    return RequestOut(
        code=found.code,
        status=found.status,
        opened_at=found.opened_at,
        tags=list(found.tags),
        needs=[NeedOut(kind=n.kind, state=n.state) for n in found.needs],
    )


def _roster(roster: Roster) -> RosterOut:
    return RosterOut(
        id=roster.id,
        name=roster.name,
        kind=roster.kind,
        timezone=roster.timezone,
        requires_training=roster.requires_training,
        juvenile_training=roster.juvenile_training,
    )


def _person(person: Person, phones: bool) -> PersonOut:
    return PersonOut(
        id=person.id,
        name=person.name,
        languages=list(person.languages),
        coordinator=person.coordinator,
        active=person.active,
        phone=person.phone if phones else None,
    )


def _param(name: str) -> str:
    """A required query parameter; Problem 400 when missing."""
    value = request.args.get(name, "").strip()
    if not value:
        raise Problem(400, f"the {name} parameter is required")
    return value


def _when(text: str | None, roster: Roster, name: str) -> datetime | None:
    """An instant from ISO 8601 ``text`` (naive: the roster's local time); None if absent."""
    if not text:
        return None
    try:
        return to_instant(to_moment(text), ZoneInfo(roster.timezone))
    except ValueError:
        raise Problem(400, f"{name} is not an ISO 8601 date-time") from None
